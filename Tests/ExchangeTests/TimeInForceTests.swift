import Exchange
import TapeCore
import Testing

@Suite("Time in force, amendments and cancellations")
struct TimeInForceTests {
    @Test("an IOC order fills what it can and its remainder is cancelled, not rested")
    func immediateOrCancel() {
        var (exchange, t) = digitex()
        _ = exchange.submit(.limit(.sell, 3, at: usd(10_000)), account: t[0], at: seconds(1))
        let events = exchange.submit(.limit(.buy, 5, at: usd(10_000), .immediateOrCancel), account: t[1], at: seconds(2))
        #expect(events.trades.map(\.quantity.lots) == [3])
        #expect(events.cancellations.count == 1)
        #expect(events.cancellations.first?.0.remaining.lots == 2)
        #expect(events.cancellations.first?.1 == .immediateOrCancelRemainder)
        #expect(exchange.depth(.buy, levels: 5).isEmpty)
    }

    @Test("a FOK order that cannot fill entirely trades nothing and leaves the book as it was")
    func fillOrKill() {
        var (exchange, t) = digitex()
        _ = exchange.submit(.limit(.sell, 3, at: usd(10_000)), account: t[0], at: seconds(1))
        _ = exchange.submit(.limit(.sell, 3, at: usd(10_005)), account: t[0], at: seconds(1))
        let killed = exchange.submit(.limit(.buy, 7, at: usd(10_005), .fillOrKill), account: t[1], at: seconds(2))
        #expect(killed.trades.isEmpty)
        #expect(killed.cancellations.first?.1 == .fillOrKillUnfilled)
        #expect(exchange.depth(.sell, levels: 5).map(\.quantity.lots) == [3, 3])
        let filled = exchange.submit(.limit(.buy, 6, at: usd(10_005), .fillOrKill), account: t[1], at: seconds(3))
        #expect(filled.trades.map(\.quantity.lots) == [3, 3])
        #expect(filled.trades.map(\.price.units) == [usd(10_000), usd(10_005)])
        #expect(filled.cancellations.isEmpty)
    }

    @Test("GTF expires at the next funding, GFD at the next midnight UTC, GTD at its date")
    func expiry() {
        var (exchange, t) = digitex()
        let gtf = exchange.submit(.limit(.buy, 1, at: usd(9_000), .goodTillFunding), account: t[0], at: seconds(3_600)).acceptedIDs[0]
        let gfd = exchange.submit(.limit(.buy, 1, at: usd(9_005), .goodForDay), account: t[0], at: seconds(3_600)).acceptedIDs[0]
        let gtd = exchange.submit(.limit(.buy, 1, at: usd(9_010), .goodTillDate(seconds(5_000))), account: t[0], at: seconds(3_600)).acceptedIDs[0]
        let early = exchange.advanceTime(to: seconds(4_999))
        #expect(early.isEmpty)
        let atDate = exchange.advanceTime(to: seconds(5_000))
        #expect(atDate.cancellations.map(\.0.id) == [gtd])
        let atFunding = exchange.advanceTime(to: seconds(8 * 3_600))
        #expect(atFunding.cancellations.map(\.0.id) == [gtf])
        #expect(atFunding.cancellations.first?.1 == .expired)
        #expect(exchange.order(gfd) != nil)
        let atMidnight = exchange.advanceTime(to: seconds(24 * 3_600 + 1))
        #expect(atMidnight.cancellations.map(\.0.id) == [gfd])
        #expect(exchange.openOrders(of: t[0]).isEmpty)
        let late = exchange.submit(.limit(.buy, 1, at: usd(9_000), .goodTillDate(seconds(10))), account: t[0], at: seconds(90_000))
        #expect(late.rejections == [.alreadyExpired])
    }

    @Test("amending down keeps priority; amending the price sends the order to the back")
    func amendPriority() {
        var (exchange, t) = digitex()
        let first = exchange.submit(.limit(.buy, 5, at: usd(9_000)), account: t[0], at: seconds(1)).acceptedIDs[0]
        let second = exchange.submit(.limit(.buy, 5, at: usd(9_000)), account: t[1], at: seconds(2)).acceptedIDs[0]
        let smaller = exchange.amend(first, account: t[0], quantity: Quantity(lots: 2), at: seconds(3))
        #expect(smaller == [.orderAmended(exchange.order(first)!, keptPriority: true)])
        var sold = exchange.submit(.market(.sell, 1), account: t[2], at: seconds(4))
        #expect(sold.trades.first?.maker == first)
        let moved = exchange.amend(first, account: t[0], price: Price(units: usd(8_995)), at: seconds(5))
        #expect(moved.count == 1)
        _ = exchange.amend(first, account: t[0], price: Price(units: usd(9_000)), at: seconds(6))
        sold = exchange.submit(.market(.sell, 1), account: t[2], at: seconds(7))
        #expect(sold.trades.first?.maker == second)
        // Larger quantity at the same price also loses priority.
        _ = exchange.amend(second, account: t[1], quantity: Quantity(lots: 9), at: seconds(8))
        sold = exchange.submit(.market(.sell, 1), account: t[2], at: seconds(9))
        #expect(sold.trades.first?.maker == first)
    }

