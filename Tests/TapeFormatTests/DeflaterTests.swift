import TapeCore
@testable import TapeFormat
import Testing

@Suite("Block compression")
struct DeflaterTests {
    /// JSON-like frames (they compress) followed by random bytes (they do not): both kinds of block.
    private func sampleContent(bytes count: Int, seed: UInt64) -> [UInt8] {
        var random = SeededRandom(seed: seed)
        var content: [UInt8] = []
        while content.count < count / 2 {
            content += Array(#"{"ch":"orderbook_5","data":{"bids":[[\#(random.next() % 100_000),\#(random.next() % 50)]]}}"#.utf8)
            content.append(UInt8(ascii: "\n"))
        }
        while content.count < count { content.append(UInt8(truncatingIfNeeded: random.next())) }
        return content
    }

    /// Compresses with libdeflate, inflates with zlib: what a tape's writer and reader do.
    private func roundTrip(_ content: [UInt8], level: Int32) throws -> (compressed: Int, restored: [UInt8]) {
        var compressed: [UInt8] = []
        content.withUnsafeBytes { RawDeflater(level: level).compress($0, appendingTo: &compressed) }
        var restored = [UInt8](repeating: 0, count: content.count)
        try compressed.withUnsafeBytes { input in
            try restored.withUnsafeMutableBytes { try RawInflater().inflate(input, into: $0) }
        }
        return (compressed.count, restored)
    }

    @Test("every level's output inflates with zlib to the same bytes", arguments: RawDeflater.levels)
    func everyLevel(level: Int32) throws {
        let content = sampleContent(bytes: 300_000, seed: UInt64(level))
        let (compressed, restored) = try roundTrip(content, level: level)
        #expect(restored == content)
        if level > 0 { #expect(compressed < content.count * 3 / 4, "level \(level) did not compress the JSON half") }
    }

    @Test("no content is the 2-byte empty stream, as zlib writes it, so the footer keeps its fixed length")
    func emptyContent() throws {
        for level in [Int32(0), 8, 12] {
            var compressed: [UInt8] = [0xAA]
            RawDeflater(level: level).compress(UnsafeRawBufferPointer(start: nil, count: 0), appendingTo: &compressed)
            #expect(compressed == [0xAA, 0x03, 0x00])
        }
        let (compressed, restored) = try roundTrip([], level: 8)
        #expect(compressed == 2 && restored.isEmpty)
    }

    @Test("output appends after what the buffer held, and one compressor serves many blocks")
    func appendsAndReuses() throws {
        let deflater = RawDeflater(level: 8)
        var output: [UInt8] = [1, 2, 3]
        let first = sampleContent(bytes: 50_000, seed: 1), second = sampleContent(bytes: 70_000, seed: 2)
        first.withUnsafeBytes { deflater.compress($0, appendingTo: &output) }
        let split = output.count
        second.withUnsafeBytes { deflater.compress($0, appendingTo: &output) }
        #expect(output.prefix(3) == [1, 2, 3])
        var restored = [UInt8](repeating: 0, count: second.count)
        try output[split...].withUnsafeBytes { input in
            try restored.withUnsafeMutableBytes { try RawInflater().inflate(input, into: $0) }
        }
        #expect(restored == second)
    }
}
