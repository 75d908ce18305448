import TapeCore
import Testing
@testable import Venues

/// The market-data shortcut (`QFEXShortcuts`) must read a `bbo`, `level2` or `trade` frame exactly
/// as the general path does, or decline it.
@Suite("QFEX market-data shortcut")
struct QFEXShortcutsTests {
    /// Frames as the simulator writes them.
    static let simulatorFrames = [
        #"{"type":"bbo","symbol":"BTC-USD","bid":[["98449.50","0.635"]],"ask":[["98450.00","0.641"]],"sequence":10,"time":"1970-01-01T00:00:01.321472484Z"}"#,
        #"{"type":"level2","symbol":"BTC-USD","bid":[["98449.50","0.635"],["98449.00","0.699"],["98448.50","0.652"]],"ask":[["98450.00","0.641"],["98450.50","0.944"]],"sequence":9,"time":"1970-01-01T00:00:01.321472484Z"}"#,
        #"{"type":"trade","trade_id":"trade-19","symbol":"BTC-USD","size":"0.012","price":"98450.00","side":"buy","sequence":23,"time":"1970-01-01T00:00:01.396493338Z"}"#,
    ]

    private func shortcut(_ text: String) -> QFEXMessage? {
        Array(text.utf8).withUnsafeBufferPointer(QFEXShortcuts.decode)
    }

    private func disagreement(_ text: String) -> String? { QFEXShortcuts.disagreement(Array(text.utf8)) }

    @Test("it reads the documented and simulated books and trades and plain variants, as the general path does")
    func readsPlainBooks() throws {
        let documented = try SharedExamples.lines("qfex", "docs_repo.all.jsonl")
            .map { String(decoding: $0, as: UTF8.self) }
            .filter { $0.hasPrefix(#"{"type":"bbo""#) || $0.hasPrefix(#"{"type":"level2""#) || $0.hasPrefix(#"{"type":"trade""#) }
        #expect(documented.count >= 2)
        let variants = [
            #"{"type":"bbo" , "symbol" : "X" , "bid" : [ [ 1.5 , 2 ] ] , "ask" : [ ] , "sequence" : null , "time" : null }"#,
            #"{"type":"level2","ask":[["1","0"]],"bid":[],"symbol":"X"}"#,
            #"{"type":"bbo","symbol":"X","bid":[],"ask":[],"time":"not a time"}"#,
            #"{"type":"trade","symbol":"X","price":-1.5,"size":"0","side":"SELL"}"#,
            #"{"type":"trade" , "time" : null , "side" : "BUY" , "trade_id" : null , "sequence" : [ 1 , { } ] , "size" : 2 , "price" : "3" , "symbol" : "X" }"#,
        ]
        for text in documented + Self.simulatorFrames + variants {
            #expect(shortcut(text) != nil, "declined \(text)")
            #expect(disagreement(text) == nil)
        }
        guard case .book(let book)? = shortcut(Self.simulatorFrames[1]) else {
            Issue.record("the simulator's level2 was not read")
            return
        }
        #expect(book.bids.count == 3 && book.asks[1].price == FixedDecimal("98450.50") && book.sequence == 9 && book.venueTimeMillis == 1_321)
        guard case .trade(let trade)? = shortcut(Self.simulatorFrames[2]) else {
            Issue.record("the simulator's trade was not read")
            return
        }
        #expect(trade.tradeID == "trade-19" && trade.quantity == FixedDecimal("0.012") && trade.side == .buy && trade.venueTimeMillis == 1_396)
    }

    @Test("on every documented QFEX message it agrees with the general path or declines")
    func everyExample() throws {
        for (file, line) in try SharedExamples.allLines("qfex") {
            #expect(QFEXShortcuts.disagreement(line) == nil, "\(file)")
        }
    }

    @Test("it declines what the general path reads differently or refuses, and the general path still reports it")
    func declines() {
        let declined = [
            // Not a book or trade, or not the plain shape.
            #"{"type":"mark_price","symbol":"X","price":"1"}"#,
            #"{"symbol":"X","type":"bbo","bid":[],"ask":[]}"#,
            #"{"type":"bbo","symbol":"X","bid":[],"ask":[],"channel":"bbo","contents":{}}"#,
            #"{"type":"bbo","symbol":"X","bid":[],"ask":[],"depth":1}"#,
            #"{"type":"bbo","symbol":"X","bid":[],"bid":[],"ask":[]}"#,
            #"{"type":"bbo","symbol":"\u0058","bid":[],"ask":[]}"#,
            #"{"type":"bbo","symbol":"X","bid":[],"ask":[],"sequence":"9"}"#,
            #"{"type":"bbo","symbol":"X","bid":[[1e3,1]],"ask":[]}"#,
            // Refused by the general path.
            #"{"type":"bbo","symbol":"X","bid":[["1","-1"]],"ask":[]}"#,
            #"{"type":"bbo","symbol":"X","bid":[["1","1","1"]],"ask":[]}"#,
            #"{"type":"bbo","symbol":"X","bid":[["1x","1"]],"ask":[]}"#,
            #"{"type":"bbo","symbol":"X","bid":[]}"#,
            #"{"type":"bbo","symbol":"X","bid":null,"ask":[]}"#,
            #"{"type":"bbo","symbol":"X","bid":[],"ask":[],"time":5}"#,
            #"{"type":"bbo","symbol":"X","bid":[],"ask":[]} x"#,
            #"{"type":"trade","symbol":"X","price":"1","size":"-1","side":"BUY"}"#,
            #"{"type":"trade","symbol":"X","price":"1","size":"1","side":"Buy"}"#,
            #"{"type":"trade","symbol":"X","price":"1","size":"1"}"#,
            #"{"type":"trade","price":"1","size":"1","side":"BUY"}"#,
            #"{"type":"trade","symbol":"X","price":"1","size":"1","side":"BUY","trade_id":7}"#,
            #"{"type":"trade","symbol":"X","price":"one","size":"1","side":"BUY"}"#,
        ]
        for text in declined {
            #expect(shortcut(text) == nil, "read \(text)")
        }
        var decoder = QFEXDecoder()
        for text in declined[8...] {
            if case .success = decoder.decodeGenerally(Array(text.utf8)) { Issue.record("the general path read \(text)") }
        }
        guard case .success(.book(let book)) = decoder.decodeGenerally(Array(declined[6].utf8)) else {
            Issue.record("a quoted sequence not read")
            return
        }
        #expect(book.sequence == 9)
    }

    @Test("random mutations of books and trades: the shortcut agrees with the general path or declines")
    func mutations() {
        let seeds = Self.simulatorFrames.map { Array($0.utf8) }
        // One memory across the mutants, as a client's decoder keeps: its symbol goes stale often.
        var memory = QFEXShortcuts.Memory()
        let read = ShortcutMutations.run(seeds, seed: 0x5146_4558, disagreement: { QFEXShortcuts.disagreement($0, memory: &memory) }) {
            $0.withUnsafeBufferPointer(QFEXShortcuts.decode) != nil
        }
        #expect(read > 500, "many mutants keep the plain shape and are read by the shortcut")
    }
}
