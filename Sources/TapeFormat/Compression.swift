import CDeflate
import CFastCRC
import CZlib

/// Whether this CPU folds CRC-32 with carry-less multiplication (checked once).
let crc32FoldAvailable = tapedeck_crc32_fold_available() == 1

/// CRC-32 (the gzip polynomial) of some bytes, continuing from `initial`. Runs of 64 bytes or
/// more are folded with carry-less multiplication where the CPU can (several times zlib's speed:
/// the check is a sixth of a block's decode time otherwise); the tail, and everything on other
/// CPUs, goes through zlib.
func crc32Of(_ bytes: UnsafeRawBufferPointer, initial: UInt32 = 0) -> UInt32 {
    guard crc32FoldAvailable, let base = bytes.baseAddress, bytes.count >= 64 else { return zlibCRC32(bytes, initial: initial) }
    let folded = bytes.count & ~15
    let crc = tapedeck_crc32_fold(initial, base.assumingMemoryBound(to: UInt8.self), folded)
    return zlibCRC32(UnsafeRawBufferPointer(rebasing: bytes[folded...]), initial: crc)
}

/// zlib's CRC-32, for any length (zlib takes 32-bit lengths).
func zlibCRC32(_ bytes: UnsafeRawBufferPointer, initial: UInt32 = 0) -> UInt32 {
    guard let base = bytes.baseAddress, bytes.count > 0 else { return initial }
    var crc = UInt(initial)
    var remaining = bytes.count
    var pointer = base.assumingMemoryBound(to: UInt8.self)
    // zlib takes a 32-bit length; tapes can hold larger runs in theory.
    while remaining > 0 {
        let chunk = min(remaining, Int(Int32.max))
        crc = CZlib.crc32(crc, pointer, UInt32(chunk))
        pointer += chunk
        remaining -= chunk
    }
    return UInt32(truncatingIfNeeded: crc)
}

func crc32Of(_ bytes: [UInt8]) -> UInt32 {
    bytes.withUnsafeBytes { crc32Of($0) }
}

/// A raw-deflate compressor reused across blocks. Blocks are whole buffers, so libdeflate
/// compresses them: its output is plain deflate (zlib, zcat and every gzip reader inflate it), and
/// at level 8 it is ~10 % smaller than zlib's level 6 on JSON frames, at about half the speed
/// (docs/BENCHMARKS.md, "Tape format"). Reading stays on zlib.
final class RawDeflater {
    /// The levels libdeflate takes: 0 stores, 1 is fastest, 12 smallest (10–12 search exhaustively).
    static let levels: ClosedRange<Int32> = 0...12

    private let compressor: OpaquePointer

    init(level: Int32) {
        precondition(Self.levels.contains(level), "compression level \(level) is outside \(Self.levels)")
        guard let compressor = libdeflate_alloc_compressor(level) else {
            preconditionFailure("libdeflate could not allocate a compressor (level \(level)): out of memory")
        }
        self.compressor = compressor
    }

    deinit {
        libdeflate_free_compressor(compressor)
    }

    /// The deflate stream of no bytes: one final, empty block with fixed codes. Members with no
    /// content (the index and the footer) use exactly these 2 bytes, as zlib writes them: the footer
    /// is found by its fixed length from the end of the file (`TapeLayout.footerLength`).
    static let emptyStream: [UInt8] = [0x03, 0x00]

    /// Compresses `input` completely and appends the raw deflate data to `output`.
    func compress(_ input: UnsafeRawBufferPointer, appendingTo output: inout [UInt8]) {
        guard input.count > 0 else { return output += Self.emptyStream }
        let bound = libdeflate_deflate_compress_bound(compressor, input.count)
        let start = output.count
        output.append(contentsOf: repeatElement(0, count: bound))
        let written = output.withUnsafeMutableBytes { out in
            libdeflate_deflate_compress(compressor, input.baseAddress, input.count, out.baseAddress! + start, bound)
        }
        precondition(written > 0, "libdeflate did not fit \(input.count) bytes within its own bound")
        output.removeLast(bound - written)
    }
}

/// A raw-inflate decompressor reused across blocks.
final class RawInflater {
    private var stream = z_stream()

    init() {
        let status = inflateInit2_(&stream, -15, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        precondition(status == Z_OK, "inflateInit2_ failed with \(status): zlib is unusable")
    }

    deinit {
        inflateEnd(&stream)
    }

    enum Failure: Error {
        case corrupt(String)
        case sizeMismatch(expected: Int, actual: Int)
        case trailingData
    }

    /// Inflates exactly one raw deflate stream of `expectedSize` bytes from `input` into `output`.
    func inflate(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws(Failure) {
        inflateReset(&stream)
        stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: UInt8.self))
        stream.avail_in = UInt32(input.count)
        // One spare byte tells "exactly the size" from "more data than the size".
        var spare: UInt8 = 0
        let status: Int32
        if output.count > 0 {
            stream.next_out = output.baseAddress!.assumingMemoryBound(to: UInt8.self)
            stream.avail_out = UInt32(output.count)
            status = CZlib.inflate(&stream, Z_FINISH)
        } else {
            status = withUnsafeMutablePointer(to: &spare) { pointer in
                stream.next_out = pointer
                stream.avail_out = 1
                return CZlib.inflate(&stream, Z_FINISH)
            }
        }
        switch status {
        case Z_STREAM_END:
            let produced = output.count - Int(output.count > 0 ? stream.avail_out : 0)
            if output.count == 0 && stream.avail_out == 0 {
                throw .sizeMismatch(expected: 0, actual: 1)
            }
            guard produced == output.count else { throw .sizeMismatch(expected: output.count, actual: produced) }
            guard stream.avail_in == 0 else { throw .trailingData }
        case Z_BUF_ERROR where stream.avail_out == 0:
            throw .sizeMismatch(expected: output.count, actual: output.count + 1)
        case Z_BUF_ERROR:
            throw .corrupt("the compressed data ends early")
        default:
            let message = stream.msg.map { String(cString: $0) } ?? "zlib status \(status)"
            throw .corrupt(message)
        }
    }
}
