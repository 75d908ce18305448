import Exchange
import Simulators
import TapeCore
import Testing
import Venues

private let c1 = ConnectionID(1)
private let c2 = ConnectionID(2)

@Suite("Digitex simulator: maintenance, funding, expiry and the wire format")
struct DigitexSimulatorLifecycleTests {
    @Test("maintenance sends tradingStatus false, refuses trading with 3015 and keeps the public feed")
    func maintenance() {
        var harness = DigitexHarness()
        harness.connect(c1, token: "erin")
        harness.connect(c2, token: nil)
        harness.submit(.subscribe(["BTCUSD-PERP@trades"]), on: c2)
        harness.apply(harness.simulator.setTradingAvailable(false))
        #expect(harness.last(c1) == #"{"ch":"tradingStatus","data":{"available":false}}"#)
        #expect(harness.received[c2]?.contains(#"{"ch":"tradingStatus","data":{"available":false}}"#) == false)
        #expect(harness.clients[c1]!.account.tradingAvailable == false)
        // A bot that ignores the status is refused by the venue.
        harness.sendRaw(#"{"id":40,"method":"getTraderStatus","params":{"symbol":"BTCUSD-PERP"}}"#, on: c1)
        #expect(harness.last(c1) == #"{"id":40,"status":"error","code":3015,"msg":"Trading is not available"}"#)
        let before = harness.received[c2]?.count ?? 0
        harness.advance(to: .seconds(4))
        #expect((harness.received[c2]?.count ?? 0) > before)
        harness.apply(harness.simulator.setTradingAvailable(true))
        #expect(harness.clients[c1]!.account.tradingAvailable)
    }

    @Test("at the funding time a position is paid or charged and a GTF order expires; the client agrees with the exchange")
    func fundingAndExpiry() {
        // Timestamp.zero is 5 s before the 08:00 UTC funding.
        var market = MarketDataConfig()
        market.utcNanosAtZero = 8 * 3_600 * 1_000_000_000 - 5_000_000_000
        var harness = DigitexHarness(seed: 5, configuration: DigitexSimulator.Configuration(market: market))
        harness.connect(c1, token: "frank")
        harness.advance(to: .seconds(1))
        harness.submit(.placeOrder(DigitexOrderRequest(symbol: "BTCUSD-PERP", clOrdId: "f1", type: .market,
                                                       timeInForce: .immediateOrCancel, side: .sell, price: nil, quantity: 20)), on: c1)
        harness.submit(.placeOrder(DigitexOrderRequest(symbol: "BTCUSD-PERP", clOrdId: "g1", type: .limit,
                                                       timeInForce: .goodTillFunding, side: .buy, price: 5_000, quantity: 1)), on: c1)
        #expect(harness.clients[c1]!.account.openOrders.count == 1)
        harness.advance(to: .seconds(7))
        let events = harness.events[c1] ?? []
        let funded = events.contains { if case .fundingPaid(let payment) = $0 { !payment.amount.isZero } else { false } }
        let expired = events.contains { if case .orderUpdated(let order) = $0 { order.clientOrderID == "g1" && order.status == .expired } else { false } }
        #expect(funded)
        #expect(expired)
        #expect(harness.clients[c1]!.account.openOrders.isEmpty)
        #expect(harness.disagreements(c1, token: "frank") == [])
        let anomalies = events.filter { if case .anomaly = $0 { true } else if case .unrecognised = $0 { true } else { false } }
        #expect(anomalies.isEmpty, "\(anomalies.prefix(2))")
    }

    @Test("an accepted limit order is pushed in the docs' shape, with leverage once")
    func orderStatusShape() {
        var harness = DigitexHarness()
        harness.connect(c1, token: "gina")
        harness.submit(.placeOrder(DigitexOrderRequest(symbol: "BTCUSD-PERP", clOrdId: "7b17f2d9d94a477a", type: .limit,
                                                       timeInForce: .goodTillCancelled, side: .buy, price: 9_000, quantity: 25)), on: c1)
        let frames = harness.received[c1] ?? []
        #expect(frames.suffix(2).first == #"{"id":2,"status":"ok"}"#)
        #expect(frames.last == #"{"ch":"orderStatus","data":{"symbol":"BTCUSD-PERP","clOrdId":"7b17f2d9d94a477a","origClOrdId":"7b17f2d9d94a477a","timestamp":0,"openTime":0,"orderStatus":"ACCEPTED","orderType":"LIMIT","timeInForce":"GTC","orderSide":"BUY","px":9000,"paidPx":450,"qty":25,"origQty":25,"leverage":20,"traderBalance":100000,"orderMargin":225,"positionMargin":0,"upnl":0,"pnl":0,"markPx":9843.75,"positionContracts":0,"positionVolume":0,"positionLiquidationVolume":0,"positionBankruptcyVolume":0}}"#)
    }

    @Test("two traders trade with each other: both get their fill and both agree with the exchange")
    func twoTraders() {
        var harness = DigitexHarness()
        harness.connect(c1, token: "hal")
        harness.connect(c2, token: "ivy")
        // Wait (in simulated time) for a spread wider than a tick, so that hal can be the best bid alone.
        var time = Timestamp.seconds(1)
        harness.advance(to: time)
        while let bid = harness.simulator.market.exchange.bestBidAsk().bid, let ask = harness.simulator.market.exchange.bestBidAsk().ask,
              ask.units - bid.units <= 50_000, time < .seconds(60) {
            time = time + .milliseconds(10)
            harness.advance(to: time)
        }
        let price = harness.simulator.market.exchange.bestBidAsk().bid!.units + 50_000
        harness.submit(.placeOrder(DigitexOrderRequest(symbol: "BTCUSD-PERP", clOrdId: "h1", type: .limit, timeInForce: .goodTillCancelled,
                                                       side: .buy, price: FixedDecimal(mantissa: price, scale: 4).normalized, quantity: 4)), on: c1)
        harness.submit(.placeOrder(DigitexOrderRequest(symbol: "BTCUSD-PERP", clOrdId: "i1", type: .limit, timeInForce: .immediateOrCancel,
                                                       side: .sell, price: FixedDecimal(mantissa: price, scale: 4).normalized, quantity: 4)), on: c2)
        let makerFilled = (harness.events[c1] ?? []).contains { if case .orderFilled(let fill) = $0 { fill.isMaker == true } else { false } }
        #expect(makerFilled)
        #expect(harness.disagreements(c1, token: "hal") == [])
        #expect(harness.disagreements(c2, token: "ivy") == [])
    }
}
