import Testing
import TapeCore
@testable import Interop

@Suite("hftbacktest import")
struct HftbacktestImportTests {
    static let path = "hftbacktest/hyperliquid__btcusd_20250126.gz"

    @Test("the Hyperliquid capture imports as 55 inbound text frames with exact payloads and times")
    func hyperliquid() throws {
        let bytes = try SharedCaptures.bytes(Self.path)
        let capture = try importCapture(bytes, format: .hftbacktest)
        // Facts obtained independently, with the shell:
        //   zcat FILE | wc -l                                        → 55 lines
        //   zcat FILE | LC_ALL=C awk '{n+=length($0)-index($0," ")} END{print n}' → 92950 payload bytes
        //   zcat FILE | head -1 | cut -d' ' -f1                      → 1737918843893903000
        //   zcat FILE | tail -1 | cut -d' ' -f1                      → 1737918869246864000
        //   zcat FILE | sed -n 2p | cut -d' ' -f1                    → 1737918843907660000
        //   zcat FILE | grep -c '"channel":"trades"' → 9; grep -c '"channel":"l2Book"' → 46
        //   python3: len(line 2 after the first space)               → 1630 bytes
        #expect(capture.frames.count == 55)
        #expect(capture.frames.allSatisfy { $0.kind == .text && $0.direction == .inbound && $0.connection == ConnectionID(0) })
        #expect(capture.frames.reduce(0) { $0 + $1.payload.count } == 92950)
        #expect(capture.wallClockStartNanoseconds == 1_737_918_843_893_903_000)
        #expect(capture.frames.first?.time == .zero)
        #expect(capture.frames[1].time == Timestamp(nanoseconds: 1_737_918_843_907_660_000 - 1_737_918_843_893_903_000))
        #expect(capture.frames[1].payload.count == 1630)
        #expect(capture.frames.last?.time == Timestamp(nanoseconds: 1_737_918_869_246_864_000 - 1_737_918_843_893_903_000))
        #expect(capture.frames.filter { $0.text.contains("\"channel\":\"trades\"") }.count == 9)
        #expect(capture.frames.filter { $0.text.contains("\"channel\":\"l2Book\"") }.count == 46)
        #expect(capture.frames[0].text.hasPrefix("{\"channel\":\"l2Book\",\"data\":{\"coin\":\"BTC\""))
        #expect(capture.frames.timesAreNonDecreasing)
        #expect(capture.endpoints == [""])
        #expect(capture.notes.isEmpty)
    }

    @Test("a gzip file cut short imports the whole lines before the cut and notes the truncation")
    func truncatedGzip() throws {
        let bytes = try SharedCaptures.bytes(Self.path)
        let full = try importCapture(bytes, format: .hftbacktest)
        for cut in [20, 100, 1000, 3000, bytes.count / 2, bytes.count - 9, bytes.count - 1] {
            let capture = try importCapture(Array(bytes[..<cut]), format: .hftbacktest)
            if cut <= bytes.count / 2 { #expect(capture.frames.count < full.frames.count, "cut at \(cut)") }
            #expect(capture.frames == Array(full.frames.prefix(capture.frames.count)), "cut at \(cut)")
            #expect(capture.notes.contains { $0.kind == .truncated }, "cut at \(cut)")
        }
    }

    @Test("lines out of time order keep their order, are clamped, and are noted")
    func backwardsTime() throws {
        let text = "1000 a\n900 b\n1500 c\nnot a line\n\n"
        let capture = try importCapture(gzip(text), format: .hftbacktest)
        #expect(capture.frames.map(\.text) == ["a", "b", "c"])
        #expect(capture.frames.map(\.time.nanoseconds) == [0, 0, 500])
        #expect(capture.notes.map(\.kind) == [.timeWentBackwards, .skippedLine, .blankLines])
        #expect(capture.notes[1].byteOffset == 20)
    }
}

/// Gzips text with the system's zlib through the importer's own dependency (test helper).
func gzip(_ text: String) throws -> [UInt8] {
    try GzipWriterForTests.compress(Array(text.utf8))
}
