import BenchZlib
import TapeFormat

/// The physical limit of the format on one core: raw-inflate every frame block, nothing else
/// (no CRC, no parsing, no frames). Returns the bytes produced.
func inflateAllBlocks(of reader: TapeReader, file: UnsafeRawBufferPointer) -> Int {
    var stream = z_stream()
    precondition(inflateInit2_(&stream, -15, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK)
    defer { inflateEnd(&stream) }
    var output = [UInt8](repeating: 0, count: 4 << 20)
    var produced = 0
    // A frame block's gzip header is fixed: 10 + XLEN 2 + TD subfield 40 + header CRC 2.
    let headerLength = 54
    for block in reader.blocks {
        let size = Int(file.loadUnaligned(fromByteOffset: block.offset + block.length - 4, as: UInt32.self))
        if output.count < size { output = [UInt8](repeating: 0, count: size) }
        inflateReset(&stream)
        let input = file.baseAddress!.advanced(by: block.offset + headerLength).assumingMemoryBound(to: UInt8.self)
        stream.next_in = UnsafeMutablePointer(mutating: input)
        stream.avail_in = UInt32(block.length - headerLength - 8)
        output.withUnsafeMutableBytes { out in
            stream.next_out = out.baseAddress!.assumingMemoryBound(to: UInt8.self)
            stream.avail_out = UInt32(out.count)
            precondition(inflate(&stream, Z_FINISH) == Z_STREAM_END, "baseline inflate failed")
        }
        produced += size
    }
    return produced
}
