import Exchange
import TapeCore
import Testing

@Suite("Several instruments")
struct MultiInstrumentTests {
    @Test("books, positions, margins and funding stay apart per instrument")
    func separate() {
        var exchange = Exchange(config: ExchangeConfig(instruments: [.digitexBTCUSD, .linearBTCUSD], checksInvariants: true))
        let a = exchange.openAccount(deposit: Cash(units: 100_000))
        let b = exchange.openAccount(deposit: Cash(units: 100_000))
        let linear = InstrumentID(1), digitexID = InstrumentID(0)
        _ = exchange.submit(.limit(.sell, 10, at: usd(10_000)), account: a, at: seconds(1))
        _ = exchange.submit(.limit(.sell, 100, at: 5_000_000, instrument: linear), account: a, at: seconds(1))
        let events = exchange.submit(.market(.buy, 100, instrument: linear), account: b, at: seconds(2))
        #expect(events.trades.map(\.instrument) == [linear])
        #expect(exchange.position(of: b, in: linear)?.quantity == 100)
        #expect(exchange.position(of: b, in: digitexID)?.quantity == 0)
        #expect(exchange.depth(.sell, levels: 5, instrument: digitexID).map(\.quantity.lots) == [10])
        // Linear: 100 lots × 0.001 BTC × 50,000 USD = 5,000 USD at 10× → 500 USD margin.
        #expect(exchange.position(of: b, in: linear)?.margin == Cash(units: 500))
        _ = exchange.updateMarkPrice(Price(units: 5_000_000), instrument: linear, at: seconds(3))
        exchange.setFundingRate(Rate.basisPoints(1), instrument: linear)
        exchange.setFundingRate(Rate.basisPoints(1), instrument: digitexID)
        let funding = exchange.advanceTime(to: seconds(8 * 3_600))
        let payments = funding.compactMap { if case .funding(let p) = $0 { return p } else { return nil } }
        // Only the linear instrument has positions and a mark: 5,000 USD × 1 bp = 0.5 USD.
        #expect(payments.map(\.instrument) == [linear, linear])
        #expect(payments.map(\.amount) == [Cash(minor: 50_000_000), Cash(minor: -50_000_000)])
        #expect(exchange.cancelAll(account: a, instrument: InstrumentID(5), at: seconds(8 * 3_600)).rejections == [.unknownInstrument])
    }
}
