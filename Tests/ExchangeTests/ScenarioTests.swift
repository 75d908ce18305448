import Exchange
import TapeCore
import Testing

@Suite("Exchange scenarios computed by hand (Digitex BTCUSD-PERP: 0.02 DGTX per USD per contract)")
struct ScenarioTests {
    @Test("a partial fill leaves the rest of the maker in the book and locks the taker's margin")
    func partialFill() {
        var (exchange, t) = digitex()
        _ = exchange.setLeverage(5, account: t[1], instrument: InstrumentID(0), at: .zero)
        let ask = exchange.submit(.limit(.sell, 10, at: usd(12_250)), account: t[0], at: seconds(1))
        let events = exchange.submit(.market(.buy, 4), account: t[1], at: seconds(2))
        let trades = events.trades
        #expect(trades.count == 1)
        #expect(trades[0].price.units == usd(12_250))
        #expect(trades[0].quantity.lots == 4)
        #expect(trades[0].maker == ask.acceptedIDs[0])
        #expect(trades[0].makerRemaining.lots == 6)
        #expect(trades[0].takerPosition == 4 && trades[0].makerPosition == -4)
        #expect(exchange.order(ask.acceptedIDs[0])?.remaining.lots == 6)
        #expect(exchange.depth(.sell, levels: 1).first?.quantity.lots == 6)
        // Margin at 5×: 12250 × 4 × 0.02 / 5 = 196 DGTX (Digitex: 10 lots at 12250, 5× → 490).
        let position = exchange.position(of: t[1])!
        #expect(position.margin == dgtx(196))
        #expect(position.entryNotional == dgtx(980))
        #expect(exchange.account(t[1])!.available == dgtx(100_000 - 196))
    }

    @Test("a fill larger than the position flips it from long to short and realises the close")
    func flip() {
        var (exchange, t) = digitex()
        _ = exchange.setLeverage(5, account: t[1], instrument: InstrumentID(0), at: .zero)
        _ = exchange.submit(.limit(.sell, 4, at: usd(12_250)), account: t[0], at: seconds(1))
        _ = exchange.submit(.market(.buy, 4), account: t[1], at: seconds(2))
        _ = exchange.submit(.limit(.buy, 10, at: usd(12_300)), account: t[2], at: seconds(3))
        let events = exchange.submit(.market(.sell, 10), account: t[1], at: seconds(4))
        #expect(events.trades.count == 1)
        // Close 4 bought at 12250 by selling at 12300: (12300 − 12250) × 4 × 0.02 = 4 DGTX.
        #expect(events.trades[0].takerRealized == dgtx(4))
        #expect(events.trades[0].takerPosition == -6)
        let position = exchange.position(of: t[1])!
        #expect(position.quantity == -6)
        // The new short: entry 12300 × 6 × 0.02 = 1476 DGTX; margin at 5× = 295.2 DGTX.
        #expect(position.entryNotional == dgtx(1_476))
        #expect(position.margin == dgtx(2_952, decimals: 1))
        #expect(position.averageEntryPrice.units == usd(12_300))
        #expect(exchange.account(t[1])!.balance == dgtx(100_004))
    }

    @Test("funding at 08:00 UTC moves rate × mark notional from longs to shorts and out of margin")
    func funding() {
        var (exchange, t) = digitex()
        _ = exchange.setLeverage(5, account: t[1], instrument: InstrumentID(0), at: .zero)
        _ = exchange.submit(.limit(.sell, 10, at: usd(12_250)), account: t[0], at: seconds(1))
        _ = exchange.submit(.market(.buy, 10), account: t[1], at: seconds(2))
        _ = exchange.updateMarkPrice(Price(units: usd(12_250)), at: seconds(3))
        exchange.setFundingRate(Rate(perHundredMillion: 30_000))  // 0.0003
        #expect(exchange.advanceTime(to: seconds(8 * 3_600 - 1)).isEmpty)
        let events = exchange.advanceTime(to: seconds(8 * 3_600))
        let payments = events.compactMap { if case .funding(let payment) = $0 { return payment } else { return nil } }
        // 12250 × 10 × 0.02 = 2450 DGTX notional; × 0.0003 = 0.735 DGTX, long pays, short receives.
        #expect(payments.map(\.account) == [t[0], t[1]])
        #expect(payments[0].amount == dgtx(735, decimals: 3))
        #expect(payments[1].amount == dgtx(-735, decimals: 3))
        #expect(exchange.account(t[1])!.balance == dgtx(99_999_265, decimals: 3))
        // Margin 490 − 0.735 = 489.265: Digitex positionMarginChange equals the payout.
        #expect(exchange.position(of: t[1])!.margin == dgtx(489_265, decimals: 3))
        #expect(exchange.prices().nextFunding == seconds(16 * 3_600))
    }

