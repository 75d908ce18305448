import TapeCore

/// A block inflated, checked and parsed: its content in one buffer, and where each record sits.
///
/// Parsing into spans rather than `Frame`s keeps decoding threads from allocating per frame (and
/// the reading thread from freeing what another thread allocated, which glibc's malloc does
/// slowly); frames and views are made from the spans on the thread that reads them. Both buffers
/// are on loan from the reader's `BlockBufferPool` until the last copy of the block is gone.
struct DecodedBlock: Sendable {
    struct Span: Sendable {
        var time: Int64
        var payloadStart: Int32
        var payloadLength: Int32
        var connection: UInt32
        var direction: Direction
        var kind: FrameKind
    }

    let firstFrame: Int
    let count: Int
    private let lease: BlockBufferPool.Lease

    /// A block whose first `count` spans of `lease` are parsed from its content.
    init(firstFrame: Int, count: Int, lease: BlockBufferPool.Lease) {
        self.firstFrame = firstFrame
        self.count = count
        self.lease = lease
    }

    var spans: UnsafeBufferPointer<Span> {
        UnsafeBufferPointer(rebasing: lease.buffers.spans[0..<count])
    }

    private var content: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(lease.buffers.content)
    }

    func frame(at index: Int) -> Frame {
        let span = spans[index]
        let start = Int(span.payloadStart)
        return Frame(
            time: Timestamp(nanoseconds: span.time), direction: span.direction,
            connection: ConnectionID(span.connection), kind: span.kind,
            payload: Array(content[start..<(start + Int(span.payloadLength))])
        )
    }

    func withView<R>(at index: Int, _ body: (FrameView) throws -> R) rethrows -> R {
        let span = spans[index]
        let start = Int(span.payloadStart)
        let view = FrameView(
            number: firstFrame + index, time: Timestamp(nanoseconds: span.time), direction: span.direction,
            connection: ConnectionID(span.connection), kind: span.kind,
            payload: UnsafeRawBufferPointer(rebasing: content[start..<(start + Int(span.payloadLength))])
        )
        return try withExtendedLifetime(lease) { try body(view) }
    }
}

/// A frame read in place: the payload points into the decoded block and is valid only inside the
/// closure that receives the view. The fast path for replay and scans; copy with `frame` to keep it.
public struct FrameView {
    public let number: Int
    public let time: Timestamp
    public let direction: Direction
    public let connection: ConnectionID
    public let kind: FrameKind
    public let payload: UnsafeRawBufferPointer

    /// A copy that outlives the view.
    public var frame: Frame {
        Frame(time: time, direction: direction, connection: connection, kind: kind, payload: Array(payload))
    }

    /// A copy that outlives the view, its payload written into `buffer`'s storage: a reader that
    /// handles one frame at a time allocates no payload per frame. Storage still held by an earlier
    /// frame (a client that kept the bytes) is left to it, and `buffer` gets new storage, as
    /// Array's copy on write decides.
    public func frame(reusing buffer: inout [UInt8]) -> Frame {
        buffer.removeAll(keepingCapacity: true)
        buffer.append(contentsOf: payload)
        return Frame(time: time, direction: direction, connection: connection, kind: kind, payload: buffer)
    }
}
