import TapeCore

extension Exchange {
    /// Matches `incoming` against the opposite side in price-time priority.
    ///
    /// Returns why matching stopped early with lots left (margin, reduce-only), or nil when it
    /// stopped because the order was filled or the book ran out at its limit.
    mutating func match(_ incoming: inout IncomingOrder, into events: inout [ExchangeEvent]) -> CancelReason? {
        let i = incoming.instrument
        let spec = config.instruments[i]
        let opposite = incoming.side.opposite
        let checksMargin: Bool
        switch incoming.timeInForce {
        case .fillOrKill: checksMargin = false  // checked for the whole walk beforehand
        case .goodTillCancelled, .immediateOrCancel, .goodTillFunding, .goodForDay, .goodTillDate: checksMargin = incoming.account != 0
        }
        while incoming.remaining > 0 {
            guard let head = books[i].headOfBest(opposite) else { return nil }
            let maker = books[i].slots[Int(head)]
            if let limit = incoming.limit, incoming.side == .buy ? maker.price > limit : maker.price < limit { return nil }
            let makerAccount = Int(maker.account)
            if makerAccount == incoming.account {
                removeResting(Location(instrument: Int32(i), slot: head), reason: .selfTradePrevention, into: &events)
                continue
            }
            var lots = min(incoming.remaining, maker.remaining)
            if maker.reduceOnly {
                let closable = accounts[makerAccount].positions[i].closable(by: opposite)
                if closable == 0 {
                    removeResting(Location(instrument: Int32(i), slot: head), reason: .reduceOnlyExhausted, into: &events)
                    continue
                }
                lots = min(lots, closable)
            }
            if incoming.reduceOnly {
                let closable = accounts[incoming.account].positions[i].closable(by: incoming.side)
                if closable == 0 { return .reduceOnlyExhausted }
                lots = min(lots, closable)
            }
            let notional = spec.notional(price: maker.price, lots: lots)
            let takerFee = Arithmetic.mulDivCeil(notional, spec.takerFee.perHundredMillion, Rate.scale)
            if checksMargin {
                let position = accounts[incoming.account].positions[i]
                let opening = lots - min(lots, position.closable(by: incoming.side))
                if opening > 0 {
                    let margin = Arithmetic.divCeil(spec.notional(price: maker.price, lots: opening), position.leverage)
                    if accounts[incoming.account].available < margin + max(0, takerFee) { return .insufficientMargin }
                }
            }
            let makerFee = Arithmetic.mulDivCeil(notional, spec.makerFee.perHundredMillion, Rate.scale)
            let takerRealized = applyFill(account: incoming.account, instrument: i, side: incoming.side, lots: lots, notional: notional)
            let makerRealized = applyFill(account: makerAccount, instrument: i, side: opposite, lots: lots, notional: notional)
            charge(takerFee, account: incoming.account, instrument: i)
            charge(makerFee, account: makerAccount, instrument: i)
            incoming.remaining -= lots
            incoming.filled += lots
            let makerRemaining = maker.remaining - lots
            // The maker's margin reservation follows its remaining lots and its new position.
            let reserved = reservation(account: makerAccount, instrument: i, side: opposite, price: maker.price, lots: makerRemaining)
            accounts[makerAccount].positions[i].orderMargin += reserved - maker.reserved
            if makerRemaining == 0 {
                books[i].remove(head)
                locations[maker.id] = nil
            } else {
                books[i].reduce(head, by: lots, filled: true)
                books[i].setReserved(head, reserved)
            }
            markets[i].last = maker.price
            events.append(.trade(Trade(
                id: nextTradeID, instrument: InstrumentID(Int32(i)), price: Price(units: maker.price),
                quantity: Quantity(lots: lots), takerSide: incoming.side, taker: OrderID(incoming.id),
                takerAccount: AccountID(UInt32(incoming.account)), takerRemaining: Quantity(lots: incoming.remaining),
                takerFee: Cash(minor: takerFee), maker: OrderID(maker.id), makerAccount: AccountID(maker.account),
                makerRemaining: Quantity(lots: makerRemaining), makerFee: Cash(minor: makerFee),
                takerPosition: accounts[incoming.account].positions[i].quantity,
                makerPosition: accounts[makerAccount].positions[i].quantity,
                takerRealized: Cash(minor: takerRealized), makerRealized: Cash(minor: makerRealized), time: now)))
            nextTradeID += 1
            if maker.reduceOnly && makerRemaining > 0 && accounts[makerAccount].positions[i].closable(by: opposite) == 0,
               let location = locations[maker.id] {
                removeResting(location, reason: .reduceOnlyExhausted, into: &events)
            }
        }
        return nil
    }

