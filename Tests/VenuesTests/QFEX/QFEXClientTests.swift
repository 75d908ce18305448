import TapeCore
import Testing
@testable import Venues

@Suite("QFEX client")
struct QFEXClientTests {
    @Test("add_order → ACK → cancel_order → CANCELLED: both requests answered, nothing left open")
    func ackThenCancel() throws {
        var harness = QFEXHarness()
        harness.authenticate()
        harness.feed(#"{"type":"add_order","params":{"symbol":"AAPL-USD","side":"BUY","order_type":"LIMIT","order_time_in_force":"GFD","quantity":1,"price":200}}"#)
        let flow = try SharedExamples.lines("qfex", "flow_order_ack_then_cancel_docs.jsonl")
        let acked = harness.feed([flow[0]])
        #expect(acked.first == .commandAccepted(.number(2)), "auth was request 1")
        let open = try #require(harness.client.account.openOrders.first)
        #expect(open.venueOrderID == "5b309929-206f-40ec-804d-cbe46e81afc1" && open.quantity == 1 && open.price == 200)
        #expect(open.takeProfit == nil, "take_profit 0.0 means none")
        harness.feed(#"{"type":"cancel_order","params":{"order_id":"5b309929-206f-40ec-804d-cbe46e81afc1","symbol":"AAPL-USD","cancel_order_id_type":"order_id"}}"#)
        let cancelled = harness.feed([flow[1]])
        #expect(cancelled.first == .commandAccepted(.number(3)))
        #expect(harness.client.account.openOrders.isEmpty)
        #expect(harness.client.pendingRequests.isEmpty)
        #expect(harness.anomalies.isEmpty)
    }

    @Test("subscribing to positions and balances applies the pulsed snapshots once, not on every pulse")
    func pulsedSnapshots() throws {
        var harness = QFEXHarness()
        harness.feed(#"{"type":"auth","result":"success"}"#)
        let positions = harness.feed(try SharedExamples.lines("qfex", "flow_subscribe_positions_docs.jsonl"))
        #expect(positions.contains(.commandAccepted(.number(2))))
        let position = try #require(harness.client.account.positionsBySymbol["AAPL-USD"])
        #expect(position.side == .flat && position.leverage == 20)
        let pulse = try SharedExamples.lines("qfex", "flow_subscribe_positions_docs.jsonl")[3]
        #expect(harness.feed([pulse]).isEmpty, "an unchanged pulse is not news")
        harness.feed(try SharedExamples.lines("qfex", "flow_subscribe_balances_docs.jsonl"))
        #expect(harness.client.account.balancesByAsset["USD"]?.total == .of("9990000000.0"))
        #expect(harness.anomalies.isEmpty)
    }

    @Test("a fill for a known order updates what is left; for an unknown order it is an anomaly")
    func fills() throws {
        let fillLine = try SharedExamples.lines("qfex", "live_docs_examples.jsonl")[1]
        var unknown = QFEXHarness()
        unknown.feed([fillLine])
        #expect(unknown.anomalies.map(\.kind) == [.fillForUnknownOrder])
        #expect(unknown.anomalies.first?.received == "fill 0.004@25242.0")

        var known = QFEXHarness()
        known.feed(#"{"order_response":{"order_id":"0aeae7d0-4a6e-4672-ad69-82b8811d4e0b","symbol":"US100-USD","status":"ACK","quantity":0.004,"price":25547.0,"side":"SELL","type":"MARKET","time_in_force":"IOC","client_order_id":"","quantity_remaining":0.004}}"#)
        let events = known.feed([fillLine])
        guard case .orderFilled(let fill) = events.first else { Issue.record("no fill: \(events)"); return }
        #expect(fill.price == 25242 && fill.quantity == .of("0.004") && fill.isMaker == false && fill.fee == .of("0.00045"))
        #expect(fill.venueTimeMillis == 1_769_439_642_848)
        #expect(known.client.account.openOrders.isEmpty)
    }

    @Test("modify_order → MODIFIED keeps the order with its new take-profit and stop-loss; unknown is an anomaly")
    func modify() throws {
        let modified = try SharedExamples.lines("qfex", "docs_repo.all.jsonl")[40]
        var unknown = QFEXHarness()
        unknown.feed([modified])
        #expect(unknown.anomalies.map(\.kind) == [.updateForUnknownOrder])
        #expect(unknown.client.account.openOrders.isEmpty)

        var known = QFEXHarness()
        known.authenticate()
        known.feed(#"{"order_response":{"order_id":"510333ac-3f7b-4d88-934a-4396d48824cc","symbol":"AAPL-USD","status":"ACK","quantity":1.0,"price":190.0,"side":"BUY","type":"LIMIT","time_in_force":"GFD","client_order_id":"","quantity_remaining":1.0}}"#)
        let events = known.feed(Array(try SharedExamples.lines("qfex", "docs_repo.all.jsonl")[39...40]))
        #expect(events.first == .commandAccepted(.number(2)))
        let order = try #require(known.client.account.openOrders.first)
        #expect(order.quantity == 2 && order.price == 200 && order.takeProfit == 200 && order.stopLoss == 150 && order.status == .modified)
    }

    @Test("set_user_leverage is answered by ack_response and changes the leverage")
    func setLeverage() throws {
        var harness = QFEXHarness()
        harness.authenticate()
        let events = harness.feed(Array(try SharedExamples.lines("qfex", "docs_repo.all.jsonl")[45...46]))
        #expect(events == [.commandAccepted(.number(2)), .leverageChanged(symbol: "AAPL-USD", leverage: 20)])
        #expect(harness.client.account.leverageBySymbol["AAPL-USD"] == .of("20.0"))
        harness.feed(#"{"ack_response":true}"#)
        #expect(harness.anomalies.map(\.kind) == [.answerToUnknownRequest], "a second ack answers nothing")
    }

    @Test("leverage levels are reported; the account's leverage is stored per symbol")
    func leverageLevels() throws {
        var harness = QFEXHarness()
        let lines = try SharedExamples.lines("qfex", "docs_repo.all.jsonl")
        let available = harness.feed([lines[32]])
        guard case .leverageTiers(let tiers) = available.first else { Issue.record("\(available)"); return }
        #expect(tiers.map(\.leverage) == [1, 2])
        harness.feed([lines[33]])
        #expect(harness.client.account.leverageBySymbol["META-USD"] == 20)
    }

    @Test("a position for a symbol not traded is an anomaly; unknown messages are unrecognised")
    func badInput() {
        var harness = QFEXHarness(symbols: ["AAPL-USD"])
        harness.feed(#"{"position_response":{"symbol":"TSLA-USD","position":-3,"leverage":5}}"#)
        #expect(harness.anomalies.map(\.kind) == [.unknownSymbol])
        #expect(harness.client.account.positionsBySymbol.isEmpty)
        harness.feed(#"{"stop_order_response":{"id":"x"}}"#)
        harness.feed(#"{"order_response":{"order_id":"x","symbol":"AAPL-USD","status":"ACK","quantity":1,"quantity_remaining":2,"side":"BUY"}}"#)
        #expect(harness.unrecognised.map(\.reason) == [.unknownMessage("stop_order_response"), .badField("quantity_remaining", in: "order_response")])
    }

    @Test("live: connect authenticates, account requests wait for it, and a refused auth says so")
    func live() {
        var client = QFEXClient(configuration: .init(credentials: .apiKey("YOUR_API_KEY"), instruments: [Instrument(symbol: "AAPL-USD")]))
        #expect(client.submit(.cancelAllOrders, at: .zero) == [.emit(.commandRefused(reason: "not connected: connect before sending cancel_all_orders"))])
        #expect(client.connected(at: .seconds(1)) == [
            .send(.text, Array(#"{"type":"auth","params":{"api_key":"YOUR_API_KEY"}}"#.utf8)),
            .scheduleTimer(.authenticationDeadline, at: .seconds(11)),
        ])
        #expect(client.submit(.subscribe(["positions"]), at: .seconds(2)) == [.emit(.commandRefused(reason: "not authenticated: send auth before subscribe"))])
        let refused = client.receivedFrame(Array(#"{"authenticated":false}"#.utf8), at: .seconds(3))
        #expect(refused.contains(.emit(.authenticationFailed(VenueError(code: "auth", message: "authenticated false", meaning: "authentication refused")))))
        #expect(!client.isAuthenticated)
        #expect(client.invariantViolations().isEmpty)
        // Found by a 200,000-mutant run: a refusal after a successful auth must also end trading.
        _ = client.receivedFrame(Array(#"{"authenticated":true}"#.utf8), at: .seconds(4))
        #expect(client.account.tradingAvailable)
        let revoked = client.receivedFrame(Array(#"{"type":"auth","result":"expired"}"#.utf8), at: .seconds(5))
        #expect(revoked.contains(.emit(.tradingStatusChanged(available: false))))
        #expect(!client.account.tradingAvailable && client.invariantViolations().isEmpty)
        _ = client.disconnected(at: .seconds(6))
        _ = client.receivedFrame(Array(#"{"authenticated":true}"#.utf8), at: .seconds(7))
        #expect(!client.isConnected && !client.account.tradingAvailable, "a late auth answer does not revive the session")
    }

    @Test("redaction hides the api key in the auth request and the connect URL")
    func redaction() throws {
        let auth = Array(#"{"type":"auth","params":{"api_key":"k-1234567890abcdef"}}"#.utf8)
        #expect(String(decoding: QFEXRedaction.rules.redact(auth), as: UTF8.self) == #"{"type":"auth","params":{"api_key":"<redacted:api_key>"}}"#)
        let signed = QFEXCommand.authenticate(.signed(publicKey: "pub", secretKey: "s", nonce: "n", unixSeconds: 1)).json.bytes
        let redacted = String(decoding: QFEXRedaction.rules.redact(signed), as: UTF8.self)
        #expect(redacted == #"{"type":"auth","params":{"hmac":{"public_key":"<redacted:public_key>","nonce":"n","unix_ts":1,"signature":"<redacted:signature>"}}}"#)
        let opened = ConnectionOpened(url: "wss://trade.qfex.com?api_key=PUB123&x=1", headers: [HTTPHeader(name: "Host", value: "trade.qfex.com")])
        #expect(QFEXRedaction.rules.redact(opened).url == "wss://trade.qfex.com?api_key=<redacted:api_key>&x=1")
        #expect(QFEXRedaction.rules.redact(opened).headers == opened.headers)
    }

    /// 2,000 mutants (modest: debug build on 2 shared cores); same invariants as Digitex:
    /// `invariantViolations()` empty after every frame, and a rejected frame changes nothing.
    @Test("2,000 seeded mutations of the examples never crash and never leave the state inconsistent")
    func mutations() throws {
        let examples = try SharedExamples.allLines("qfex").map(\.line)
        var random = SeededRandom(seed: Mutator.seed(0x0F_E5))
        var harness = QFEXHarness()
        var rejected = 0
        for round in 0..<Mutator.rounds {
            if round % 200 == 0 {
                harness = QFEXHarness()
                harness.authenticate()
                harness.feed(QFEXHarness.ack)
            }
            let mutant = Mutator.mutate(examples[Int(random.next() % UInt64(examples.count))], using: &random)
            let before = harness.client.account
            let events = harness.feed([mutant])
            #expect(harness.client.invariantViolations().isEmpty, "mutant \(round): \(String(decoding: mutant, as: UTF8.self))")
            if events.count == 1, case .unrecognised = events[0] {
                rejected += 1
                #expect(harness.client.account == before)
            }
        }
        #expect(rejected > Mutator.rounds / 10 && rejected < Mutator.rounds * 95 / 100)
    }
}
