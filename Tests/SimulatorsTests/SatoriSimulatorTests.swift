import Exchange
@testable import Simulators
import TapeCore
import Testing
import Venues

private let alice = ConnectionID(1)
private let raw = ConnectionID(2)
private let other = ConnectionID(3)

private func isAnomalous(_ event: VenueEvent) -> Bool {
    switch event {
    case .anomaly, .unrecognised, .commandRejected, .commandRefused: true
    default: false
    }
}

private func accepted(_ events: [VenueEvent]) -> Int {
    events.filter { if case .commandAccepted = $0 { true } else { false } }.count
}

private func rejections(_ events: [VenueEvent]) -> [String] {
    events.compactMap { if case .commandRejected(_, let error) = $0 { error.message } else { nil } }
}

/// A raw SUBSCRIBE as a bot written against the docs would send it.
private func subscribeText(event: String, scope: String = #""pair":"ETH-USD""#, key: String = "alice", signature: String = satoriSignature,
                           millis: Int64, signType: String = #""2""#) -> String {
    #"{\#(scope),"method":"SUBSCRIBE","event":"\#(event)","apiKey":"\#(key)","signature":"\#(signature)","timestamp":\#(millis),"signType":\#(signType)}"#
}

private func millis(_ time: Timestamp) -> Int64 { (satoriUTCAtZero + time.nanoseconds) / 1_000_000 }

@Suite("Satori simulator")
struct SatoriSimulatorTests {
    private let keyed = satoriConfiguration(credentials: [SimulatorCredentials(key: "alice", secret: "unused")])

    @Test("signed subscriptions are acknowledged in the docs' shape, followed by the account snapshot")
    func subscriptionAcks() {
        var harness = SatoriHarness(configuration: keyed)
        harness.connect(alice, key: "alice")
        let frames = harness.received[alice] ?? []
        #expect(frames.count == 4)
        #expect(frames.first == #"{"event":"api_account_res","method":"SUBSCRIBE","msg":"subscribe success: api_account","success":true,"symbol":"USD"}"#)
        #expect(frames.dropFirst().first == #"{"data":{"availableAmount":"1000000","coinId":4,"frozenAmount":"0.00","logId":0,"operateAmount":"0.00","symbol":"USD"},"event":"api_account","success":true,"symbol":"USD"}"#)
        #expect(frames.dropFirst(2).first == #"{"event":"api_position_res","method":"SUBSCRIBE","msg":"subscribe success: api_position","pair":"ETH-USD","success":true}"#)
        #expect(frames.last == #"{"event":"api_entrust_res","method":"SUBSCRIBE","msg":"subscribe success: api_entrust","pair":"ETH-USD","success":true}"#)
        let events = harness.events[alice] ?? []
        #expect(accepted(events) == 3)
        #expect(!events.contains(where: isAnomalous))
        #expect(harness.clients[alice]!.account.balances.first?.available == FixedDecimal(1_000_000))
        #expect(harness.simulator.session(alice)?.subscriptions.count == 3)
    }

    @Test("an unknown key, a malformed signature, a stale timestamp and a wrong signType are refused with success false")
    func badCredentials() {
        var harness = SatoriHarness(configuration: keyed)
        harness.connect(alice, key: nil)
        let good = satoriSubscriptions(key: "alice", at: harness.now, events: ["api_position"])[0]
        var unknown = good
        unknown.apiKey = "mallory"
        harness.subscribe(unknown, on: alice)
        #expect(harness.last(alice) == #"{"event":"api_position_res","method":"SUBSCRIBE","msg":"subscribe failed: invalid apiKey: the key is not known","pair":"ETH-USD","success":false}"#)
        var unsigned = good
        unsigned.signature = "0x1234"
        harness.subscribe(unsigned, on: alice)
        #expect(harness.last(alice).contains(#""msg":"subscribe failed: invalid signature"#))
        var v = good
        v.signature = "0x" + String(repeating: "ab", count: 64) + "1d"
        harness.subscribe(v, on: alice)
        #expect(harness.last(alice).contains("invalid signature"))
        var stale = good
        stale.timestampMillis -= 61_000
        harness.subscribe(stale, on: alice)
        #expect(harness.last(alice).contains(#""msg":"subscribe failed: timestamp expired"#))
        var signType = good
        signType.signType = .string("3")
        harness.subscribe(signType, on: alice)
        #expect(harness.last(alice).contains("invalid signType"))
        for extreme in [Int64.min, Int64.max, -9_000_000_000_000] {
            var odd = good
            odd.timestampMillis = extreme
            harness.subscribe(odd, on: alice)
            // Int64.min does not even read back as a timestamp ("bad value for timestamp").
            #expect(harness.last(alice).contains("timestamp") && harness.last(alice).hasSuffix(#""success":false}"#))
        }
        let refused = rejections(harness.events[alice] ?? [])
        #expect(refused.count == 8)
        #expect(harness.simulator.account(key: "mallory") == nil)
        #expect(harness.simulator.session(alice)?.subscriptions.isEmpty == true)
        harness.subscribe(good, on: alice)
        #expect(harness.last(alice).hasSuffix(#""success":true}"#))
        #expect(harness.closed[alice] == nil)
    }

