import TapeCore

extension Exchange {
    /// Runs everything due up to and including `time`, earliest first: order expiries, then
    /// funding. An expiry at a funding instant goes first (Digitex GTF: cancelled at the funding).
    /// Ties between expiries go by order id, between instruments' fundings by instrument index.
    mutating func runSchedule(until time: Int64, into events: inout [ExchangeEvent]) {
        while true {
            let expiry = expiries.next?.expiry ?? Int64.max
            var funding = Int64.max, instrument = -1
            for i in markets.indices where markets[i].nextFunding < funding {
                funding = markets[i].nextFunding
                instrument = i
            }
            let due = min(expiry, funding)
            guard due <= time else { return }
            if due > now.nanoseconds { now = Timestamp(nanoseconds: due) }
            if expiry <= funding {
                let entry = expiries.pop()!
                if let location = locations[entry.order],
                   books[Int(location.instrument)].slots[Int(location.slot)].expiry == entry.expiry {
                    removeResting(location, reason: .expired, into: &events)
                }
            } else {
                payFunding(instrument: instrument, into: &events)
                markets[instrument].nextFunding += config.instruments[instrument].fundingIntervalNanos
                liquidateIfNeeded(instrument: instrument, into: &events)
            }
        }
    }

    /// Runs the schedule up to `time`, then moves the clock there.
    mutating func arrive(at time: Timestamp, into events: inout [ExchangeEvent]) {
        precondition(time >= now, "time went backwards: \(time) after \(now)")
        runSchedule(until: time.nanoseconds, into: &events)
        now = time
    }

    /// Pays funding on every open position at the mark price, accounts in id order.
    ///
    /// amount = lots × mark × contract value × rate; longs pay shorts when the rate is positive.
    /// Payers' amounts round up and receivers' round down; the remainder goes to the insurance
    /// account, so no cash is created. Funding moves the balance and the position margin alike
    /// (Digitex: payout and positionMarginChange are equal). No mark price or a zero rate: nothing.
    mutating func payFunding(instrument i: Int, into events: inout [ExchangeEvent]) {
        let mark = markets[i].mark, rate = markets[i].fundingRate
        guard mark > 0 && rate != 0 else { return }
        let spec = config.instruments[i]
        var remainder: Int64 = 0
        for a in accounts.indices where accounts[a].positions[i].quantity != 0 {
            let quantity = accounts[a].positions[i].quantity
            let notional = spec.notional(price: mark, lots: abs(quantity))
            let pays = (quantity > 0) == (rate > 0)
            let amount = pays
                ? -Arithmetic.mulDivCeil(notional, abs(rate), Rate.scale)
                : Arithmetic.mulDivFloor(notional, abs(rate), Rate.scale)
            accounts[a].cash += amount
            accounts[a].positions[i].funding += amount
            if a != 0 {
                accounts[a].positions[i].margin += amount
                refreshRiskPrices(&accounts[a].positions[i], spec: spec)
            }
            remainder -= amount
            events.append(.funding(FundingPayment(
                account: AccountID(UInt32(a)), instrument: InstrumentID(Int32(i)), position: quantity,
                rate: Rate(perHundredMillion: rate), markPrice: Price(units: mark), amount: Cash(minor: amount), time: now)))
        }
        accounts[0].cash += remainder
    }

    /// Liquidates, in account order, every position whose liquidation price the mark has reached.
    mutating func liquidateIfNeeded(instrument i: Int, into events: inout [ExchangeEvent]) {
        let mark = markets[i].mark
        guard mark > 0 else { return }
        for a in accounts.indices.dropFirst() {
            let position = accounts[a].positions[i]
            guard position.quantity != 0 else { continue }
            let reached = position.quantity > 0 ? mark <= position.liquidationPrice : mark >= position.liquidationPrice
            if reached { liquidate(account: a, instrument: i, into: &events) }
        }
    }

    /// Cancels the account's orders on the instrument (TERMINATED), then moves its position to
    /// the insurance account at the bankruptcy price: the account loses exactly its position
    /// margin. The insurance account then closes what it took over with a market order.
    mutating func liquidate(account a: Int, instrument i: Int, into events: inout [ExchangeEvent]) {
        for side in [Side.buy, Side.sell] {
            for slot in books[i].slotsInPriority(side) where books[i].slots[Int(slot)].account == UInt32(a) {
                removeResting(Location(instrument: Int32(i), slot: slot), reason: .liquidation, into: &events)
            }
        }
        let position = accounts[a].positions[i]
        let lots = abs(position.quantity)
        let closingSide: Side = position.quantity > 0 ? .sell : .buy
        // The notional at the bankruptcy price, exact in cash (it need not be on a tick).
        let transfer = max(0, position.quantity > 0 ? position.basis - position.margin : position.basis + position.margin)
        let realized = applyFill(account: a, instrument: i, side: closingSide, lots: lots, notional: transfer)
        _ = applyFill(account: 0, instrument: i, side: closingSide.opposite, lots: lots, notional: transfer)
        events.append(.liquidation(Liquidation(
            account: AccountID(UInt32(a)), instrument: InstrumentID(Int32(i)), position: position.quantity,
            liquidationPrice: Price(units: position.liquidationPrice), bankruptcyPrice: Price(units: position.bankruptcyPrice),
            markPrice: Price(units: markets[i].mark), realized: Cash(minor: realized), time: now)))
        guard config.insuranceUnwinds else { return }
        let unwind = accounts[0].positions[i].closable(by: closingSide)
        guard unwind > 0 else { return }
        placeOrder(OrderRequest(instrument: InstrumentID(Int32(i)), side: closingSide, kind: .market,
                                quantity: Quantity(lots: unwind), timeInForce: .immediateOrCancel, reduceOnly: true),
                   account: .insurance, into: &events)
    }
}