    /// Moves a fee from an account's balance to the exchange's fee pool (a rebate when negative).
    @inline(__always)
    mutating func charge(_ fee: Int64, account: Int, instrument: Int) {
        guard fee != 0 else { return }
        accounts[account].cash -= fee
        accounts[account].positions[instrument].fees += fee
        feePool += fee
    }

    /// Applies `lots` bought or sold for `notional` to a position: closes against the open lots
    /// first (realising PnL against their average cost), then opens the rest. Returns the PnL.
    ///
    /// Average cost: closing k of n open lots removes ⌊basis × k / n⌋ of the basis (all of it at
    /// k = n), so realised PnL over a position's life adds up exactly to exits − entries.
    mutating func applyFill(account: Int, instrument: Int, side: Side, lots: Int64, notional: Int64) -> Int64 {
        var position = accounts[account].positions[instrument]
        let closing = min(lots, position.closable(by: side))
        var realized: Int64 = 0
        var closeNotional: Int64 = 0
        if closing > 0 {
            let held = abs(position.quantity)
            closeNotional = closing == lots ? notional : Arithmetic.mulDivFloor(notional, closing, lots)
            let removedBasis = closing == held ? position.basis : Arithmetic.mulDivFloor(position.basis, closing, held)
            let removedMargin = closing == held ? position.margin : Arithmetic.mulDivFloor(position.margin, closing, held)
            realized = position.quantity > 0 ? closeNotional - removedBasis : removedBasis - closeNotional
            position.basis -= removedBasis
            position.margin -= removedMargin
            position.quantity += side.sign * closing
        }
        let opening = lots - closing
        if opening > 0 {
            let openNotional = notional - closeNotional
            position.basis += openNotional
            if account != 0 { position.margin += Arithmetic.divCeil(openNotional, position.leverage) }
            position.quantity += side.sign * opening
        }
        position.realized += realized
        refreshRiskPrices(&position, spec: config.instruments[instrument])
        accounts[account].positions[instrument] = position
        accounts[account].cash += realized
        return realized
    }

    /// Recomputes liquidation and bankruptcy prices from basis, margin and quantity.
    ///
    /// Long, n lots, basis B, margin M, maintenance MM = ⌈M × num / den⌉, value per unit v:
    /// equity at mark m is M + m·n·v − B; liquidation when equity ≤ MM, i.e. m ≤ (B − M + MM)/(n·v),
    /// rounded up to a tick (toward the entry, as Digitex rounds); bankruptcy (equity 0) at
    /// (B − M)/(n·v). Short: m ≥ (B + M − MM)/(n·v) rounded down to a tick; bankruptcy (B + M)/(n·v).
    func refreshRiskPrices(_ position: inout PositionState, spec: InstrumentSpec) {
        guard position.quantity != 0, position.margin > 0 || position.basis > 0 else {
            position.liquidationPrice = 0
            position.bankruptcyPrice = 0
            return
        }
        let lots = abs(position.quantity)
        let perUnit = lots * spec.cashPerPriceUnitPerLot
        let maintenance = Arithmetic.mulDivCeil(max(position.margin, 0), spec.maintenanceNumerator, spec.maintenanceDenominator)
        if position.quantity > 0 {
            let threshold = position.basis - position.margin + maintenance
            let units = max(0, Arithmetic.divCeil(threshold, perUnit))
            position.liquidationPrice = Arithmetic.divCeil(units, spec.tickSize) * spec.tickSize
            position.bankruptcyPrice = max(0, Arithmetic.divCeil(position.basis - position.margin, perUnit))
        } else {
            let threshold = position.basis + position.margin - maintenance
            position.liquidationPrice = Arithmetic.divFloor(Arithmetic.divFloor(threshold, perUnit), spec.tickSize) * spec.tickSize
            position.bankruptcyPrice = Arithmetic.divFloor(position.basis + position.margin, perUnit)
        }
    }
}