    @Test("a long is liquidated when the mark reaches the documented liquidation price, losing its margin")
    func liquidation() {
        var (exchange, t) = digitex()
        // The Digitex orderFilled example: 25 lots at 9245 with 20× → liquidationPx 9015,
        // bankruptcyPx 8782.75. paidPx = 9245 / 20 = 462.25; 9245 − 462.25 = 8782.75;
        // 9245 − 462.25 / 2 = 9013.875, rounded up to the 5 USD tick = 9015.
        _ = exchange.submit(.limit(.sell, 25, at: usd(9_245)), account: t[0], at: seconds(1))
        _ = exchange.submit(.market(.buy, 25), account: t[1], at: seconds(2))
        let position = exchange.position(of: t[1])!
        #expect(position.liquidationPrice.units == usd(9_015))
        #expect(position.bankruptcyPrice.units == 87_827_500)
        // positionMargin 231.125 DGTX = 462.25 × 25 × 0.02, as in the example.
        #expect(position.margin == dgtx(231_125, decimals: 3))
        _ = exchange.submit(.limit(.buy, 25, at: usd(9_000)), account: t[2], at: seconds(3))
        #expect(exchange.updateMarkPrice(Price(units: usd(9_020)), at: seconds(4)).count == 1)
        let events = exchange.updateMarkPrice(Price(units: usd(9_015)), at: seconds(5))
        let liquidations = events.compactMap { if case .liquidation(let l) = $0 { return l } else { return nil } }
        #expect(liquidations.count == 1)
        #expect(liquidations.first?.realized == dgtx(-231_125, decimals: 3))
        #expect(exchange.position(of: t[1])!.quantity == 0)
        #expect(exchange.account(t[1])!.balance == dgtx(100_000_000 - 231_125, decimals: 3))
        // The insurance account took 25 lots at 8782.75 and sold them to the 9000 bid:
        // (9000 − 8782.75) × 25 × 0.02 = 108.625 DGTX.
        #expect(events.trades.count == 1)
        #expect(events.trades.first?.takerAccount == .insurance)
        #expect(exchange.account(.insurance)!.balance == dgtx(108_625, decimals: 3))
        #expect(exchange.position(of: .insurance)!.quantity == 0)
        #expect(exchange.position(of: t[2])!.quantity == 25)
    }

    @Test("maker and taker fees leave the balances and fill the fee pool (linear contract)")
    func fees() {
        var exchange = Exchange(config: ExchangeConfig(instruments: [.linearBTCUSD], checksInvariants: true))
        let maker = exchange.openAccount(deposit: Cash(units: 10_000))
        let taker = exchange.openAccount(deposit: Cash(units: 10_000))
        // 1,000 lots of 0.001 BTC at 50,000 USD = 50,000 USD notional; maker 2 bp = 10, taker 5 bp = 25.
        _ = exchange.submit(.limit(.sell, 1_000, at: 5_000_000), account: maker, at: seconds(1))
        let trade = exchange.submit(.market(.buy, 1_000), account: taker, at: seconds(2)).trades[0]
        #expect(trade.makerFee == Cash(units: 10))
        #expect(trade.takerFee == Cash(units: 25))
        #expect(exchange.feesCollected == Cash(units: 35))
        #expect(exchange.account(taker)!.balance == Cash(units: 9_975))
    }
}
