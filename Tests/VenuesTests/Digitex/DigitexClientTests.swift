import TapeCore
import Testing
@testable import Venues

/// The live-driving side of the client: auth on connect, gating, request ids, timers, heartbeats.
@Suite("Digitex client")
struct DigitexClientTests {
    private let order = DigitexOrderRequest(
        symbol: "BTCUSD-PERP", clOrdId: "c61533a0113c416b", type: .market, timeInForce: .immediateOrCancel, side: .buy,
        price: 0, quantity: 10)

    private func liveClient() -> DigitexClient {
        DigitexClient(configuration: .init(token: "yourToken"))
    }

    @Test("connecting sends auth with the first request id and asks for heartbeat and auth-deadline timers")
    func connectAuthenticates() {
        var client = liveClient()
        let actions = client.connected(at: .seconds(100))
        #expect(actions == [
            .scheduleTimer(.heartbeat, at: .seconds(130)),
            .send(.text, Array(#"{"id":1,"method":"auth","params":{"type":"token","value":"yourToken"}}"#.utf8)),
            .scheduleTimer(.authenticationDeadline, at: .seconds(110)),
        ])
    }

    @Test("trading requests wait for tradingStatus available, then go out with increasing ids")
    func gating() {
        var client = liveClient()
        _ = client.connected(at: .seconds(1))
        #expect(client.submit(.placeOrder(order), at: .seconds(2)) == [
            .emit(.commandRefused(reason: "authentication in progress: wait for tradingStatus before placeOrder")),
        ])
        _ = client.receivedFrame(Array(#"{"ch":"tradingStatus","data":{"available":false}}"#.utf8), at: .seconds(3))
        #expect(client.isAuthenticated)
        #expect(client.submit(.placeOrder(order), at: .seconds(4)) == [
            .emit(.commandRefused(reason: "trading is not available (tradingStatus false): placeOrder not sent")),
        ])
        _ = client.receivedFrame(Array(#"{"ch":"tradingStatus","data":{"available":true}}"#.utf8), at: .seconds(5))
        let sent = client.submit(.placeOrder(order), at: .seconds(6))
        #expect(sent == [.send(.text, Array(#"{"id":2,"method":"placeOrder","params":{"symbol":"BTCUSD-PERP","clOrdId":"c61533a0113c416b","ordType":"MARKET","timeInForce":"IOC","side":"BUY","px":0,"qty":10}}"#.utf8))])
        #expect(client.pendingRequests.map(\.id) == [2])
        // The answer correlates by the echoed id.
        let answer = client.receivedFrame(Array(#"{"id":2,"status":"error","code":27,"msg":"not enough balance"}"#.utf8), at: .seconds(7))
        #expect(answer == [.emit(.commandRejected(.number(2), VenueError(code: "27", message: "not enough balance", meaning: "Not enough balance")))])
        #expect(client.pendingRequests.isEmpty)
    }

    @Test("public subscriptions need no authentication")
    func publicWithoutAuth() {
        var client = DigitexClient(configuration: .init(token: nil))
        _ = client.connected(at: .zero)
        let sent = client.submit(.subscribe(["BTCUSD-PERP@orderbook_25"]), at: .zero)
        #expect(sent == [.send(.text, Array(#"{"id":1,"method":"subscribe","params":["BTCUSD-PERP@orderbook_25"]}"#.utf8))])
        #expect(client.receivedFrame(Array(#"{"id":1,"status":"ok"}"#.utf8), at: .zero) == [.emit(.commandAccepted(.number(1)))])
    }

    @Test("a text ping is answered with pong; the heartbeat timer pings only after an idle interval")
    func heartbeats() {
        var client = liveClient()
        _ = client.connected(at: .seconds(0))  // sends auth at t=0
        #expect(client.receivedFrame(Array("ping".utf8), at: .seconds(5)) == [.send(.text, Array("pong".utf8)), .emit(.heartbeat)])
        #expect(client.timerFired(.heartbeat, at: .seconds(30)) == [.scheduleTimer(.heartbeat, at: .seconds(60))], "pong went out at 5 s")
        #expect(client.timerFired(.heartbeat, at: .seconds(60)) == [.send(.text, Array("ping".utf8)), .scheduleTimer(.heartbeat, at: .seconds(90))])
    }

    @Test("auth that gets no answer before the deadline fails, and a late timer after success does nothing")
    func authDeadline() {
        var client = liveClient()
        _ = client.connected(at: .seconds(0))
        let failed = client.timerFired(.authenticationDeadline, at: .seconds(10))
        #expect(failed.count == 2)
        #expect(failed.first == .emit(.commandUnanswered(.number(1))))
        #expect(!client.isAuthenticated)

        var other = liveClient()
        _ = other.connected(at: .seconds(0))
        _ = other.receivedFrame(Array(#"{"ch":"tradingStatus","data":{"available":true}}"#.utf8), at: .seconds(1))
        #expect(other.timerFired(.authenticationDeadline, at: .seconds(10)).isEmpty)
    }

    @Test("disconnecting reports unanswered requests and makes trading unavailable")
    func disconnect() {
        var client = liveClient()
        _ = client.connected(at: .seconds(0))
        _ = client.receivedFrame(Array(#"{"ch":"tradingStatus","data":{"available":true}}"#.utf8), at: .seconds(1))
        _ = client.submit(.getTraderStatus(symbol: "BTCUSD-PERP"), at: .seconds(2))
        let actions = client.disconnected(at: .seconds(3))
        #expect(actions == [
            .emit(.commandUnanswered(.number(2))), .emit(.tradingStatusChanged(available: false)),
            .cancelTimer(.heartbeat), .cancelTimer(.authenticationDeadline),
        ])
        #expect(client.submit(.getTraderStatus(symbol: "BTCUSD-PERP"), at: .seconds(4)) == [
            .emit(.commandRefused(reason: "not connected: connect before sending getTraderStatus")),
        ])
        #expect(client.invariantViolations().isEmpty)
        // A late frame after the disconnect does not bring the session back.
        _ = client.receivedFrame(Array(#"{"ch":"tradingStatus","data":{"available":true}}"#.utf8), at: .seconds(5))
        #expect(!client.isConnected && !client.isAuthenticated && !client.account.tradingAvailable)
    }

    @Test("an answer to a request that was never sent is an anomaly")
    func unknownAnswer() {
        var harness = DigitexHarness()
        harness.feed(#"{"id":77,"status":"ok"}"#)
        #expect(harness.anomalies.map(\.kind) == [.answerToUnknownRequest])
    }

    @Test("actions a caller holds stay as returned while later pushes fill the array of dropped ones again")
    func heldActionsStay() throws {
        let reports = try SharedExamples.lines("digitex", "seq_place_market_order_accept_fill.jsonl")
            .filter { $0.starts(with: Array(#"{"ch":"order"#.utf8)) }
        try #require(reports.count == 2)
        // Three orders, each with its own id: every push emits an order update of its own.
        let frames = (0..<3).flatMap { order in
            reports.map { Array(String(decoding: $0, as: UTF8.self).replacingOccurrences(of: "c61533a0113c416b", with: "c61533a0113c41\(order)0").utf8) }
        }
        var holding = DigitexClient(configuration: .init(token: nil, drivesConnection: false))
        var dropping = holding
        var held: [[ClientAction]] = [], described: [String] = []
        for (index, frame) in frames.enumerated() {
            let actions = holding.receivedFrame(frame, at: .milliseconds(Int64(index)))
            held.append(actions)
            described.append(String(describing: actions))
            // The other client's actions are dropped at once, so its next push reuses their array.
            #expect(dropping.receivedFrame(frame, at: .milliseconds(Int64(index))) == actions)
        }
        #expect(held.map { String(describing: $0) } == described)
        #expect(held.allSatisfy { $0.contains { if case .emit(.orderUpdated) = $0 { true } else { false } } })
    }

    @Test("replaying twice gives identical events and state")
    func deterministic() throws {
        func run() throws -> ([VenueEvent], AccountState) {
            var harness = DigitexHarness()
            for file in try SharedExamples.files("digitex") { harness.feed(try SharedExamples.lines("digitex", file)) }
            return (harness.events, harness.client.account)
        }
        let first = try run()
        let second = try run()
        #expect(first.0 == second.0)
        #expect(first.1 == second.1)
        #expect(first.0.count > 60)
    }
}
