import TapeCore
import Testing
@testable import Venues

/// The public-trade shortcut (`SatoriShortcuts`) must read an `api_trade` push exactly as the
/// general path does, or decline it.
@Suite("Satori trade shortcut")
struct SatoriShortcutsTests {
    /// Pushes as the simulator writes them (the docs' push example was cut off).
    static let simulatorFrames = [
        #"{"data":{"amount":"161","contractPairId":1,"direction":"LONG","price":"2300","quantity":"0.07","symbol":"ETH-USD","time":112,"tradeId":3},"event":"api_trade","success":true}"#,
        #"{"data":{"amount":"253.5","contractPairId":1,"direction":"SHORT","price":"2300.5","quantity":"0.11","symbol":"ETH-USD","time":177,"tradeId":6},"event":"api_trade","success":true}"#,
    ]

    private func shortcut(_ text: String) -> SatoriMessage? {
        Array(text.utf8).withUnsafeBufferPointer(SatoriShortcuts.decode)
    }

    private func disagreement(_ text: String) -> String? { SatoriShortcuts.disagreement(Array(text.utf8)) }

    @Test("it reads the simulator's trades and plain variants, as the general path does")
    func readsPlainTrades() {
        let variants = [
            #"{"event":"api_trade" , "data" : { "symbol" : "ETH-USD" , "direction" : "SHORT" , "price" : 2300.25 , "quantity" : 1 } } "#,
            #"{"data":{"direction":"LONG","symbol":"ETH-USD","price":"2300","quantity":"0","tradeId":null,"time":null,"extra":[{"a":1}]},"event":"api_trade"}"#,
        ]
        for text in Self.simulatorFrames + variants {
            #expect(shortcut(text) != nil, "declined \(text)")
            #expect(disagreement(text) == nil)
        }
        guard case .trade(let trade)? = shortcut(Self.simulatorFrames[1]) else {
            Issue.record("the simulator's trade was not read")
            return
        }
        #expect(trade.side == .sell && trade.price == FixedDecimal("2300.5") && trade.tradeID == "6" && trade.venueTimeMillis == 177)
    }

    @Test("on every documented Satori message it agrees with the general path or declines")
    func everyExample() throws {
        for (file, line) in try SharedExamples.allLines("satori") {
            #expect(SatoriShortcuts.disagreement(line) == nil, "\(file)")
        }
    }

    @Test("it declines what the general path reads differently or refuses, and the general path still reports it")
    func declines() {
        let trade = #""data":{"direction":"LONG","symbol":"ETH-USD","price":"2300","quantity":"0.07"}"#
        let declined = [
            // Not a trade, or not the plain shape.
            #"{\#(trade),"event":"api_position"}"#,
            #"{\#(trade),"event":"api_trade","method":"SUBSCRIBE"}"#,
            #"{\#(trade),"event":"api_trade","apiKey":"k"}"#,
            #"{\#(trade),"event":"api_trade","event":"api_trade"}"#,
            #"{"data":{"direction":"LONG","symbol":"ETH-\u0055SD","price":"2300","quantity":"0.07"},"event":"api_trade"}"#,
            #"{"data":{"direction":"LONG","symbol":"ETH-USD","price":"2300","quantity":"0.07","time":"112"},"event":"api_trade"}"#,
            #"{"data":{"direction":"LONG","symbol":"ETH-USD","price":"2300","price":"1","quantity":"0.07"},"event":"api_trade"}"#,
            // The event written another way, or far from the end: turned away before reading (only slower).
            #"{\#(trade),"event" : "api_trade"}"#,
            #"{\#(trade),"event":"api_trade","note":"\#(String(repeating: "x", count: 64))"}"#,
            // Refused by the general path.
            #"{"data":{"direction":"UP","symbol":"ETH-USD","price":"2300","quantity":"0.07"},"event":"api_trade"}"#,
            #"{"data":{"direction":"LONG","symbol":"ETH-USD","price":"2300","quantity":"-0.07"},"event":"api_trade"}"#,
            #"{"data":{"direction":"LONG","symbol":"ETH-USD","price":"23x0","quantity":"0.07"},"event":"api_trade"}"#,
            #"{"data":{"direction":"LONG","symbol":"ETH-USD","quantity":"0.07"},"event":"api_trade"}"#,
            #"{\#(trade),"event":"api_trade"} x"#,
            #"{\#(trade),"event":"api_trade""#,
        ]
        for text in declined {
            #expect(shortcut(text) == nil, "read \(text)")
        }
        var decoder = SatoriDecoder()
        for text in declined[9...] {
            if case .success = decoder.decodeGenerally(Array(text.utf8)) { Issue.record("the general path read \(text)") }
        }
        guard case .success(.trade(let quoted)) = decoder.decodeGenerally(Array(declined[5].utf8)) else {
            Issue.record("a quoted time not read")
            return
        }
        #expect(quoted.venueTimeMillis == 112)
        // Turned away only for speed: the decoder still reads them, the general way.
        for text in declined[7...8] {
            let read: Bool
            if case .success(.trade) = decoder.decode(Array(text.utf8)) { read = true } else { read = false }
            #expect(read, "\(text)")
        }
    }

    @Test("random mutations of trades: the shortcut agrees with the general path or declines")
    func mutations() {
        let seeds = Self.simulatorFrames.map { Array($0.utf8) }
        // One memory across the mutants, as a client's decoder keeps: its symbol goes stale often.
        var memory = SatoriShortcuts.Memory()
        let read = ShortcutMutations.run(seeds, seed: 0x5341_5452, disagreement: { SatoriShortcuts.disagreement($0, memory: &memory) }) {
            $0.withUnsafeBufferPointer(SatoriShortcuts.decode) != nil
        }
        #expect(read > 500, "many mutants keep the plain shape and are read by the shortcut")
    }
}
