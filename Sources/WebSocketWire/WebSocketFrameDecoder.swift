/// A pure, incremental decoder of WebSocket frames (RFC 6455 §5.2): feed it bytes in any split,
/// ask for frames until it says it needs more data.
///
/// It checks only what it needs to find frame boundaries, and its limits; protocol rules that leave
/// the boundaries intact (control frame sizes, reserved opcodes, fragmentation order) are the
/// `WebSocketMessageAssembler`'s job, so a malformed frame can be reported and decoding go on.
public struct WebSocketFrameDecoder: Sendable {
    /// What `next()` found.
    public enum Result: Hashable, Sendable {
        /// The buffered bytes end inside a frame.
        case needMoreData
        case frame(WebSocketWireFrame)
    }

    /// A violation after which frame boundaries cannot be trusted; the stream must be abandoned.
    public enum DecodeError: Error, Hashable, Sendable, CustomStringConvertible {
        /// The frame announces a payload longer than `maxFrameSize`.
        case frameTooLarge(length: UInt64, limit: Int, streamOffset: Int64)
        /// A 64-bit payload length with the most significant bit set (RFC 6455 §5.2 forbids it).
        case lengthHighBitSet(streamOffset: Int64)

        public var description: String {
            switch self {
            case let .frameTooLarge(length, limit, offset):
                "WebSocket frame announces \(length) payload bytes, over the \(limit)-byte limit: at stream offset \(offset); raise maxFrameSize if the capture is genuine"
            case let .lengthHighBitSet(offset):
                "WebSocket frame has a 64-bit length with its top bit set (forbidden by RFC 6455 §5.2): at stream offset \(offset); the stream is not WebSocket or is damaged"
            }
        }
    }

    private enum State: Sendable {
        /// Waiting for (the rest of) a frame header.
        case waitingForHeader
        /// The header is read; waiting for `length` payload bytes.
        case waitingForPayload(Header)
        /// A limit was broken; nothing more is decoded.
        case failed(DecodeError)
    }

    private struct Header: Sendable {
        var fin: Bool
        var reservedBits: UInt8
        var opcode: UInt8
        var mask: (UInt8, UInt8, UInt8, UInt8)?
        var length: Int
        var streamOffset: Int64
        var headerSize: Int
    }

    /// Largest payload accepted in one frame (a limit on everything: a bogus length must not allocate).
    public var maxFrameSize: Int

    private var state = State.waitingForHeader
    private var buffer: [UInt8] = []
    private var readIndex = 0
    /// Stream offset of `buffer[readIndex]`.
    private var consumedOffset: Int64 = 0

    public init(maxFrameSize: Int = 16 << 20) {
        self.maxFrameSize = maxFrameSize
    }

    /// Bytes received but not yet part of a returned frame (including a header already read).
    public var bufferedByteCount: Int {
        switch state {
        case let .waitingForPayload(header): header.headerSize + buffer.count - readIndex
        case .waitingForHeader, .failed: buffer.count - readIndex
        }
    }

    /// Adds received bytes to the decoder's buffer.
    public mutating func append<Bytes: Collection>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        if readIndex > 0, readIndex >= buffer.count / 2 {
            buffer.removeSubrange(0..<readIndex)
            readIndex = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next complete frame, or `.needMoreData`. Throws once a limit is broken, and again on every later call.
    public mutating func next() throws(DecodeError) -> Result {
        while true {
            switch state {
            case let .failed(error):
                throw error
            case .waitingForHeader:
                guard let header = try parseHeader() else { return .needMoreData }
                state = .waitingForPayload(header)
            case let .waitingForPayload(header):
                guard buffer.count - readIndex >= header.length else { return .needMoreData }
                var payload = Array(buffer[readIndex..<(readIndex + header.length)])
                if let mask = header.mask {
                    let key = [mask.0, mask.1, mask.2, mask.3]
                    for index in payload.indices { payload[index] ^= key[index & 3] }
                }
                readIndex += header.length
                consumedOffset += Int64(header.length)
                state = .waitingForHeader
                return .frame(WebSocketWireFrame(
                    fin: header.fin, reservedBits: header.reservedBits, opcode: header.opcode,
                    masked: header.mask != nil, payload: payload, streamOffset: header.streamOffset
                ))
            }
        }
    }

    /// Reads a whole header if it is buffered (consuming it), nil if not yet.
    private mutating func parseHeader() throws(DecodeError) -> Header? {
        let available = buffer.count - readIndex
        guard available >= 2 else { return nil }
        let first = buffer[readIndex], second = buffer[readIndex + 1]
        let masked = second & 0x80 != 0
        let shortLength = second & 0x7F
        let lengthBytes = shortLength == 126 ? 2 : shortLength == 127 ? 8 : 0
        let headerSize = 2 + lengthBytes + (masked ? 4 : 0)
        guard available >= headerSize else { return nil }
        var length = UInt64(shortLength)
        if lengthBytes > 0 {
            length = 0
            for index in 0..<lengthBytes { length = length << 8 | UInt64(buffer[readIndex + 2 + index]) }
        }
        if lengthBytes == 8, length >> 63 != 0 {
            let error = DecodeError.lengthHighBitSet(streamOffset: consumedOffset)
            state = .failed(error)
            throw error
        }
        guard length <= UInt64(maxFrameSize) else {
            let error = DecodeError.frameTooLarge(length: length, limit: maxFrameSize, streamOffset: consumedOffset)
            state = .failed(error)
            throw error
        }
        var mask: (UInt8, UInt8, UInt8, UInt8)?
        if masked {
            let at = readIndex + 2 + lengthBytes
            mask = (buffer[at], buffer[at + 1], buffer[at + 2], buffer[at + 3])
        }
        let header = Header(
            fin: first & 0x80 != 0, reservedBits: (first >> 4) & 0x7, opcode: first & 0x0F,
            mask: mask, length: Int(length), streamOffset: consumedOffset, headerSize: headerSize
        )
        readIndex += headerSize
        consumedOffset += Int64(headerSize)
        return header
    }
}
