import Exchange
import Simulators
import TapeCore
import Testing
import Venues

private let c1 = ConnectionID(1)
private let c2 = ConnectionID(2)

@Suite("Digitex simulator")
struct DigitexSimulatorTests {
    private func text(_ action: SimulatorAction) -> String? {
        if case .send(_, .text, let bytes) = action { return String(decoding: bytes, as: UTF8.self) }
        return nil
    }

    @Test("a connection gets an idle timer; a good token is answered with tradingStatus, a bad one with 10501")
    func authentication() {
        var simulator = DigitexSimulator(seed: 7, configuration: .init(credentials: [SimulatorCredentials(key: "good", secret: "")]))
        let opened = simulator.connected(c1, target: "/", headers: [], at: .seconds(1))
        #expect(opened == [.scheduleTimer(SimulatorTimer(c1, .idle), at: .seconds(91))])
        let bad = simulator.receivedFrame(c1, .text, Array(#"{"id":2,"method":"auth","params":{"type":"token","value":"nope"}}"#.utf8), at: .seconds(2))
        #expect(bad.compactMap(text) == [#"{"id":2,"status":"error","code":10501,"msg":"invalid credentials"}"#])
        let good = simulator.receivedFrame(c1, .text, Array(#"{"id":3,"method":"auth","params":{"type":"token","value":"good"}}"#.utf8), at: .seconds(3))
        #expect(good.compactMap(text) == [#"{"ch":"tradingStatus","data":{"available":true}}"#])
        let again = simulator.receivedFrame(c1, .text, Array(#"{"id":4,"method":"auth","params":{"type":"token","value":"good"}}"#.utf8), at: .seconds(4))
        #expect(again.compactMap(text) == [#"{"id":4,"status":"error","code":3014,"msg":"already authorized"}"#])
    }

    @Test("trading before auth is refused with 3013; text ping gets pong")
    func notAuthorized() {
        var simulator = DigitexSimulator(seed: 7)
        _ = simulator.connected(c1, target: "/", headers: [], at: .seconds(1))
        let order = #"{"id":5,"method":"getTraderStatus","params":{"symbol":"BTCUSD-PERP"}}"#
        let refused = simulator.receivedFrame(c1, .text, Array(order.utf8), at: .seconds(1))
        #expect(refused.compactMap(text) == [#"{"id":5,"status":"error","code":3013,"msg":"not authorized: send auth first"}"#])
        #expect(simulator.receivedFrame(c1, .text, Array("ping".utf8), at: .seconds(2)) == [.send(c1, .text, Array("pong".utf8))])
    }

    @Test("malformed JSON is a general error, an unknown method is answered by id, a binary frame is refused")
    func badInput() {
        var simulator = DigitexSimulator(seed: 7)
        _ = simulator.connected(c1, target: "/", headers: [], at: .seconds(1))
        let broken = simulator.receivedFrame(c1, .text, Array(#"{"id":1,"method":"#.utf8), at: .seconds(1)).compactMap(text)
        #expect(broken.count == 1 && broken[0].hasPrefix(#"{"ch":"error","data":{"code":3001,"msg":"bad request"#))
        let unknown = simulator.receivedFrame(c1, .text, Array(#"{"id":9,"method":"fly","params":{}}"#.utf8), at: .seconds(1)).compactMap(text)
        #expect(unknown.count == 1 && unknown[0].hasPrefix(#"{"id":9,"status":"error","code":3011"#))
        let binary = simulator.receivedFrame(c1, .binary, [1, 2, 3], at: .seconds(1)).compactMap(text)
        #expect(binary.count == 1 && binary[0].hasPrefix(#"{"ch":"error","data":{"code":3001"#))
    }

    @Test("the eleventh request within one second gets code 35 while another connection keeps working")
    func rateLimit() {
        var simulator = DigitexSimulator(seed: 7)
        _ = simulator.connected(c1, target: "/", headers: [], at: .seconds(1))
        _ = simulator.connected(c2, target: "/", headers: [], at: .seconds(1))
        let request = Array(#"{"id":1,"method":"subscriptions","params":[]}"#.utf8)
        var answers: [String] = []
        for step in 0..<12 {
            answers += simulator.receivedFrame(c1, .text, request, at: .milliseconds(1_000 + Int64(step))).compactMap(text)
        }
        let limited = answers.filter { $0.contains(#""code":35"#) }.count
        #expect(limited == 2)
        #expect(simulator.receivedFrame(c2, .text, request, at: .milliseconds(1_020)).compactMap(text) == [#"{"id":1,"status":"ok","result":[]}"#])
        // A second later the window has moved on.
        #expect(simulator.receivedFrame(c1, .text, request, at: .milliseconds(2_011)).compactMap(text) == [#"{"id":1,"status":"ok","result":[]}"#])
    }

    @Test("a connection that sends nothing for the idle timeout is closed with 1001")
    func idle() {
        var simulator = DigitexSimulator(seed: 7, configuration: .init(idleTimeout: .seconds(10)))
        _ = simulator.connected(c1, target: "/", headers: [], at: .seconds(0))
        _ = simulator.receivedFrame(c1, .text, Array("ping".utf8), at: .seconds(6))
        #expect(simulator.timerFired(SimulatorTimer(c1, .idle), at: .seconds(10)) == [.scheduleTimer(SimulatorTimer(c1, .idle), at: .seconds(16))])
        #expect(simulator.timerFired(SimulatorTimer(c1, .idle), at: .seconds(16)) == [.close(c1, CloseInfo(code: 1001, reason: "idle for 10.0 s"))])
    }

    @Test("subscriptions are acknowledged, listed and fed; an unknown contract is refused")
    func publicFeed() {
        var harness = DigitexHarness()
        harness.connect(c1, token: nil)
        harness.submit(.subscribe(["BTCUSD-PERP@orderbook_5", "BTCUSD-PERP@trades", "BTCUSD-PERP@ticker", "BTCUSD-PERP@index"]), on: c1)
        #expect(harness.last(c1) == #"{"id":1,"status":"ok"}"#)
        harness.submit(.subscribe(["ETHUSD-PERP@trades"]), on: c1)
        #expect(harness.last(c1) == #"{"id":2,"status":"error","code":3003,"msg":"contract not found"}"#)
        harness.advance(to: .seconds(5))
        let events = harness.events[c1] ?? []
        let books = events.filter { if case .bookSnapshot(let book) = $0 { book.bids.count == 5 && book.asks.count == 5 } else { false } }.count
        let trades = events.filter { if case .trades = $0 { true } else { false } }.count
        let tickers = events.filter { if case .ticker = $0 { true } else { false } }.count
        let unrecognised = events.filter { if case .unrecognised = $0 { true } else { false } }.count
        #expect(books > 10 && trades > 0 && tickers > 0 && unrecognised == 0)
    }

    @Test("a client trades against generated liquidity and ends with the account the exchange holds")
    func trading() {
        var harness = DigitexHarness()
        harness.connect(c1, token: "alice")
        #expect(harness.clients[c1]!.isAuthenticated && harness.clients[c1]!.account.tradingAvailable)
        harness.advance(to: .seconds(3))
        let (bid, ask) = harness.simulator.market.exchange.bestBidAsk()
        guard let bid, let ask else {
            Issue.record("the generated book is empty")
            return
        }
        func usd(_ price: Price) -> FixedDecimal { FixedDecimal(mantissa: price.units, scale: 4).normalized }
        let buy = DigitexOrderRequest(symbol: "BTCUSD-PERP", clOrdId: "m1", type: .market, timeInForce: .immediateOrCancel,
                                      side: .buy, price: nil, quantity: 10)
        harness.submit(.placeOrder(buy), on: c1)
        let resting = DigitexOrderRequest(symbol: "BTCUSD-PERP", clOrdId: "l1", type: .limit, timeInForce: .goodTillCancelled,
                                          side: .buy, price: usd(Price(units: bid.units - 20 * 50_000)), quantity: 5)
        harness.submit(.placeOrder(resting), on: c1)
        let above = DigitexOrderRequest(symbol: "BTCUSD-PERP", clOrdId: "l2", type: .limit, timeInForce: .goodTillCancelled,
                                        side: .sell, price: usd(Price(units: ask.units + 20 * 50_000)), quantity: 3)
        harness.submit(.placeOrder(above), on: c1)
        #expect(harness.disagreements(c1, token: "alice") == [])
        #expect(harness.clients[c1]!.account.openOrders.count == 2)
        #expect(harness.clients[c1]!.account.positions.first?.side == .long)
        harness.submit(.cancelOrder(symbol: "BTCUSD-PERP", clOrdId: "l2"), on: c1)
        harness.submit(.changeLeverageAll(symbol: "BTCUSD-PERP", leverage: 10), on: c1)
        harness.submit(.getTraderStatus(symbol: "BTCUSD-PERP"), on: c1)
        #expect(harness.disagreements(c1, token: "alice") == [])
        harness.advance(to: .seconds(120))
        harness.submit(.getTraderStatus(symbol: "BTCUSD-PERP"), on: c1)
        #expect(harness.disagreements(c1, token: "alice") == [])
        harness.submit(.closePosition(symbol: "BTCUSD-PERP", type: .market, price: nil), on: c1)
        harness.submit(.cancelAllOrders(symbol: "BTCUSD-PERP", side: nil, price: nil), on: c1)
        #expect(harness.disagreements(c1, token: "alice") == [])
        #expect(harness.clients[c1]!.account.openOrders.isEmpty)
        let anomalies = (harness.events[c1] ?? []).filter {
            switch $0 {
            case .anomaly, .unrecognised, .commandRejected: true
            default: false
            }
        }
        #expect(anomalies.isEmpty, "\(anomalies.prefix(3))")
    }

    @Test("invalid orders are rejected with Digitex codes; unknown ids get 10; duplicate ids get 3")
    func rejections() {
        var harness = DigitexHarness()
        harness.connect(c1, token: "bob")
        harness.advance(to: .seconds(2))
        let offTick = DigitexOrderRequest(symbol: "BTCUSD-PERP", clOrdId: "x1", type: .limit, timeInForce: .goodTillCancelled,
                                          side: .buy, price: FixedDecimal("9001")!, quantity: 1)
        harness.submit(.placeOrder(offTick), on: c1)
        #expect(harness.last(c1).contains(#""orderStatus":"REJECTED""#) && harness.last(c1).contains(#""errCode":19"#))
        let huge = DigitexOrderRequest(symbol: "BTCUSD-PERP", clOrdId: "x2", type: .limit, timeInForce: .goodTillCancelled,
                                       side: .buy, price: 5_000, quantity: 99_999)
        harness.submit(.placeOrder(huge), on: c1)
        #expect(harness.last(c1).contains(#""errCode":27"#))
        harness.submit(.cancelOrder(symbol: "BTCUSD-PERP", clOrdId: "nothing"), on: c1)
        #expect(harness.last(c1).contains(#""code":10"#))
        let small = DigitexOrderRequest(symbol: "BTCUSD-PERP", clOrdId: "x3", type: .limit, timeInForce: .goodTillCancelled,
                                        side: .buy, price: 5_000, quantity: 1)
        harness.submit(.placeOrder(small), on: c1)
        harness.sendRaw(#"{"id":77,"method":"placeOrder","params":{"symbol":"BTCUSD-PERP","clOrdId":"x3","ordType":"LIMIT","timeInForce":"GTC","side":"BUY","px":5000,"qty":1}}"#, on: c1)
        #expect(harness.last(c1) == #"{"id":77,"status":"error","code":3,"msg":"ID already exists"}"#)
        harness.submit(.closePosition(symbol: "BTCUSD-PERP", type: .market, price: nil), on: c1)
        #expect(harness.last(c1).contains(#""code":36"#))
        harness.submit(.changeLeverageAll(symbol: "BTCUSD-PERP", leverage: 1_000), on: c1)
        #expect(harness.last(c1).contains(#""code":18"#))
        #expect(harness.disagreements(c1, token: "bob") == [])
    }

    @Test("conditional orders are accepted, cancelled and fire when the index crosses")
    func conditional() {
        var harness = DigitexHarness()
        harness.connect(c1, token: "carol")
        harness.advance(to: .seconds(2))
        let index = harness.simulator.market.exchange.prices().index!
        func usd(_ units: Int64) -> FixedDecimal { FixedDecimal(mantissa: units, scale: 4).normalized }
        let far = DigitexConditionalOrderRequest(
            actionId: "a1", triggerPriceType: "SPOT_PRICE", condition: .lessOrEqual, triggerPrice: usd(index.units / 2),
            order: DigitexOrderRequest(symbol: "BTCUSD-PERP", clOrdId: "c1", type: .market, timeInForce: .immediateOrCancel,
                                       side: .buy, price: nil, quantity: 2), mayIncreasePosition: true)
        harness.submit(.placeConditionalOrder(far), on: c1)
        #expect(harness.clients[c1]!.account.conditionalOrders.count == 1)
        harness.submit(.cancelConditionalOrder(symbol: "BTCUSD-PERP", actionId: "a1", allForTrader: false), on: c1)
        #expect(harness.clients[c1]!.account.conditionalOrders.isEmpty)
        var now = harness.simulator.market.exchange.prices().index!
        now = Price(units: now.units - now.units % 50_000)
        let near = DigitexConditionalOrderRequest(
            actionId: "a2", triggerPriceType: "SPOT_PRICE", condition: .greaterOrEqual, triggerPrice: usd(now.units - 50_000 * 100),
            order: DigitexOrderRequest(symbol: "BTCUSD-PERP", clOrdId: "c2", type: .market, timeInForce: .immediateOrCancel,
                                       side: .buy, price: nil, quantity: 2), mayIncreasePosition: true)
        harness.submit(.placeConditionalOrder(near), on: c1)
        #expect(harness.clients[c1]!.account.conditionalOrders.isEmpty)
        #expect(harness.disagreements(c1, token: "carol") == [])
        #expect(harness.clients[c1]!.account.positions.first?.side == .long)
    }

    @Test("the same seed and the same events give the same frames")
    func determinism() {
        func run() -> [String] {
            var harness = DigitexHarness(seed: 11)
            harness.connect(c1, token: "dave")
            harness.submit(.subscribe(["BTCUSD-PERP@orderbook_5", "BTCUSD-PERP@trades"]), on: c1)
            harness.advance(to: .seconds(3))
            let buy = DigitexOrderRequest(symbol: "BTCUSD-PERP", clOrdId: "d1", type: .market, timeInForce: .immediateOrCancel,
                                          side: .sell, price: nil, quantity: 4)
            harness.submit(.placeOrder(buy), on: c1)
            harness.advance(to: .seconds(6))
            return harness.received[c1] ?? []
        }
        let first = run()
        let second = run()
        let same = first == second
        #expect(same && first.count > 100)
    }
}