    @Test("an amendment that crosses the book trades at once under the same order id")
    func amendCrosses() {
        var (exchange, t) = digitex()
        _ = exchange.submit(.limit(.sell, 2, at: usd(9_100)), account: t[0], at: seconds(1))
        let bid = exchange.submit(.limit(.buy, 3, at: usd(9_000)), account: t[1], at: seconds(2)).acceptedIDs[0]
        let events = exchange.amend(bid, account: t[1], price: Price(units: usd(9_100)), at: seconds(3))
        #expect(events.trades.map(\.taker) == [bid])
        #expect(exchange.order(bid)?.remaining.lots == 1)
        #expect(exchange.order(bid)?.filled.lots == 2)
    }

    @Test("cancel-all by side and by price cancels only the matching orders of that account")
    func cancelAll() {
        var (exchange, t) = digitex()
        _ = exchange.submit(.limit(.buy, 1, at: usd(9_000)), account: t[0], at: seconds(1))
        _ = exchange.submit(.limit(.buy, 1, at: usd(9_005)), account: t[0], at: seconds(1))
        _ = exchange.submit(.limit(.sell, 1, at: usd(9_100)), account: t[0], at: seconds(1))
        _ = exchange.submit(.limit(.buy, 1, at: usd(9_000)), account: t[1], at: seconds(1))
        let byPrice = exchange.cancelAll(account: t[0], instrument: InstrumentID(0), side: .buy, price: Price(units: usd(9_000)), at: seconds(2))
        #expect(byPrice.cancellations.map(\.0.price?.units) == [usd(9_000)])
        let bySide = exchange.cancelAll(account: t[0], instrument: InstrumentID(0), side: .buy, at: seconds(3))
        #expect(bySide.cancellations.map(\.0.price?.units) == [usd(9_005)])
        #expect(exchange.openOrders(of: t[0]).map(\.side) == [.sell])
        #expect(exchange.openOrders(of: t[1]).count == 1)
    }

    @Test("bad requests are rejected with a reason and change nothing")
    func rejections() {
        var (exchange, t) = digitex(deposit: 100)
        #expect(exchange.submit(.limit(.buy, 1, at: usd(9_001)), account: t[0], at: seconds(1)).rejections == [.invalidPrice])
        #expect(exchange.submit(.limit(.buy, 0, at: usd(9_000)), account: t[0], at: seconds(1)).rejections == [.invalidQuantity])
        #expect(exchange.cancel(OrderID(999), account: t[0], at: seconds(1)).rejections == [.unknownOrder])
        #expect(exchange.submit(.market(.buy, 1), account: AccountID(99), at: seconds(1)).rejections == [.unknownAccount])
        #expect(exchange.setLeverage(101, account: t[0], instrument: InstrumentID(0), at: seconds(1)).rejections == [.invalidLeverage])
        // 100 lots at 9000 with 20× need 9000 × 100 × 0.02 / 20 = 900 DGTX; the account has 100.
        let poor = exchange.submit(.limit(.buy, 100, at: usd(9_000)), account: t[0], at: seconds(1)).rejections
        #expect(poor == [.insufficientMargin(required: dgtx(900), available: dgtx(100))])
        let mine = exchange.submit(.limit(.buy, 1, at: usd(9_000)), account: t[0], at: seconds(2)).acceptedIDs[0]
        #expect(exchange.cancel(mine, account: t[1], at: seconds(3)).rejections == [.unknownOrder])
        #expect(exchange.submit(OrderRequest(side: .sell, kind: .market, quantity: Quantity(lots: 1), reduceOnly: true),
                                account: t[0], at: seconds(4)).rejections == [.nothingToReduce])
    }

    @Test("an order meeting its own account's resting order cancels the resting one")
    func selfTradePrevention() {
        var (exchange, t) = digitex()
        let own = exchange.submit(.limit(.sell, 1, at: usd(9_000)), account: t[0], at: seconds(1)).acceptedIDs[0]
        _ = exchange.submit(.limit(.sell, 1, at: usd(9_005)), account: t[1], at: seconds(1))
        let events = exchange.submit(.market(.buy, 1), account: t[0], at: seconds(2))
        #expect(events.cancellations.map(\.0.id) == [own])
        #expect(events.cancellations.first?.1 == .selfTradePrevention)
        #expect(events.trades.first?.makerAccount == t[1])
    }
}

@Suite("Market orders")
struct MarketOrderTests {
    @Test("a market FOK order stays all-or-nothing; a market GTC order never rests")
    func marketTimeInForce() {
        var (exchange, t) = digitex()
        _ = exchange.submit(.limit(.sell, 3, at: usd(10_000)), account: t[0], at: seconds(1))
        let fok = OrderRequest(side: .buy, kind: .market, quantity: Quantity(lots: 4), timeInForce: .fillOrKill)
        let killed = exchange.submit(fok, account: t[1], at: seconds(2))
        #expect(killed.trades.isEmpty && killed.cancellations.first?.1 == .fillOrKillUnfilled)
        let gtc = OrderRequest(side: .buy, kind: .market, quantity: Quantity(lots: 4), timeInForce: .goodTillCancelled)
        let events = exchange.submit(gtc, account: t[1], at: seconds(3))
        #expect(events.trades.map(\.quantity.lots) == [3])
        #expect(events.cancellations.first?.1 == .immediateOrCancelRemainder)
        #expect(exchange.openOrders(of: t[1]).isEmpty)
    }
}
