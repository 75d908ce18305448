import Foundation
import TapeCore

/// A frame with its number on the tape (frames are numbered from 0 in the order they were written).
public struct RecordedFrame: Equatable, Sendable {
    public var number: Int
    public var frame: Frame

    public init(number: Int, frame: Frame) {
        self.number = number
        self.frame = frame
    }
}

/// Reads a tape: its header, its block table (from the index, or by scanning when there is none),
/// and its frames, sequentially, from a frame number or from a time, on one or several cores.
///
/// Opening never fails because of damage after the header: what cannot be read is listed in
/// `damage` with byte offsets, and every complete block stays readable.
public final class TapeReader: @unchecked Sendable {
    /// The file path, or the name given to an in-memory tape; used in every error.
    public let name: String
    public let header: TapeHeader
    /// Every block found, in file order (and so in frame and time order).
    public let blocks: [BlockInfo]
    /// What could not be read when the tape was opened (a blocks' checksum is checked when read).
    public let damage: [Damage]
    public let indexStatus: IndexStatus
    /// Where the frame blocks start: the header member ends here.
    public let headerLength: Int

    let source: ByteSource
    /// Memory for decoded blocks, recycled across reads (see `BlockBufferPool` for why).
    let bufferPool = BlockBufferPool()
    public var fileLength: Int { source.bytes.count }

    /// Frames in readable blocks.
    public var frameCount: Int { blocks.reduce(0) { $0 + $1.frameCount } }

    public convenience init(path: String) throws(TapeError) {
        try self.init(source: ByteSource(mapping: path), name: path)
    }

    public convenience init(bytes: [UInt8], name: String = "<memory>") throws(TapeError) {
        try self.init(source: ByteSource(copying: bytes), name: name)
    }

    init(source: ByteSource, name: String) throws(TapeError) {
        self.source = source
        self.name = name
        let bytes = source.bytes
        let opened = try TapeHeaderMember.read(bytes, name: name)
        header = opened.header
        headerLength = opened.length
        let layout = TapeLayout.find(in: bytes, headerEnd: opened.length)
        blocks = layout.blocks
        damage = layout.damage
        indexStatus = layout.indexStatus
    }

    // MARK: - Decoding blocks

    /// Upper bound on a block's decompressed size: a damaged size field must not allocate gigabytes.
    static let maxBlockContent = 256 << 20

    /// Decodes block `index`, checking its CRC-32, size, frame count and times against the table.
    public func decodeBlock(_ index: Int) throws(TapeError) -> [Frame] {
        let block = try decodedBlock(index)
        return (0..<block.count).map(block.frame(at:))
    }

    func decodedBlock(_ index: Int) throws(TapeError) -> DecodedBlock {
        do throws(BlockFailure) {
            return try BlockDecoder.decode(source.bytes, info: blocks[index], pool: bufferPool)
        } catch {
            throw damagedBlockError(index, reason: error.reason)
        }
    }

    func damagedBlockError(_ index: Int, reason: String) -> TapeError {
        let info = blocks[index]
        return TapeError(
            .damagedBlock, file: name, offset: info.offset,
            "block \(index) (frames \(info.firstFrame)–\(info.firstFrame + info.frameCount - 1)) is damaged: \(reason)",
            remedy: "run 'tape inspect \(name) --repair NEW.tape' to copy every intact block to a new tape"
        )
    }

    // MARK: - Finding frames

    /// The block holding frame `number`, if it is readable.
    public func blockIndex(containingFrame number: Int) -> Int? {
        var low = 0
        var high = blocks.count
        while low < high {
            let middle = (low + high) / 2
            if blocks[middle].firstFrame + blocks[middle].frameCount <= number { low = middle + 1 } else { high = middle }
        }
        guard low < blocks.count, blocks[low].firstFrame <= number else { return nil }
        return low
    }

    /// The first block with a frame at or after `time`.
    public func blockIndex(atOrAfter time: Timestamp) -> Int? {
        var low = 0
        var high = blocks.count
        while low < high {
            let middle = (low + high) / 2
            if blocks[middle].lastTime < time.nanoseconds { low = middle + 1 } else { high = middle }
        }
        return low < blocks.count ? low : nil
    }

    /// A cursor at the first frame numbered `number` or later.
    public func cursor(fromFrame number: Int = 0, options: FrameCursor.Options = .init()) -> FrameCursor {
        let block = blockIndex(containingFrame: number) ?? blocks.firstIndex(where: { $0.firstFrame >= number }) ?? blocks.count
        return FrameCursor(reader: self, block: block, skippingTo: .frame(number), options: options)
    }

    /// A cursor at the first frame whose time is at or after `time`.
    public func cursor(fromTime time: Timestamp, options: FrameCursor.Options = .init()) -> FrameCursor {
        FrameCursor(reader: self, block: blockIndex(atOrAfter: time) ?? blocks.count, skippingTo: .time(time), options: options)
    }

    /// Reads every frame in order; a damaged block is thrown, or skipped and listed when `skipDamaged`.
    public func forEachFrame(
        from number: Int = 0,
        parallelism: Int = 1,
        skipDamaged: Bool = false,
        _ body: (RecordedFrame) throws -> Void
    ) throws {
        var cursor = cursor(fromFrame: number, options: FrameCursor.Options(parallelism: parallelism, skipDamaged: skipDamaged))
        while let frame = try cursor.next() {
            try body(frame)
        }
    }

    /// Reads every frame in order as views into the decoded blocks: no copy, no allocation per frame.
    /// A view's payload is valid only inside `body`.
    public func forEachFrameView(
        from number: Int = 0,
        parallelism: Int = 1,
        skipDamaged: Bool = false,
        _ body: (FrameView) throws -> Void
    ) throws {
        var cursor = cursor(fromFrame: number, options: FrameCursor.Options(parallelism: parallelism, skipDamaged: skipDamaged))
        while try cursor.nextView(body) {}
    }

    /// Decodes every block and returns all damage: what opening found plus blocks that fail their checks.
    public func verify(parallelism: Int = ProcessInfo.processInfo.activeProcessorCount) -> [Damage] {
        var found = damage
        let prefetcher = BlockPrefetcher(reader: self, blocks: blocks.indices, threads: max(1, parallelism), window: 2 * parallelism + 2)
        for (index, info) in blocks.enumerated() {
            guard case .failure(let error) = prefetcher.take(index) else { continue }
            found.append(Damage(offset: info.offset, length: info.length, frames: info.frames, reason: error.detail))
        }
        return found.sorted { $0.offset < $1.offset }
    }
}
