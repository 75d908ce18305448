import TapeCore

/// A price level as a venue publishes it.
public struct BookLevel: Hashable, Sendable {
    public var price: Price
    public var quantity: Quantity
    /// How many orders rest at this price.
    public var orders: Int
}

extension Exchange {
    /// An account's balance and margins, or nil if it is not open.
    public func account(_ id: AccountID) -> AccountSnapshot? {
        guard isKnown(id) else { return nil }
        let state = accounts[Int(id.rawValue)]
        var positionMargin: Int64 = 0, orderMargin: Int64 = 0
        for position in state.positions {
            positionMargin += position.margin
            orderMargin += position.orderMargin
        }
        return AccountSnapshot(id: id, balance: Cash(minor: state.cash), available: Cash(minor: state.available),
                               positionMargin: Cash(minor: positionMargin), orderMargin: Cash(minor: orderMargin),
                               deposited: Cash(minor: state.deposited))
    }

    /// An account's position on an instrument, or nil if either is unknown.
    public func position(of account: AccountID, in instrument: InstrumentID = InstrumentID(0)) -> PositionSnapshot? {
        guard isKnown(account), isKnown(instrument) else { return nil }
        let i = Int(instrument.rawValue)
        let p = accounts[Int(account.rawValue)].positions[i]
        let spec = config.instruments[i]
        let lots = abs(p.quantity)
        let perUnit = lots * spec.cashPerPriceUnitPerLot
        let average = lots == 0 ? 0 : (p.basis + perUnit / 2) / perUnit
        let mark = markets[i].mark
        var unrealized: Int64 = 0
        if mark > 0 && lots > 0 {
            let value = spec.notional(price: mark, lots: lots)
            unrealized = p.quantity > 0 ? value - p.basis : p.basis - value
        }
        return PositionSnapshot(
            account: account, instrument: instrument, quantity: p.quantity, entryNotional: Cash(minor: p.basis),
            averageEntryPrice: Price(units: average), margin: Cash(minor: p.margin), orderMargin: Cash(minor: p.orderMargin),
            leverage: p.leverage, realized: Cash(minor: p.realized), fees: Cash(minor: p.fees), funding: Cash(minor: p.funding),
            liquidationPrice: Price(units: p.liquidationPrice), bankruptcyPrice: Price(units: p.bankruptcyPrice),
            unrealized: Cash(minor: unrealized))
    }

    /// A resting order, or nil if it is not in the book.
    public func order(_ id: OrderID) -> OrderSnapshot? {
        guard let location = locations[id.rawValue] else { return nil }
        return snapshot(books[Int(location.instrument)].slots[Int(location.slot)], instrument: Int(location.instrument))
    }

    /// An account's resting orders on an instrument in book priority order (bids, then asks).
    public func openOrders(of account: AccountID, in instrument: InstrumentID = InstrumentID(0)) -> [OrderSnapshot] {
        guard isKnown(instrument) else { return [] }
        let i = Int(instrument.rawValue)
        var result: [OrderSnapshot] = []
        for side in [Side.buy, Side.sell] {
            for slot in books[i].slotsInPriority(side) where books[i].slots[Int(slot)].account == account.rawValue {
                result.append(snapshot(books[i].slots[Int(slot)], instrument: i))
            }
        }
        return result
    }

    /// The top `levels` price levels of one side, best first.
    public func depth(_ side: Side, levels: Int, instrument: InstrumentID = InstrumentID(0)) -> [BookLevel] {
        guard isKnown(instrument) else { return [] }
        let ladder = books[Int(instrument.rawValue)].levels(side)
        var result: [BookLevel] = []
        var index = ladder.count - 1
        while index >= 0 && result.count < levels {
            let level = ladder[index]
            result.append(BookLevel(price: Price(units: level.price), quantity: Quantity(lots: level.quantity), orders: Int(level.count)))
            index -= 1
        }
        return result
    }

    /// Best bid and best ask, nil where a side is empty.
    public func bestBidAsk(instrument: InstrumentID = InstrumentID(0)) -> (bid: Price?, ask: Price?) {
        let book = books[Int(instrument.rawValue)]
        return (book.bestBid.map { Price(units: $0) }, book.bestAsk.map { Price(units: $0) })
    }

    /// Mark, index and last trade prices (nil until first known) and the next funding time.
    public func prices(instrument: InstrumentID = InstrumentID(0)) -> (mark: Price?, index: Price?, last: Price?, nextFunding: Timestamp) {
        let market = markets[Int(instrument.rawValue)]
        func known(_ units: Int64) -> Price? { units > 0 ? Price(units: units) : nil }
        return (known(market.mark), known(market.index), known(market.last), Timestamp(nanoseconds: market.nextFunding))
    }

    /// The funding rate the next funding will apply.
    public func fundingRate(instrument: InstrumentID = InstrumentID(0)) -> Rate {
        Rate(perHundredMillion: markets[Int(instrument.rawValue)].fundingRate)
    }

    /// Fees collected minus rebates paid since the start.
    public var feesCollected: Cash { Cash(minor: feePool) }

    /// How many accounts are open, the insurance account included.
    public var accountCount: Int { accounts.count }
}

extension Exchange {
    /// Lots held long on an instrument across all accounts (equal to the lots held short).
    public func openInterest(instrument: InstrumentID = InstrumentID(0)) -> Int64 {
        var total: Int64 = 0
        for account in accounts {
            let quantity = account.positions[Int(instrument.rawValue)].quantity
            if quantity > 0 { total += quantity }
        }
        return total
    }
}
