import CZlib

/// Decompresses gzip (or zlib) input in memory, including files of several gzip members.
///
/// A file cut short, or damaged after some data, is not an error: `stop` says where and why decoding
/// stopped and the output holds everything decoded up to there.
struct Gzip {
    struct Result {
        var output: [UInt8]
        /// Offset in the compressed input where decoding stopped early and why; nil when complete.
        var stop: (compressedOffset: Int, reason: String)?
    }

    /// Upper bound on the decompressed size (a limit on everything: a zip bomb is an error, not a crash).
    var maxOutputBytes = 4 << 30

    func decompress(_ input: [UInt8]) throws -> Result {
        var output: [UInt8] = []
        output.reserveCapacity(min(maxOutputBytes, 256 << 20, max(input.count * 8, 1 << 16)))
        var stream = z_stream()
        var status = inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else {
            throw InteropError(.corruptCompression, byteOffset: 0, "zlib could not start (status \(status)): at offset 0; check the zlib installation")
        }
        defer { inflateEnd(&stream) }

        let chunkSize = 1 << 16
        var chunk = [UInt8](repeating: 0, count: chunkSize)
        var stop: (compressedOffset: Int, reason: String)?
        try input.withUnsafeBufferPointer { inputBuffer in
            guard let base = inputBuffer.baseAddress else { return }
            stream.next_in = UnsafeMutablePointer(mutating: base)
            stream.avail_in = UInt32(inputBuffer.count)
            while true {
                let produced: Int = chunk.withUnsafeMutableBufferPointer { chunkBuffer in
                    stream.next_out = chunkBuffer.baseAddress
                    stream.avail_out = UInt32(chunkSize)
                    status = inflate(&stream, Z_NO_FLUSH)
                    return chunkSize - Int(stream.avail_out)
                }
                output.append(contentsOf: chunk[0..<produced])
                let consumed = inputBuffer.count - Int(stream.avail_in)
                guard output.count <= maxOutputBytes else {
                    throw InteropError(.tooLarge, byteOffset: consumed, "gzip input inflates past \(maxOutputBytes) bytes: at compressed offset \(consumed); split the capture or raise the limit")
                }
                switch status {
                case Z_OK:
                    continue
                case Z_STREAM_END:
                    // Another gzip member may follow (concatenated .gz files); trailing zero padding ends the file.
                    let rest = inputBuffer[consumed...]
                    if rest.allSatisfy({ $0 == 0 }) { return }
                    guard inflateReset(&stream) == Z_OK else { return }
                case Z_BUF_ERROR:
                    if stream.avail_in == 0 {
                        stop = (consumed, "the gzip data ends early (cut short)")
                        return
                    }
                    // No progress possible with input left: only happens with a full output buffer.
                    if produced > 0 { continue }
                    throw InteropError(.corruptCompression, byteOffset: consumed, "gzip stream stalled: at compressed offset \(consumed); the file is damaged")
                default:
                    let reason = stream.msg.map { String(cString: $0) } ?? "status \(status)"
                    if !output.isEmpty {
                        stop = (consumed, "the gzip data is damaged (\(reason))")
                        return
                    }
                    throw InteropError(.corruptCompression, byteOffset: consumed, "gzip data is damaged (\(reason)): at compressed offset \(consumed); the file cannot be read past this point, re-fetch it")
                }
            }
        }
        return Result(output: output, stop: stop)
    }
}

extension Gzip {
    /// The first `count` decompressed bytes (fewer when the stream is shorter or damaged), for sniffing.
    func prefix(of input: [UInt8], count: Int) -> [UInt8] {
        var stream = z_stream()
        guard inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return [] }
        defer { inflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: count)
        let produced: Int = input.withUnsafeBufferPointer { inputBuffer in
            output.withUnsafeMutableBufferPointer { outputBuffer in
                stream.next_in = UnsafeMutablePointer(mutating: inputBuffer.baseAddress)
                stream.avail_in = UInt32(inputBuffer.count)
                stream.next_out = outputBuffer.baseAddress
                stream.avail_out = UInt32(count)
                _ = inflate(&stream, Z_SYNC_FLUSH)
                return count - Int(stream.avail_out)
            }
        }
        return Array(output[0..<produced])
    }
}
