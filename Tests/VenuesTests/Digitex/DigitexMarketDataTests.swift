import TapeCore
import Testing
@testable import Venues

/// The market-data shortcut (`DigitexMarketData`, through `DigitexShortcuts`) must read a frame
/// exactly as the general path does, or decline it: never a different message, never a message
/// where the general path fails.
@Suite("Digitex market-data shortcut")
struct DigitexMarketDataTests {
    /// Frames as the simulator writes them (prices with decimals, an index with all three prices).
    static let simulatorFrames = [
        #"{"ch":"orderbook_5","data":{"symbol":"BTCUSD-PERP","ts":1233,"bids":[[9840,617],[9835,682],[9830,652],[9825,238],[9810,67]],"asks":[[9845,708],[9850,944],[9855,567],[9860,8],[9870,35]]}}"#,
        #"{"ch":"trades","data":{"symbol":"BTCUSD-PERP","trades":[{"px":9845,"qty":8,"side":"BUY","ts":1233},{"px":9845.5,"qty":7,"side":"SELL","ts":1233}]}}"#,
        #"{"ch":"index","data":{"indexSymbol":".DGTXBTCUSD","ts":2037,"markPx":9842.6517,"fairPx":9842.8034,"spotPx":9842.8034}}"#,
    ].map { Array($0.utf8) }

    private func shortcut(_ frame: [UInt8]) -> DigitexMessage? { frame.withUnsafeBufferPointer(DigitexShortcuts.decode) }
    private func general(_ frame: [UInt8]) -> Result<DigitexMessage, UnrecognisedFrame> { DigitexShortcuts.general(frame) }
    private func disagreement(_ frame: [UInt8]) -> String? { DigitexShortcuts.disagreement(frame) }

