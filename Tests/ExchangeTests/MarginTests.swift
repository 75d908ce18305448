import Exchange
import TapeCore
import Testing

@Suite("Margin, leverage, liquidation and funding against the Digitex examples")
struct MarginTests {
    @Test("changing leverage from 5 to 10 halves the margins and moves the prices as in seq_change_leverage")
    func leverageChange() {
        var (exchange, t) = digitex()
        _ = exchange.setLeverage(5, account: t[1], instrument: InstrumentID(0), at: .zero)
        _ = exchange.submit(.limit(.sell, 25, at: usd(12_260)), account: t[0], at: seconds(1))
        _ = exchange.submit(.market(.buy, 25), account: t[1], at: seconds(2))
        _ = exchange.submit(.limit(.buy, 70, at: usd(12_000), .goodTillFunding), account: t[1], at: seconds(3))
        // traderStatus at 5×: paidPx 2452, positionMargin 1226 = 2452 × 25 × 0.02,
        // liquidationPx 11035 (12260 − 1226 = 11034 → up to the tick), bankruptcyPx 9808,
        // orderMargin 3360 = 12000 / 5 × 70 × 0.02.
        var position = exchange.position(of: t[1])!
        #expect(position.margin == dgtx(1_226))
        #expect(position.orderMargin == dgtx(3_360))
        #expect(position.liquidationPrice.units == usd(11_035))
        #expect(position.bankruptcyPrice.units == usd(9_808))
        let events = exchange.setLeverage(10, account: t[1], instrument: InstrumentID(0), at: seconds(4))
        #expect(events == [.leverageChanged(t[1], InstrumentID(0), leverage: 10)])
        // The leverage push at 10×: positionMargin 613, orderMargin 1680, paidPx 1226,
        // liquidationPx 11650 (12260 − 613 = 11647 → 11650), bankruptcyPx 11034.
        position = exchange.position(of: t[1])!
        #expect(position.margin == dgtx(613))
        #expect(position.orderMargin == dgtx(1_680))
        #expect(position.liquidationPrice.units == usd(11_650))
        #expect(position.bankruptcyPrice.units == usd(11_034))
        #expect(exchange.account(t[1])!.available == dgtx(100_000 - 613 - 1_680))
    }

    @Test("a leverage change the balance cannot cover is rejected and changes nothing")
    func leverageRejected() {
        var (exchange, t) = digitex(deposit: 400)
        _ = exchange.submit(.limit(.sell, 25, at: usd(12_260)), account: t[0], at: seconds(1))
        _ = exchange.submit(.market(.buy, 25), account: t[1], at: seconds(2))  // 20×: margin 6130 / 20 = 306.5 DGTX
        let before = exchange.position(of: t[1])!
        #expect(before.quantity == 25)
        // At 1× the margin would be 12260 × 25 × 0.02 = 6130 DGTX; 400 is deposited.
        let events = exchange.setLeverage(1, account: t[1], instrument: InstrumentID(0), at: seconds(3))
        #expect(events.rejections.count == 1)
        #expect(exchange.position(of: t[1]) == before)
    }

    @Test("a short is liquidated when the mark rises to its liquidation price")
    func shortLiquidation() {
        var (exchange, t) = digitex()
        _ = exchange.setLeverage(10, account: t[1], instrument: InstrumentID(0), at: .zero)
        _ = exchange.submit(.limit(.buy, 10, at: usd(10_000)), account: t[0], at: seconds(1))
        _ = exchange.submit(.market(.sell, 10), account: t[1], at: seconds(2))
        // 10 short at 10000, 10×: paidPx 1000, margin 10000 × 10 × 0.02 / 10 = 200 DGTX;
        // liquidation 10000 + 1000 − 500 = 10500 (down to the tick), bankruptcy 11000.
        let position = exchange.position(of: t[1])!
        #expect(position.liquidationPrice.units == usd(10_500))
        #expect(position.bankruptcyPrice.units == usd(11_000))
        #expect(exchange.updateMarkPrice(Price(units: usd(10_495)), at: seconds(3)).count == 1)
        let events = exchange.updateMarkPrice(Price(units: usd(10_500)), at: seconds(4))
        let liquidation = events.compactMap { if case .liquidation(let l) = $0 { return l } else { return nil } }.first
        #expect(liquidation?.position == -10)
        #expect(liquidation?.realized == dgtx(-200))
        #expect(exchange.account(t[1])!.balance == dgtx(99_800))
        // No bids left for the insurance account to buy from: it keeps the short.
        #expect(exchange.position(of: .insurance)!.quantity == -10)
    }

    @Test("funding rounds payers up and receivers down and gives the remainder to insurance")
    func fundingRemainder() {
        var (exchange, t) = digitex()
        _ = exchange.submit(.limit(.sell, 1, at: usd(12_345)), account: t[0], at: seconds(1))
        _ = exchange.submit(.market(.buy, 1), account: t[1], at: seconds(2))
        _ = exchange.updateMarkPrice(Price(units: usd(12_345)), at: seconds(3))
        exchange.setFundingRate(Rate(perHundredMillion: 3))
        let events = exchange.advanceTime(to: seconds(8 * 3_600))
        // 12345 × 1 × 0.02 = 246.9 DGTX = 24,690,000,000 minor; × 3 / 10⁸ = 740.7 minor.
        let amounts = events.compactMap { if case .funding(let p) = $0 { return p.amount.minor } else { return nil } }
        #expect(amounts == [740, -741])
        #expect(exchange.account(.insurance)!.balance == Cash(minor: 1))
    }

    @Test("at a funding instant, GTF orders expire before the funding is paid")
    func expiryBeforeFunding() {
        var (exchange, t) = digitex()
        _ = exchange.submit(.limit(.sell, 1, at: usd(10_000)), account: t[0], at: seconds(1))
        _ = exchange.submit(.market(.buy, 1), account: t[1], at: seconds(2))
        _ = exchange.submit(.limit(.buy, 1, at: usd(9_000), .goodTillFunding), account: t[1], at: seconds(3))
        _ = exchange.updateMarkPrice(Price(units: usd(10_000)), at: seconds(4))
        exchange.setFundingRate(Rate(perHundredMillion: 10_000))
        let events = exchange.advanceTime(to: seconds(9 * 3_600))
        guard events.count == 3, case .orderCancelled(_, .expired) = events[0], case .funding = events[1], case .funding = events[2] else {
            Issue.record("expected expiry, then two fundings; got \(events)")
            return
        }
    }

    @Test("a maker rebate is paid out of the fee pool")
    func makerRebate() {
        var spec = InstrumentSpec.linearBTCUSD
        spec.makerFee = Rate.basisPoints(-1)
        var exchange = Exchange(config: ExchangeConfig(instruments: [spec], checksInvariants: true))
        let maker = exchange.openAccount(deposit: Cash(units: 10_000))
        let taker = exchange.openAccount(deposit: Cash(units: 10_000))
        _ = exchange.submit(.limit(.sell, 1_000, at: 5_000_000), account: maker, at: seconds(1))
        let trade = exchange.submit(.market(.buy, 1_000), account: taker, at: seconds(2)).trades[0]
        // 50,000 USD notional: rebate −1 bp = −5 USD, taker 5 bp = 25 USD, pool 20 USD.
        #expect(trade.makerFee == Cash(units: -5))
        #expect(exchange.account(maker)!.balance == Cash(units: 10_005))
        #expect(exchange.feesCollected == Cash(units: 20))
    }
}