    @Test("signType as the templates' number 2, the template's ETH symbol and an api_trade period are accepted")
    func templateSpellings() {
        var harness = SatoriHarness()
        harness.connectRaw(raw)
        let now = millis(harness.now)
        harness.sendRaw(subscribeText(event: "api_account", scope: #""symbol":"ETH""#, millis: now, signType: "2"), on: raw)
        #expect(harness.received[raw]?.first == #"{"event":"api_account_res","method":"SUBSCRIBE","msg":"subscribe success: api_account","success":true,"symbol":"ETH"}"#)
        #expect(harness.last(raw).hasSuffix(#""event":"api_account","success":true,"symbol":"ETH"}"#))
        harness.sendRaw(subscribeText(event: "api_trade", scope: #""pair":"ETH-USD","period":"1MIN""#, millis: now, signType: "2"), on: raw)
        #expect(harness.last(raw) == #"{"event":"api_trade_res","method":"SUBSCRIBE","msg":"subscribe success: api_trade","pair":"ETH-USD","period":"1MIN","success":true}"#)
        harness.advance(to: .seconds(20))
        let trades = harness.frames(raw, containing: #""event":"api_trade","success":true"#)
        #expect(!trades.isEmpty)
        #expect(trades.first?.hasPrefix(#"{"data":{"amount":""#) == true)
    }

    @Test("a client subscribed to api_trade reads every trade push as a public trade, with the taker's side")
    func tradesReachTheClient() throws {
        var harness = SatoriHarness()
        harness.connect(alice, key: "KEY", events: ["api_trade"])
        harness.advance(to: .seconds(20))
        let pushes = harness.frames(alice, containing: #""event":"api_trade","success":true"#)
        var trades: [Venues.Trade] = []
        for case .trades(let batch) in harness.events[alice] ?? [] { trades += batch }
        #expect(!trades.isEmpty && trades.count == pushes.count)
        let last = try #require(trades.last)
        #expect(last.symbol == "ETH-USD" && last.quantity > .zero && last.side != nil && last.tradeID != nil)
        #expect(pushes.last?.contains(#""direction":"\#(last.side == .buy ? "LONG" : "SHORT")""#) == true)
        let unread = (harness.events[alice] ?? []).filter { if case .unrecognised = $0 { true } else if case .anomaly = $0 { true } else { false } }
        #expect(unread.count == 0, "first: \(String(describing: unread.first))")
    }

    @Test("malformed JSON, binary, an unknown method or event and bad parameters get error answers; the socket keeps working")
    func badInput() {
        var harness = SatoriHarness()
        harness.connectRaw(raw)
        harness.sendRaw("{not json", on: raw)
        #expect(harness.last(raw).hasPrefix(#"{"event":"error","msg":"bad request: "#))
        #expect(harness.last(raw).hasSuffix(#""success":false}"#))
        harness.sendRaw("[1,2]", on: raw)
        #expect(harness.last(raw) == #"{"event":"error","msg":"bad request: not a JSON object; send {\"method\":\"SUBSCRIBE\",…}","success":false}"#)
        harness.apply(harness.simulator.receivedFrame(raw, .binary, [1, 2, 3], at: harness.now))
        #expect(harness.last(raw) == #"{"event":"error","msg":"binary messages are not supported: send JSON text","success":false}"#)
        harness.sendRaw(#"{"pair":"ETH-USD","method":"UNSUBSCRIBE","event":"api_position"}"#, on: raw)
        #expect(harness.last(raw) == #"{"event":"api_position_res","method":"UNSUBSCRIBE","msg":"unknown method UNSUBSCRIBE: only SUBSCRIBE is served","pair":"ETH-USD","success":false}"#)
        harness.sendRaw(#"{"pair":"ETH-USD","method":"SUBSCRIBE","event":"api_position","apiKey":"alice"}"#, on: raw)
        #expect(harness.last(raw).contains(#""msg":"subscribe failed: missing "#))
        let now = millis(harness.now)
        harness.sendRaw(subscribeText(event: "api_kline", millis: now), on: raw)
        #expect(harness.last(raw).contains("unknown event api_kline"))
        harness.sendRaw(subscribeText(event: "api_position", scope: #""pair":"BTC-USD""#, millis: now), on: raw)
        #expect(harness.last(raw) == #"{"event":"api_position_res","method":"SUBSCRIBE","msg":"subscribe failed: unknown pair BTC-USD: use ETH-USD","pair":"BTC-USD","success":false}"#)
        harness.sendRaw(subscribeText(event: "api_position", scope: #""symbol":"USD""#, millis: now), on: raw)
        #expect(harness.last(raw).contains("missing pair"))
        harness.sendRaw(subscribeText(event: "api_account", scope: #""symbol":"BTC""#, millis: now), on: raw)
        #expect(harness.last(raw).contains("unknown symbol BTC"))
        harness.sendRaw(subscribeText(event: "api_position", millis: now), on: raw)
        #expect(harness.last(raw) == #"{"event":"api_position_res","method":"SUBSCRIBE","msg":"subscribe success: api_position","pair":"ETH-USD","success":true}"#)
        #expect(harness.closed[raw] == nil)
    }

    @Test("accounts are capped: a new key beyond maxAccounts is refused, known keys still subscribe")
    func accountCap() {
        var configuration = satoriConfiguration()
        configuration.maxAccounts = 2
        var harness = SatoriHarness(configuration: configuration)
        harness.connect(alice, key: nil)
        for key in ["k1", "k2", "k3", "k1"] {
            harness.subscribe(satoriSubscriptions(key: key, at: harness.now, events: ["api_position"])[0], on: alice)
        }
        let answers = harness.received[alice] ?? []
        #expect(answers.count == 4)
        #expect(answers.dropFirst(2).first?.contains("too many accounts: this simulator holds at most 2") == true)
        #expect(answers.last?.contains("subscribe success") == true)
        #expect(harness.simulator.account(key: "k3") == nil)
    }

    @Test("garbage counts against the rate limit like requests")
    func garbageIsRateLimited() {
        var harness = SatoriHarness()
        harness.connectRaw(raw)
        for _ in 0..<20 { harness.sendRaw("{oops", on: raw) }
        #expect(harness.last(raw).hasPrefix(#"{"event":"error","msg":"bad request: "#))
        harness.sendRaw("{oops", on: raw)
        #expect(harness.last(raw) == #"{"event":"error","msg":"too many requests: at most 20 per second; slow down","success":false}"#)
    }

    @Test("more than 20 requests in a second are refused on that connection only, and accepted again a second later")
    func rateLimit() {
        var harness = SatoriHarness()
        harness.connectRaw(raw)
        harness.connect(other, key: nil)
        let request = subscribeText(event: "api_position", millis: millis(harness.now))
        for _ in 0..<20 { harness.sendRaw(request, on: raw) }
        let acceptedCount = harness.frames(raw, containing: "subscribe success").count
        #expect(acceptedCount == 20)
        harness.sendRaw(request, on: raw)
        #expect(harness.last(raw) == #"{"event":"api_position_res","method":"SUBSCRIBE","msg":"too many requests: at most 20 per second; slow down","pair":"ETH-USD","success":false}"#)
        harness.subscribe(satoriSubscriptions(key: "bob", at: harness.now, events: ["api_entrust"])[0], on: other)
        #expect(harness.last(other).contains("subscribe success: api_entrust"))
        harness.advance(to: harness.now + .milliseconds(1_001))
        harness.sendRaw(subscribeText(event: "api_position", millis: millis(harness.now)), on: raw)
        #expect(harness.last(raw).contains("subscribe success"))
        #expect(harness.simulator.session(raw)?.subscriptions.count == 1)
    }

    @Test("the server pings every 30 s; a connection silent for 90 s is closed with 1001; text ping gets pong")
    func heartbeat() {
        var harness = SatoriHarness()
        harness.connect(alice, key: "alice")
        harness.connectRaw(raw)
        harness.sendRaw("ping", on: raw)
        #expect(harness.last(raw) == "pong")
        harness.apply(harness.simulator.receivedFrame(raw, .ping, [7], at: harness.now))
        #expect(harness.last(raw) == "<pong>")
        harness.advance(to: .seconds(60))
        #expect(harness.frames(alice, containing: "<ping>").count == 1)
        #expect(harness.closed[raw] == nil)
        harness.advance(to: .seconds(95))
        #expect(harness.closed[raw]?.code == 1001)
        #expect(harness.closed[alice] == nil)
        #expect(harness.frames(alice, containing: "<ping>").count == 3)
    }

    @Test("order entry pushes ENTRUST, NEW, TRADE and CANCELED, positions NEW, INCREASE, REDUCE, CLOSE, and balances with rising logIds")
    func pushesAfterOrderEntry() {
        var harness = SatoriHarness()
        harness.connect(alice, key: "alice")
        harness.advance(to: .seconds(3))
        harness.act { $0.setLeverage(key: "alice", leverage: 1, at: $1) }
        harness.act { $0.placeOrder(key: "alice", side: .buy, quantity: FixedDecimal("0.02")!, price: FixedDecimal(2000), clientOrderID: "1725870680532", at: $1) }
        #expect(harness.simulator.lastOrderEntryError == nil)
        let resting = harness.frames(alice, containing: #""changeType":"NEW","clientOrderId":"1725870680532""#)
        // The docs' example push, but for the entrust id.
        #expect(resting == [#"{"data":{"changeType":"NEW","clientOrderId":"1725870680532","contractPairId":1,"currentEntrustId":1,"dealAmount":"0.00","dealQuantity":"0","direction":"LONG","isClose":false,"isMarket":false,"lever":1,"matchType":1,"price":"2000","quantity":"0.02","symbol":"ETH-USD"},"event":"api_entrust","success":true}"#])
        #expect(harness.frames(alice, containing: #""changeType":"ENTRUST""#).count == 1)

        harness.act { $0.placeOrder(key: "alice", side: .buy, quantity: FixedDecimal("0.05")!, at: $1) }
        let taken = harness.frames(alice, containing: #""changeType":"TRADE""#)
        #expect(!taken.isEmpty)
        #expect(taken.allSatisfy { $0.contains(#""feeCoin":"USD","isClose":false,"isMarket":true,"isTaker":true"#) })
        #expect(harness.frames(alice, containing: #""changeType":"NEW","contractPairId":1,"currentQuantity":"0.05","direction":"LONG""#).count == 1)
        harness.act { $0.placeOrder(key: "alice", side: .buy, quantity: FixedDecimal("0.03")!, at: $1) }
        #expect(harness.frames(alice, containing: #""changeType":"INCREASE","contractPairId":1,"currentQuantity":"0.08""#).count == 1)
        harness.act { $0.placeOrder(key: "alice", side: .sell, quantity: FixedDecimal("0.02")!, isClose: true, at: $1) }
        let closing = harness.frames(alice, containing: #""isClose":true,"isMarket":true,"isTaker":true"#)
        #expect(!closing.isEmpty && closing.allSatisfy { $0.contains(#""direction":"LONG""#) })
        #expect(harness.frames(alice, containing: #""changeType":"REDUCE","contractPairId":1,"currentQuantity":"0.06""#).count == 1)
        harness.act { $0.placeOrder(key: "alice", side: .sell, quantity: FixedDecimal("0.10")!, at: $1) }
        #expect(harness.frames(alice, containing: #""changeType":"CLOSE""#).count == 1)
        #expect(harness.frames(alice, containing: #""changeType":"NEW","contractPairId":1,"currentQuantity":"0.04","direction":"SHORT""#).count == 1)
        let entrust = harness.simulator.openEntrustIDs(key: "alice")
        #expect(entrust == [1])
        harness.act { $0.cancelOrder(key: "alice", entrustID: 1, at: $1) }
        #expect(harness.frames(alice, containing: #""changeType":"CANCELED","clientOrderId":"1725870680532""#).count == 1)
        harness.act { $0.cancelOrder(key: "alice", entrustID: 1, at: $1) }
        #expect(harness.simulator.lastOrderEntryError?.hasPrefix("order 1 not found") == true)
        harness.act { $0.placeOrder(key: "alice", side: .buy, quantity: FixedDecimal("0.04")!, at: $1) }
        #expect(harness.frames(alice, containing: #""changeType":"CLOSE""#).count == 2)

        let logIDs = (harness.received[alice] ?? []).compactMap { frame -> Int64? in
            guard frame.contains(#""event":"api_account""#) else { return nil }
            let parts = frame.split(separator: #""logId":"#, maxSplits: 1)
            return parts.count == 2 ? Int64(parts[1].prefix { $0.isNumber }) : nil
        }
        #expect(logIDs.count > 5)
        #expect(zip(logIDs, logIDs.dropFirst()).allSatisfy { $0 < $1 })
        let events = harness.events[alice] ?? []
        #expect(!events.contains(where: isAnomalous))
        #expect(events.contains { if case .orderFilled = $0 { true } else { false } })
        #expect(harness.disagreements(alice, key: "alice").isEmpty, "\(harness.disagreements(alice, key: "alice"))")
    }

    @Test("order entry for an unknown key, a bad quantity or a close order on a flat position is refused without pushes")
    func refusedOrderEntry() {
        var harness = SatoriHarness()
        harness.connect(alice, key: "alice")
        let before = harness.received[alice]?.count ?? 0
        harness.act { $0.placeOrder(key: "nobody", side: .buy, quantity: FixedDecimal(1), at: $1) }
        #expect(harness.simulator.lastOrderEntryError?.hasPrefix("unknown apiKey nobody") == true)
        harness.act { $0.placeOrder(key: "alice", side: .buy, quantity: FixedDecimal("0.005")!, at: $1) }
        #expect(harness.simulator.lastOrderEntryError?.hasPrefix("invalid quantity") == true)
        harness.act { $0.placeOrder(key: "alice", side: .sell, quantity: FixedDecimal(1), isClose: true, at: $1) }
        #expect(harness.simulator.lastOrderEntryError?.hasPrefix("reduce-only") == true)
        harness.act { $0.setLeverage(key: "alice", leverage: 500, at: $1) }
        #expect(harness.simulator.lastOrderEntryError?.hasPrefix("invalid leverage") == true)
        let pushed = (harness.received[alice] ?? []).dropFirst(before).filter { $0.contains("api_entrust") || $0.contains("api_position") }
        #expect(pushed.isEmpty)
    }

    @Test("a resting order filled by the generated market is reported as a maker TRADE, and the client agrees with the exchange")
    func makerFill() {
        var harness = SatoriHarness()
        harness.connect(alice, key: "alice")
        harness.advance(to: .seconds(2))
        let bid = harness.simulator.market.exchange.bestBidAsk().bid!
        harness.act { $0.placeOrder(key: "alice", side: .buy, quantity: FixedDecimal("0.5")!, price: SatoriSimulator.price(bid.units), at: $1) }
        harness.act { $0.placeOrder(key: "alice", side: .sell, quantity: FixedDecimal("0.5")!, price: SatoriSimulator.price(bid.units + 2_000), at: $1) }
        harness.advance(to: .seconds(120))
        let makerFills = harness.frames(alice, containing: #""isTaker":false"#)
        #expect(!makerFills.isEmpty)
        #expect(harness.disagreements(alice, key: "alice").isEmpty, "\(harness.disagreements(alice, key: "alice"))")
        #expect(!(harness.events[alice] ?? []).contains(where: isAnomalous))
    }

    @Test("a liquidation pushes LIQUIDATE and cancels the account's orders; the client ends flat")
    func liquidation() {
        var harness = SatoriHarness()
        harness.connect(alice, key: "alice")
        harness.advance(to: .seconds(2))
        harness.act { $0.setLeverage(key: "alice", leverage: 50, at: $1) }
        harness.act { $0.placeOrder(key: "alice", side: .buy, quantity: FixedDecimal(1), at: $1) }
        harness.act { $0.placeOrder(key: "alice", side: .buy, quantity: FixedDecimal("0.1")!, price: FixedDecimal(1500), at: $1) }
        harness.act { simulator, _ in simulator.run { exchange, now in exchange.updateMarkPrice(Price(units: 1_000_000), at: now) } }
        #expect(harness.frames(alice, containing: #""changeType":"LIQUIDATE","contractPairId":1,"currentQuantity":"1","direction":"LONG""#).count == 1)
        #expect(harness.frames(alice, containing: #""changeType":"CANCELED""#).count == 1)
        let events = harness.events[alice] ?? []
        #expect(events.contains { if case .positionLiquidated(let lost) = $0 { lost.positionSide == .long && lost.quantity == FixedDecimal(1) } else { false } })
        #expect(harness.clients[alice]!.account.positions.allSatisfy { $0.side == .flat })
        #expect(harness.disagreements(alice, key: "alice").isEmpty, "\(harness.disagreements(alice, key: "alice"))")
    }

    @Test("a late subscription finds the open position as NEW with operateQuantity 0 and the open orders as NEW")
    func snapshots() {
        var harness = SatoriHarness()
        harness.connect(alice, key: "alice")
        harness.advance(to: .seconds(2))
        harness.act { $0.placeOrder(key: "alice", side: .sell, quantity: FixedDecimal("0.06")!, at: $1) }
        harness.act { $0.placeOrder(key: "alice", side: .buy, quantity: FixedDecimal("0.02")!, price: FixedDecimal(2000), at: $1) }
        harness.connect(other, key: "alice")
        #expect(harness.frames(other, containing: #""changeType":"NEW","contractPairId":1,"currentQuantity":"0.06","direction":"SHORT""#).count == 1)
        #expect(harness.frames(other, containing: #""operateQuantity":"0","positionId""#).count == 1)
        #expect(harness.frames(other, containing: #""changeType":"NEW","contractPairId":1,"currentEntrustId":2"#).count == 1)
        #expect(harness.disagreements(other, key: "alice").isEmpty, "\(harness.disagreements(other, key: "alice"))")
    }

    @Test("with accountActivity an account trades by itself, and its client ends with the exchange's state")
    func accountActivity() {
        var harness = SatoriHarness(configuration: satoriConfiguration(activity: AccountActivity.Configuration(interval: .seconds(1))))
        harness.connect(alice, key: "alice")
        harness.advance(to: .seconds(60))
        #expect(harness.frames(alice, containing: #""changeType":"ENTRUST""#).count > 10)
        #expect(harness.frames(alice, containing: #""changeType":"TRADE""#).count > 5)
        #expect(!harness.frames(alice, containing: #""event":"api_position""#).isEmpty)
        #expect(!(harness.events[alice] ?? []).contains(where: isAnomalous))
        #expect(harness.disagreements(alice, key: "alice").isEmpty, "\(harness.disagreements(alice, key: "alice"))")
    }

    @Test("the same seed and the same calls give the same frames, byte for byte")
    func determinism() {
        func session() -> [ConnectionID: [String]] {
            var harness = SatoriHarness(seed: 11, configuration: satoriConfiguration(activity: AccountActivity.Configuration(interval: .seconds(2))))
            harness.connect(alice, key: "alice", events: ["api_account", "api_position", "api_entrust", "api_trade"])
            harness.connect(other, key: "bob")
            harness.advance(to: .seconds(10))
            harness.act { $0.placeOrder(key: "bob", side: .buy, quantity: FixedDecimal("0.3")!, at: $1) }
            harness.advance(to: .seconds(40))
            return harness.received
        }
        let first = session()
        let second = session()
        let same = first == second
        #expect(same)
        #expect((first[alice]?.count ?? 0) > 100)
    }
}
