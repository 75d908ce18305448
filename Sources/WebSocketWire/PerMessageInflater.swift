import CZlib

/// Inflates permessage-deflate messages of one direction (RFC 7692 §7.2.2): raw DEFLATE, the four
/// bytes `00 00 ff ff` appended to each message, one LZ77 window shared across messages unless the
/// peer declared `no_context_takeover` for this direction.
///
/// A class because zlib keeps a pointer back to its `z_stream`, which therefore must not move.
public final class PerMessageInflater {
    public enum InflateError: Error, CustomStringConvertible {
        case damaged(String)
        case tooLarge(limit: Int)

        public var description: String {
            switch self {
            case let .damaged(reason): "the compressed message cannot be inflated (\(reason))"
            case let .tooLarge(limit): "the message inflates past the \(limit)-byte limit"
            }
        }
    }

    private let stream: UnsafeMutablePointer<z_stream>
    private let resetsPerMessage: Bool
    private let maxMessageSize: Int
    private var ready: Bool

    public init(noContextTakeover: Bool, maxMessageSize: Int = 64 << 20) {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        resetsPerMessage = noContextTakeover
        self.maxMessageSize = maxMessageSize
        // Window bits -15: raw deflate with the largest window, which accepts any smaller one.
        ready = inflateInit2_(stream, -15, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK
    }

    deinit {
        if ready { inflateEnd(stream) }
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    /// The uncompressed message for one compressed message payload.
    public func inflate(_ compressed: [UInt8]) throws(InflateError) -> [UInt8] {
        // An empty payload is an empty message; appending the tail to nothing would be read as the
        // start of a stored block and corrupt the shared window.
        if compressed.isEmpty { return [] }
        guard ready else {
            throw .damaged("an earlier message of this direction could not be inflated, so the shared window is lost")
        }
        var input = compressed + [0x00, 0x00, 0xFF, 0xFF]
        var output: [UInt8] = []
        output.reserveCapacity(compressed.count * 4)
        var chunk = [UInt8](repeating: 0, count: 1 << 15)
        var status: Int32 = Z_OK
        input.withUnsafeMutableBufferPointer { inputBuffer in
            stream.pointee.next_in = inputBuffer.baseAddress
            stream.pointee.avail_in = UInt32(inputBuffer.count)
            repeat {
                let produced: Int = chunk.withUnsafeMutableBufferPointer { chunkBuffer in
                    stream.pointee.next_out = chunkBuffer.baseAddress
                    stream.pointee.avail_out = UInt32(chunkBuffer.count)
                    status = CZlib.inflate(stream, Z_SYNC_FLUSH)
                    return chunkBuffer.count - Int(stream.pointee.avail_out)
                }
                output.append(contentsOf: chunk[0..<produced])
            } while (status == Z_OK && (stream.pointee.avail_in > 0 || stream.pointee.avail_out == 0)) && output.count <= maxMessageSize
            stream.pointee.next_in = nil
        }
        guard status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR else {
            let reason = stream.pointee.msg.map { String(cString: $0) } ?? "zlib status \(status)"
            // With context takeover later messages refer back into the lost window: stop inflating.
            ready = resetsPerMessage && inflateReset(stream) == Z_OK
            throw .damaged(reason)
        }
        if resetsPerMessage || status == Z_STREAM_END { inflateReset(stream) }
        guard output.count <= maxMessageSize else { throw .tooLarge(limit: maxMessageSize) }
        return output
    }
}
