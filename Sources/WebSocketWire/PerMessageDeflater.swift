import CZlib

/// Compresses outgoing messages of one direction for permessage-deflate (RFC 7692 §7.2.1): raw
/// DEFLATE flushed with `Z_SYNC_FLUSH`, the trailing `00 00 ff ff` removed, the LZ77 window kept
/// across messages unless this direction has `no_context_takeover`.
///
/// A class because zlib keeps a pointer back to its `z_stream`, which therefore must not move.
public final class PerMessageDeflater {
    private let stream: UnsafeMutablePointer<z_stream>
    private let resetsPerMessage: Bool

    /// - Parameter windowBits: 9 to 15 (zlib cannot make raw deflate with 8; RFC 7692 §7.1.2.1 allows
    ///   a larger window to be refused, so negotiation never agrees to 8 for our side).
    public init(noContextTakeover: Bool, windowBits: Int = 15, level: Int32 = 6) {
        precondition((9...15).contains(windowBits), "deflate window bits must be 9 to 15, not \(windowBits)")
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        resetsPerMessage = noContextTakeover
        let status = deflateInit2_(stream, level, Z_DEFLATED, -Int32(windowBits), 8, Z_DEFAULT_STRATEGY,
                                   ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        precondition(status == Z_OK, "deflateInit2_ failed with \(status): zlib is unusable")
    }

    deinit {
        deflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    /// The compressed payload of one message (without the `00 00 ff ff` tail).
    public func deflate(_ message: [UInt8]) -> [UInt8] {
        var input = message
        var output = [UInt8]()
        output.reserveCapacity(message.count / 2 + 64)
        var chunk = [UInt8](repeating: 0, count: max(1 << 12, message.count + 64))
        input.withUnsafeMutableBufferPointer { inputBuffer in
            stream.pointee.next_in = inputBuffer.baseAddress
            stream.pointee.avail_in = UInt32(inputBuffer.count)
            repeat {
                let produced: Int = chunk.withUnsafeMutableBufferPointer { chunkBuffer in
                    stream.pointee.next_out = chunkBuffer.baseAddress
                    stream.pointee.avail_out = UInt32(chunkBuffer.count)
                    let status = CZlib.deflate(stream, Z_SYNC_FLUSH)
                    precondition(status == Z_OK || status == Z_BUF_ERROR, "deflate failed with \(status)")
                    return chunkBuffer.count - Int(stream.pointee.avail_out)
                }
                output.append(contentsOf: chunk[0..<produced])
            } while stream.pointee.avail_out == 0
            stream.pointee.next_in = nil
        }
        if output.suffix(4).elementsEqual([0x00, 0x00, 0xFF, 0xFF]) { output.removeLast(4) }
        if resetsPerMessage { deflateReset(stream) }
        // zlib emits nothing for an empty message right after a flush; RFC 7692 §7.2.3.6 sends an
        // empty message as one 0x00 (an empty stored block once the tail is put back).
        return output.isEmpty ? [0x00] : output
    }
}
