import Exchange
import TapeCore
import Testing

@Suite("Conditional orders")
struct TriggerTests {
    @Test("a stop-loss on the index price fires when the condition holds and closes the position")
    func stopLoss() {
        var (exchange, t) = digitex()
        _ = exchange.submit(.limit(.sell, 10, at: usd(9_200)), account: t[0], at: seconds(1))
        _ = exchange.submit(.market(.buy, 10), account: t[1], at: seconds(2))
        _ = exchange.submit(.limit(.buy, 10, at: usd(9_100)), account: t[2], at: seconds(3))
        let stop = OrderRequest(side: .sell, kind: .market, quantity: Quantity(lots: 10), reduceOnly: true)
        let placed = exchange.placeTrigger(stop, when: .indexPrice, is: .lessOrEqual, Price(units: usd(9_105)), account: t[1], at: seconds(4))
        #expect(placed.count == 1)
        #expect(exchange.waitingTriggers.count == 1)
        #expect(exchange.updateIndexPrice(Price(units: usd(9_110)), at: seconds(5)).count == 1)
        let events = exchange.updateIndexPrice(Price(units: usd(9_105)), at: seconds(6))
        guard case .triggerFired(_, let price) = events[1] else {
            Issue.record("expected the trigger to fire, got \(events)")
            return
        }
        #expect(price.units == usd(9_105))
        #expect(events.trades.map(\.price.units) == [usd(9_100)])
        #expect(exchange.position(of: t[1])!.quantity == 0)
        #expect(exchange.waitingTriggers.isEmpty)
    }

    @Test("a last-price trigger fires from a trade, and a cancelled trigger never fires")
    func lastPrice() {
        var (exchange, t) = digitex()
        let buy = OrderRequest.limit(.buy, 1, at: usd(9_300))
        _ = exchange.placeTrigger(buy, when: .lastPrice, is: .greaterOrEqual, Price(units: usd(9_300)), account: t[2], at: seconds(1))
        let cancelled = exchange.placeTrigger(buy, when: .lastPrice, is: .greaterOrEqual, Price(units: usd(9_300)), account: t[2], at: seconds(1))
        guard case .triggerAccepted(let second) = cancelled[0] else { Issue.record("not accepted: \(cancelled)"); return }
        #expect(exchange.cancelTrigger(second.id, account: t[2], at: seconds(2)).count == 1)
        _ = exchange.submit(.limit(.sell, 5, at: usd(9_300)), account: t[0], at: seconds(3))
        let events = exchange.submit(.market(.buy, 1), account: t[1], at: seconds(4))
        let fired = events.filter { if case .triggerFired = $0 { return true } else { return false } }
        #expect(fired.count == 1)
        #expect(events.trades.map(\.takerAccount) == [t[1], t[2]])
        #expect(exchange.cancelTrigger(second.id, account: t[2], at: seconds(5)).rejections == [.unknownTrigger])
    }
}
