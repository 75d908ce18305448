import TapeCore
import Testing
@testable import Venues

/// The market-data shortcut (`RoxomShortcuts`) must read a `depth`, `level1`, `trade` or `ticker` push
/// exactly as the general path does, or decline it.
@Suite("Roxom market-data shortcut")
struct RoxomShortcutsTests {
    /// Pushes as the simulator writes them.
    static let simulatorFrames = [
        #"{"topic":"depth.US500-BTC","type":"delta","createdTime":112236345,"data":{"symbol":"US500-BTC","bid":[],"ask":[["5000.00","60.90"]],"timestamp":112236345}}"#,
        #"{"topic":"level1.US500-BTC","type":"snapshot","createdTime":16553453,"data":{"symbol":"US500-BTC","bid":["4999.75","54.90"],"ask":["5000.00","27.30"],"timestamp":16553453}}"#,
        #"{"topic":"trade.US500-BTC","type":"snapshot","createdTime":131459061,"data":{"symbol":"US500-BTC","tradeId":"4","price":"5000.00","qty":"0.80","side":"buy","timestamp":131459061}}"#,
        #"{"topic":"ticker.US500-BTC","type":"snapshot","createdTime":1010993681,"data":{"symbol":"US500-BTC","lastPrice":"4999.75","bestBid":"4999.75","bestAsk":"5000.00","markPrice":"4999.91","indexPrice":"4999.95","volume":"15.50","openInterest":"13.40","fundingRate":"-0.00000266","nextFundingTime":28800000000000,"timestamp":1010993681}}"#,
    ]

    private func shortcut(_ text: String) -> RoxomMessage? {
        Array(text.utf8).withUnsafeBufferPointer(RoxomShortcuts.decode)
    }

    private func disagreement(_ text: String) -> String? { RoxomShortcuts.disagreement(Array(text.utf8)) }

    @Test("it reads the documented depth, the simulator's pushes and plain variants, as the general path does")
    func readsPlainPushes() throws {
        let documented = try SharedExamples.lines("roxom", "docs_examples.jsonl")
            .map { String(decoding: $0, as: UTF8.self) }
            .filter { $0.hasPrefix(#"{"topic":"depth."#) }
        #expect(documented.count >= 2)
        let variants = [
            #"{"topic":"depth.X.Y" , "type" : "snapshot" , "data" : { "bid" : [ [ 1.5 , -2 ] ] , "ask" : [ ] } }"#,
            #"{"topic":"trade.X","createdTime":null,"data":{"price":2,"qty":0,"side":null,"tradeId":null,"timestamp":null,"extra":[{}]}}"#,
            #"{"topic":"ticker.X","data":{"lastPrice":null,"volume":"0","timestamp":5000000}}"#,
            #"{"topic":"level1.X","type":"snapshot","data":{"bid":[],"ask":[ 1.5 , "0" ],"timestamp":null,"symbol":"Y"}}"#,
            #"{"topic":"level1.X","createdTime":7000000,"data":{"ask":["-1","2"],"bid":[]}}"#,
        ]
        for text in documented + Self.simulatorFrames + variants {
            #expect(shortcut(text) != nil, "declined \(text)")
            #expect(disagreement(text) == nil)
        }
        // The docs' delta: the topic's symbol wins over data.symbol, and -5.00 is a removal.
        guard case .bookDelta(let delta)? = shortcut(documented[1]) else {
            Issue.record("the documented delta was not read")
            return
        }
        #expect(delta.symbol == "GOLD-BTC" && delta.asks.first?.size == .zero && delta.venueTimeMillis == 1_640_995_200_000)
    }

    @Test("on every documented Roxom message it agrees with the general path or declines")
    func everyExample() throws {
        for (file, line) in try SharedExamples.allLines("roxom") {
            #expect(RoxomShortcuts.disagreement(line) == nil, "\(file)")
        }
    }

    @Test("it declines what the general path reads differently or refuses, and the general path still reports it")
    func declines() {
        let declined = [
            // Not depth, level1, trade or ticker, or not the plain shape.
            #"{"topic":"level2.X","type":"snapshot","data":{"bid":[],"ask":[]}}"#,
            #"{"type":"delta","topic":"depth.X","data":{"bid":[],"ask":[]}}"#,
            #"{"topic":"depth.X","data":{"bid":[],"ask":[]},"type":"delta"}"#,
            #"{"topic":"trade.X","data":{"price":1,"qty":1},"createdTime":5}"#,
            #"{"topic":"depth.X","type":"delta","data":{"bid":[],"bid":[],"ask":[]}}"#,
            #"{"topic":"depth.X","type":"delta","createdTime":"5","data":{"bid":[],"ask":[]}}"#,
            #"{"topic":"trade.\u0058","data":{"price":1,"qty":1}}"#,
            #"{"topic":"depth.X","topic":"trade.X","type":"delta","data":{"bid":[],"ask":[]}}"#,
            // Refused by the general path.
            #"{"topic":"depth.","type":"delta","data":{"bid":[],"ask":[]}}"#,
            #"{"topic":"depth.X","type":"update","data":{"bid":[],"ask":[]}}"#,
            #"{"topic":"depth.X","data":{"bid":[],"ask":[]}}"#,
            #"{"topic":"depth.X","type":"delta","data":{"bid":[["1"]],"ask":[]}}"#,
            #"{"topic":"trade.X","data":{"price":1,"qty":-1}}"#,
            #"{"topic":"trade.X","data":{"price":1,"qty":1,"side":"BUY"}}"#,
            #"{"topic":"ticker.X","data":{"volume":"-1"}}"#,
            #"{"topic":"ticker.X","data":[]}"#,
            #"{"topic":"level1.X","data":{"bid":[],"ask":[1,-2]}}"#,
            #"{"topic":"level1.X","data":{"bid":[]}}"#,
            #"{"topic":"level1.X","data":{"bid":[1],"ask":[]}}"#,
            #"{"topic":"level1.X","data":{"bid":[1,2,3],"ask":[]}}"#,
            #"{"topic":"level1.X","data":{"bid":{},"ask":[]}}"#,
            #"{"topic":"trade.X","data":{"price":1,"qty":1}} x"#,
        ]
        for text in declined {
            #expect(shortcut(text) == nil, "read \(text)")
        }
        var decoder = RoxomDecoder()
        for text in declined[8...] {
            if case .success = decoder.decodeGenerally(Array(text.utf8)) { Issue.record("the general path read \(text)") }
        }
        // Members in another order are still read, the general way.
        guard case .success(.trade(let trade)) = decoder.decode(Array(declined[3].utf8)) else {
            Issue.record("a trade with createdTime last not read")
            return
        }
        #expect(trade.venueTimeMillis == 0)
    }

    @Test("random mutations of market data: the shortcut agrees with the general path or declines")
    func mutations() {
        let seeds = Self.simulatorFrames.map { Array($0.utf8) }
        // One memory across the mutants, as a client's decoder keeps: its symbol goes stale often.
        var memory = RoxomShortcuts.Memory()
        let read = ShortcutMutations.run(seeds, seed: 0x524F_584D, disagreement: { RoxomShortcuts.disagreement($0, memory: &memory) }) {
            $0.withUnsafeBufferPointer(RoxomShortcuts.decode) != nil
        }
        #expect(read > 500, "many mutants keep the plain shape and are read by the shortcut")
    }
}
