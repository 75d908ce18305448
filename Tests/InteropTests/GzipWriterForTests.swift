import CZlib

/// Builds gzip files in memory so tests can feed the importer hand-written hftbacktest lines.
enum GzipWriterForTests {
    static func compress(_ input: [UInt8]) throws -> [UInt8] {
        var stream = z_stream()
        // windowBits 15 + 16: write a gzip header and trailer.
        guard deflateInit2_(&stream, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw GzipTestError.deflateFailed
        }
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(input.count))) + 64)
        var input = input
        let status: Int32 = input.withUnsafeMutableBufferPointer { inputBuffer in
            output.withUnsafeMutableBufferPointer { outputBuffer in
                stream.next_in = inputBuffer.baseAddress
                stream.avail_in = UInt32(inputBuffer.count)
                stream.next_out = outputBuffer.baseAddress
                stream.avail_out = UInt32(outputBuffer.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END else { throw GzipTestError.deflateFailed }
        return Array(output[0..<Int(stream.total_out)])
    }

    enum GzipTestError: Error { case deflateFailed }
}
