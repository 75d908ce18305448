import Testing
import TapeCore
@testable import Interop

@Suite("cryptofeed import")
struct CryptofeedImportTests {
    /// Facts per file, obtained independently with the shell (FILE = shared/captures/cryptofeed/…):
    ///   opened   = grep -c ' <-> ' FILE
    ///   sent     = grep -c '^[^0-9][^ ]* <- ' FILE
    ///   received = grep -cE '^[0-9]+(\.[0-9]+)?: ' FILE
    ///   blank    = grep -c '^$' FILE
    ///   received payload bytes = LC_ALL=C awk '/^[0-9.]+: /{n+=length($0)-index($0,": ")-1} END{print n}' FILE
    ///   first time = head -1 FILE | awk '{print $3}'; last time = the last non-empty line's prefix.
    struct Fact: Sendable, CustomStringConvertible {
        var file: String
        var url: String
        var sent: Int
        var received: Int
        var blank: Int
        var receivedPayloadBytes: Int
        var firstUnixNanoseconds: Int64
        var lastUnixNanoseconds: Int64
        var description: String { file }
    }

    static let facts: [Fact] = [
        Fact(file: "cryptofeed/BYBIT.ws.26.0", url: "wss://stream.bybit.com/realtime", sent: 4, received: 1098, blank: 2,
             receivedPayloadBytes: 407_010, firstUnixNanoseconds: 1_618_677_785_489_609_000, lastUnixNanoseconds: 1_618_677_816_500_978_000),
        Fact(file: "cryptofeed/DERIBIT.ws.1.0", url: "wss://www.deribit.com/ws/api/v2", sent: 1, received: 136, blank: 1,
             receivedPayloadBytes: 81_610, firstUnixNanoseconds: 1_626_993_723_424_371_000, lastUnixNanoseconds: 1_626_993_754_165_582_200),
        Fact(file: "cryptofeed/DYDX.ws.1.0", url: "wss://api.dydx.exchange/v3/ws", sent: 20, received: 4733, blank: 0,
             receivedPayloadBytes: 1_237_317, firstUnixNanoseconds: 1_635_444_230_620_601_200, lastUnixNanoseconds: 1_635_444_261_646_122_000),
    ]

    @Test("each sample file imports with the counts, payload sizes and exact times counted by grep and awk", arguments: facts)
    func sampleFile(fact: Fact) throws {
        let capture = try importCapture(try SharedCaptures.bytes(fact.file), format: .cryptofeed)
        #expect(capture.endpoints == [fact.url])
        #expect(capture.frames.count == 1 + fact.sent + fact.received)
        #expect(capture.frames.first?.kind == .opened)
        #expect(capture.frames.first.flatMap { ConnectionOpened(payload: $0.payload) } == ConnectionOpened(url: fact.url))
        #expect(capture.frames.count(.text, .outbound) == fact.sent)
        #expect(capture.frames.count(.text, .inbound) == fact.received)
        #expect(capture.frames.allSatisfy { $0.connection == ConnectionID(0) })
        #expect(capture.frames.filter { $0.direction == .inbound }.reduce(0) { $0 + $1.payload.count } == fact.receivedPayloadBytes)
        #expect(capture.wallClockStartNanoseconds == fact.firstUnixNanoseconds)
        #expect(capture.frames.last?.time.nanoseconds == fact.lastUnixNanoseconds - fact.firstUnixNanoseconds)
        #expect(capture.frames.timesAreNonDecreasing)
        #expect(capture.notes.map(\.kind) == (fact.blank > 0 ? [.blankLines] : []))
    }

    @Test("the Deribit subscribe request and its echoed id come through byte for byte")
    func deribitPayloads() throws {
        let capture = try importCapture(try SharedCaptures.bytes("cryptofeed/DERIBIT.ws.1.0"), format: .cryptofeed)
        // sed -n 2p FILE | LC_ALL=C awk '{print length($0)}' → 1092 bytes for the whole line;
        // sed -n 2p FILE | cut -d' ' -f1-3 | LC_ALL=C awk '{print length($0)+1}' → a 55-byte prefix
        // "wss://www.deribit.com/ws/api/v2 <- 1626993723.7145221: " (and awk length-index(": ")-1 → 1037).
        let request = capture.frames[1]
        #expect(request.direction == .outbound)
        #expect(request.payload.count == 1092 - 55)
        #expect(request.text.hasPrefix("{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"public/subscribe\""))
        #expect(request.time.nanoseconds == 1_626_993_723_714_522_100 - 1_626_993_723_424_371_000)
        #expect(capture.frames[2].text.hasPrefix("{\"jsonrpc\":\"2.0\",\"id\":0,\"result\":[\"trades.ETH-30JUL21-2800-C.raw\""))
    }

    @Test("files cut at any of several offsets import without crashing and note the cut line")
    func truncated() throws {
        let bytes = try SharedCaptures.bytes("cryptofeed/DERIBIT.ws.1.0")
        let full = try importCapture(bytes, format: .cryptofeed)
        for cut in [1, 30, 57, 1000, 40_000, bytes.count - 3] {
            let capture = try importCapture(Array(bytes[..<cut]), format: .cryptofeed)
            #expect(capture.frames == Array(full.frames.prefix(capture.frames.count)), "cut at \(cut)")
            #expect(capture.notes.contains { $0.kind == .truncated }, "cut at \(cut)")
        }
    }

    @Test("reconnects open new connections; received lines go to the latest; unattributable lines are noted")
    func connections() throws {
        let text = """
        5.5: {"early":1}
        wss://a/ws <-> 10.000000001
        wss://a/ws <- 10.5: {"op":"sub"}
        10.75: {"a":1}
        wss://b/ws <-> 11\r
        11.25: {"b":1}
        wss://a/ws <- 12: {"again":1}
        wss://c/ws <- 12.5: {"never opened":1}
        11.9999999999: {"back in time, twelve decimals":1}
        garbage

        """
        let capture = try importCapture(Array(text.utf8), format: .cryptofeed)
        #expect(capture.endpoints == ["wss://a/ws", "wss://b/ws"])
        #expect(capture.wallClockStartNanoseconds == 10_000_000_001)
        #expect(capture.frames.map(\.kind) == [.opened, .text, .text, .opened, .text, .text, .text])
        #expect(capture.frames.map(\.connection.rawValue) == [0, 0, 0, 1, 1, 0, 1])
        #expect(capture.frames.map(\.direction) == [.outbound, .outbound, .inbound, .outbound, .inbound, .outbound, .inbound])
        #expect(capture.frames.map(\.time.nanoseconds) == [0, 499_999_999, 749_999_999, 999_999_999, 1_249_999_999, 1_999_999_999, 1_999_999_999])
        #expect(capture.notes.map(\.kind) == [.unattributedFrame, .unattributedFrame, .timeWentBackwards, .skippedLine, .precisionDropped])
        #expect(capture.notes[0].byteOffset == 0)
    }

    @Test("decimal seconds convert digit by digit to exact nanoseconds")
    func decimalSeconds() {
        func convert(_ text: String) -> Int64? {
            Array(text.utf8).withUnsafeBufferPointer { ByteText.decimalSeconds(in: $0, from: 0, to: $0.count)?.nanoseconds }
        }
        #expect(convert("1635444230.6206012") == 1_635_444_230_620_601_200)
        #expect(convert("0.1") == 100_000_000)
        #expect(convert("7") == 7_000_000_000)
        #expect(convert("1.000000001") == 1_000_000_001)
        #expect(convert("1.") == nil)
        #expect(convert("x") == nil)
        #expect(convert("99999999999999999999") == nil)
    }
}