    @Test("it reads the documented order book and trades and the simulator's frames, as the general path does")
    func readsPlainFrames() throws {
        let pushes = try SharedExamples.lines("digitex", "public_channel_pushes.jsonl")
        let plain = pushes.filter { line in
            ["orderbook_5", "trades"].contains { line.starts(with: Array(#"{"ch":"\#($0)""#.utf8)) }
        }
        #expect(plain.count >= 2)
        for frame in plain + Self.simulatorFrames {
            let fast = shortcut(frame)
            #expect(fast != nil, "declined \(String(decoding: frame, as: UTF8.self))")
            #expect(disagreement(frame) == nil)
        }
        guard case .index(let prices)? = shortcut(Self.simulatorFrames[2]) else { Issue.record("index not read"); return }
        #expect(prices.map(\.kind) == [.mark, .fair, .spot])
        #expect(prices[0].price == FixedDecimal(mantissa: 98_426_517, scale: 4))
    }

    @Test("on every documented server message it agrees with the general path or declines")
    func everyExample() throws {
        var read = 0
        for (file, line) in try SharedExamples.allLines("digitex") where !DigitexHarness.isRequest(line) {
            #expect(disagreement(line) == nil, "\(file)")
            if shortcut(line) != nil { read += 1 }
        }
        #expect(read >= 2)
    }

    @Test("it declines what it does not read plainly, and the general path still reads or reports it")
    func declines() {
        let declined = [
            // A channel without a shortcut, or not in the plain shape.
            #"{"ch":"traderBalance","data":{"symbol":"BTCUSD-PERP","traderBalance":1}}"#,
            #"{"ch":"BTCUSD-PERP@trades","data":{"symbol":"BTCUSD-PERP","trades":[]}}"#,
            #"{"data":{"symbol":"BTCUSD-PERP","bids":[],"asks":[]},"ch":"orderbook_5"}"#,
            #"{"ch":"orderbook_5","data":{"symbol":"BTC\u0055SD-PERP","bids":[],"asks":[]}}"#,
            #"{"ch":"orderbook_5","data":{"symbol":"BTCUSD-PERP","bids":[["9840","617"]],"asks":[]}}"#,
            #"{"ch":"orderbook_5","data":{"symbol":"BTCUSD-PERP","bids":[[9.84e3,617]],"asks":[]}}"#,
            #"{"ch":"orderbook_5","data":{"symbol":"BTCUSD-PERP","ts":1233.0,"bids":[],"asks":[]}}"#,
            #"{"ch":"orderbook_5","data":{"symbol":"BTCUSD-PERP","depth":5,"bids":[],"asks":[]}}"#,
            #"{"ch":"trades","data":{"trades":[{"px":1,"qty":1}],"symbol":"BTCUSD-PERP"}}"#,
            #"{"ch":"index","data":{"indexSymbol":".DGTXBTCUSD","markPx":1,"components":{}}}"#,
            // The general path reports these.
            #"{"ch":"orderbook_5","data":{"symbol":"BTCUSD-PERP","bids":[[9840,-617]],"asks":[]}}"#,
            #"{"ch":"orderbook_5","data":{"symbol":"BTCUSD-PERP","bids":[],"bids":[],"asks":[]}}"#,
            #"{"ch":"orderbook_5","data":{"symbol":"BTCUSD-PERP","bids":[[9840,617,1]],"asks":[]}}"#,
            #"{"ch":"orderbook_5","data":{"symbol":"BTCUSD-PERP","bids":[[9840,617]],"asks":[]}} x"#,
            #"{"ch":"orderbook_5","data":{"symbol":"BTCUSD-PERP","bids":[[9840,617]],"asks":[]"#,
            #"{"ch":"orderbook_5","data":{"symbol":"BTCUSD-PERP","bids":[[9840,0617]],"asks":[]}}"#,
            #"{"ch":"orderbook_5","data":{"symbol":"BTCUSD-PERP","bids":[[99999999999999999999,1]],"asks":[]}}"#,
            #"{"ch":"orderbook_5","data":{"symbol":"BTCUSD-PERP","bids":[[9840,617],],"asks":[]}}"#,
            #"{"ch":"trades","data":{"symbol":"BTCUSD-PERP","trades":[{"px":1,"qty":-1}]}}"#,
            #"{"ch":"trades","data":{"symbol":"BTCUSD-PERP","trades":[{"qty":1}]}}"#,
        ]
        for text in declined {
            #expect(shortcut(Array(text.utf8)) == nil, "read \(text)")
        }
        // The general path reads the duplicate-free ones among the first group and reports the rest.
        guard case .failure(let negative) = general(Array(declined[10].utf8)) else { Issue.record("negative size read"); return }
        #expect(negative.reason == .badField("bids", in: "orderbook"))
        guard case .success(.orderBook(let book)) = general(Array(declined[6].utf8)) else { Issue.record("ts 1233.0 not read"); return }
        #expect(book.venueTimeMillis == 1233)
    }

    @Test("whitespace, nulls, an empty book and an unknown side read as the general path reads them")
    func plainVariants() {
        let variants = [
            " {\n \"ch\" : \"BTCUSD-PERP@orderbook_5\" ,\t\"data\" : { \"asks\" : [ ] , \"bids\" : [ [ 1.5 , 0 ] ] , \"symbol\" : \"X\" , \"ts\" : null } } \n",
            #"{"ch":"trades","data":{"symbol":"BTCUSD-PERP","trades":[]}}"#,
            #"{"ch":"trades","data":{"symbol":"BTCUSD-PERP","trades":[{"px":-0,"qty":0,"side":"buy","ts":null},{"side":null,"qty":2,"px":3}]}}"#,
            #"{"ch":"index","data":{"indexSymbol":".DGTXBTCUSD","fairPx":null,"spotPx":2,"markPx":1}}"#,
        ]
        for text in variants {
            let frame = Array(text.utf8)
            #expect(shortcut(frame) != nil, "declined \(text)")
            #expect(disagreement(frame) == nil)
        }
    }

    @Test("random mutations of market data: the shortcut agrees with the general path or declines")
    func mutations() throws {
        let pushes = try SharedExamples.lines("digitex", "public_channel_pushes.jsonl")
        let seeds = pushes + Self.simulatorFrames
        // One memory across the mutants, as a client's decoder keeps: its symbols go stale often.
        var memory = DigitexShortcuts.Memory()
        let read = ShortcutMutations.run(seeds, seed: 0x4D41_524B, disagreement: { DigitexShortcuts.disagreement($0, memory: &memory) }) {
            shortcut($0) != nil
        }
        #expect(read > 500, "many mutants keep the plain shape and are read by the shortcut (752 with the default seed)")
    }
}
