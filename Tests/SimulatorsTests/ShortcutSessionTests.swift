import Simulators
import TapeCore
import Testing
@testable import Venues

/// The one-pass decoders (`DigitexShortcuts`, `QFEXShortcuts`, `RoxomShortcuts`, `SatoriShortcuts`,
/// `NotionalShortcuts`)
/// on what the simulators write:
/// every frame of a session decodes to the same message as the general path gives, and the hot
/// messages are read by the shortcut rather than declined.
@Suite("Shortcuts on simulated sessions")
struct ShortcutSessionTests {
    @Test("a session's order reports and market data take the shortcut, to the same messages")
    func simulatedSession() throws {
        let c1 = ConnectionID(1)
        var harness = DigitexHarness()
        harness.connect(c1, token: "alice")
        harness.submit(.subscribe(["BTCUSD-PERP@orderbook_5", "BTCUSD-PERP@trades", "BTCUSD-PERP@index"]), on: c1)
        harness.advance(to: .seconds(3))
        let ask = try #require(harness.simulator.market.exchange.bestBidAsk().ask)
        let bid = try #require(harness.simulator.market.exchange.bestBidAsk().bid)
        func usd(_ units: Int64) -> FixedDecimal { FixedDecimal(mantissa: units, scale: 4).normalized }
        // A market order that fills, a buy near the bid that the moving market may fill later, one far away.
        harness.submit(.placeOrder(DigitexOrderRequest(symbol: "BTCUSD-PERP", clOrdId: "m1", type: .market, timeInForce: .immediateOrCancel,
                                                       side: .buy, price: nil, quantity: 10)), on: c1)
        harness.submit(.placeOrder(DigitexOrderRequest(symbol: "BTCUSD-PERP", clOrdId: "l1", type: .limit, timeInForce: .goodTillCancelled,
                                                       side: .buy, price: usd(bid.units), quantity: 5)), on: c1)
        harness.submit(.placeOrder(DigitexOrderRequest(symbol: "BTCUSD-PERP", clOrdId: "l2", type: .limit, timeInForce: .goodTillCancelled,
                                                       side: .sell, price: usd(ask.units + 20 * 50_000), quantity: 3)), on: c1)
        harness.advance(to: .seconds(60))
        harness.submit(.closePosition(symbol: "BTCUSD-PERP", type: .market, price: nil), on: c1)
        harness.submit(.cancelAllOrders(symbol: "BTCUSD-PERP", side: nil, price: nil), on: c1)

        var shortcuts: [String: Int] = [:]
        var memory = DigitexShortcuts.Memory()
        for text in harness.received[c1] ?? [] {
            let frame = Array(text.utf8)
            #expect(DigitexShortcuts.disagreement(frame, memory: &memory) == nil)
            let channel = ["orderStatus", "orderFilled", "orderbook_5", "trades", "index"].first { text.hasPrefix(#"{"ch":"\#($0)""#) }
            guard let channel else { continue }
            #expect(frame.withUnsafeBufferPointer(DigitexShortcuts.decode) != nil, "declined \(text)")
            shortcuts[channel, default: 0] += 1
        }
        #expect(shortcuts["orderStatus", default: 0] >= 3 && shortcuts["orderFilled", default: 0] >= 2, "\(shortcuts.sorted { $0.key < $1.key })")
        #expect(shortcuts["orderbook_5", default: 0] > 10 && shortcuts["index", default: 0] > 0)
    }

    @Test("a Satori session's public trades take the shortcut, to the same messages")
    func satoriTrades() {
        let alice = ConnectionID(1)
        var harness = SatoriHarness()
        harness.connect(alice, key: "KEY", events: ["api_trade", "api_position", "api_entrust"])
        harness.advance(to: .seconds(20))
        var trades = 0
        // One memory across the frames, as the client's decoder keeps.
        var memory = SatoriShortcuts.Memory()
        for text in harness.received[alice] ?? [] where !text.hasPrefix("<") {
            let frame = Array(text.utf8)
            #expect(SatoriShortcuts.disagreement(frame, memory: &memory) == nil)
            guard text.contains(#""event":"api_trade","success""#) else { continue }
            #expect(frame.withUnsafeBufferPointer(SatoriShortcuts.decode) != nil, "declined \(text)")
            trades += 1
        }
        #expect(trades > 10)
    }

    @Test("a QFEX market-data session's books and trades take the shortcut, to the same messages")
    func qfexBooks() {
        let feed = ConnectionID(2)
        var harness = QFEXHarness()
        harness.connect(feed, path: "/mds", credentials: nil)
        harness.submit(.subscribeMarketData(channels: ["bbo", "level2", "trade", "mark_price", "underlier", "funding"], symbols: ["*"]), on: feed)
        harness.advance(to: .seconds(5))
        var books = 0, trades = 0
        // One memory across the frames, as the client's decoder keeps.
        var memory = QFEXShortcuts.Memory()
        for text in harness.received[feed] ?? [] {
            let frame = Array(text.utf8)
            #expect(QFEXShortcuts.disagreement(frame, memory: &memory) == nil)
            let isBook = text.hasPrefix(#"{"type":"bbo""#) || text.hasPrefix(#"{"type":"level2""#)
            guard isBook || text.hasPrefix(#"{"type":"trade""#) else { continue }
            #expect(frame.withUnsafeBufferPointer(QFEXShortcuts.decode) != nil, "declined \(text)")
            if isBook { books += 1 } else { trades += 1 }
        }
        #expect(books > 10 && trades > 0, "\(books) books, \(trades) trades")
    }

    @Test("a Roxom session's depth, level1, trades and tickers take the shortcut, to the same messages")
    func roxomMarketData() {
        let feed = ConnectionID(3)
        var harness = RoxomHarness()
        let channels = ["depth", "level1", "trade", "ticker"].map { RoxomChannel(name: $0, symbol: "US500-BTC") }
        harness.connect(feed, headers: RoxomHarness.hmac(), subscriptions: channels)
        harness.advance(to: .seconds(10))
        var read: [String: Int] = [:]
        // One memory across the frames, as the client's decoder keeps.
        var memory = RoxomShortcuts.Memory()
        for text in harness.received[feed] ?? [] {
            let frame = Array(text.utf8)
            #expect(RoxomShortcuts.disagreement(frame, memory: &memory) == nil)
            guard let topic = ["depth", "level1", "trade", "ticker"].first(where: { text.hasPrefix(#"{"topic":"\#($0)."#) }) else { continue }
            #expect(frame.withUnsafeBufferPointer(RoxomShortcuts.decode) != nil, "declined \(text)")
            read[topic, default: 0] += 1
        }
        #expect(read["depth", default: 0] > 10 && read["level1", default: 0] > 10 && read["trade", default: 0] > 0 && read["ticker", default: 0] > 0, "\(read.sorted { $0.key < $1.key })")
    }

    @Test("a Notional account's summaries and asset data take the shortcut, to the same messages")
    func notionalAccount() throws {
        let account = ConnectionID(4)
        let user = "0x5eed00000000000000000000000000000000cafe"
        var harness = NotionalHarness()
        harness.connect(account, user: user, channels: ["accountSummary", "activeAssetData", "orderUpdates"])
        harness.act { $0.placeOrder(user: user, isBuy: true, size: FixedDecimal("0.02")!, limitPrice: nil, at: $1) }
        harness.advanceKeepingAlive(to: .seconds(20))
        var read: [String: Int] = [:]
        var withPosition = 0
        // One memory across the frames, as the client's decoder keeps.
        var memory = NotionalShortcuts.Memory()
        for text in harness.received[account] ?? [] {
            let frame = Array(text.utf8)
            #expect(NotionalShortcuts.disagreement(frame, memory: &memory) == nil)
            let channel = ["accountSummary", "activeAssetData"].first { text.hasPrefix(#"{"channel":"\#($0)""#) }
            guard let channel else { continue }
            let message = frame.withUnsafeBufferPointer(NotionalShortcuts.decode)
            #expect(message != nil, "declined \(text)")
            if case .accountSummary(let summary)? = message, !summary.positions.isEmpty { withPosition += 1 }
            read[channel, default: 0] += 1
        }
        #expect(read["accountSummary", default: 0] > 10 && read["activeAssetData", default: 0] > 10, "\(read.sorted { $0.key < $1.key })")
        #expect(withPosition > 10)
    }
}
