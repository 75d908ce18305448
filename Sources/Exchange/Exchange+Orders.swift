import TapeCore

/// An order on its way through matching: a new submission, a triggered order or an amendment.
struct IncomingOrder {
    var id: UInt64
    var account: Int
    var instrument: Int
    var side: Side
    /// nil for a market order.
    var limit: Int64?
    var remaining: Int64
    var filled: Int64
    var timeInForce: TimeInForce
    var expiry: Int64
    var clientTag: UInt64
    var reduceOnly: Bool
}

extension Exchange {
    /// Validates a request, checks margin, then matches it and rests or cancels the remainder.
    mutating func placeOrder(_ request: OrderRequest, account: AccountID, into events: inout [ExchangeEvent]) {
        let time = now
        func reject(_ reason: Rejection.Reason) {
            events.append(.rejected(Rejection(account: account, request: .submit(clientTag: request.clientTag), reason: reason, time: time)))
        }
        guard isKnown(account) else { return reject(.unknownAccount) }
        guard isKnown(request.instrument) else { return reject(.unknownInstrument) }
        let i = Int(request.instrument.rawValue), a = Int(account.rawValue)
        let spec = config.instruments[i]
        var quantity = request.quantity.lots
        guard quantity > 0 && quantity <= spec.maxQuantity else { return reject(.invalidQuantity) }
        var limit: Int64?
        switch request.kind {
        case .limit(let price):
            guard price.units > 0 && price.units <= spec.maxPrice && price.units % spec.tickSize == 0 else {
                return reject(.invalidPrice)
            }
            limit = price.units
        case .market:
            limit = nil
        }
        let position = accounts[a].positions[i]
        let closable = position.closable(by: request.side)
        if request.reduceOnly {
            guard closable > 0 else { return reject(.nothingToReduce) }
            quantity = min(quantity, closable)
        }
        let opening = max(0, quantity - closable)
        if opening > 0 && (closable > 0 ? opening : abs(position.quantity) + opening) > spec.maxQuantity {
            return reject(.positionLimit)
        }
        var expiry = Int64.max
        switch request.timeInForce {
        case .goodTillCancelled, .immediateOrCancel, .fillOrKill:
            break
        case .goodTillFunding:
            expiry = markets[i].nextFunding
        case .goodForDay:
            expiry = Exchange.nextBoundary(after: time.nanoseconds, interval: 86_400_000_000_000, utcAtZero: config.utcNanosAtZero)
        case .goodTillDate(let date):
            guard date > time else { return reject(.alreadyExpired) }
            expiry = date.nanoseconds
        }
        if a != 0 && opening > 0 {
            let book = books[i]
            let reference = limit ?? book.bestLevel(request.side.opposite)?.price ?? markets[i].mark
            if reference > 0 {
                let required = Arithmetic.divCeil(spec.notional(price: reference, lots: opening), position.leverage)
                let available = accounts[a].available
                guard available >= required else {
                    return reject(.insufficientMargin(required: Cash(minor: required), available: Cash(minor: available)))
                }
            }
        }
        // A market order never rests: fill-or-kill stays so (Digitex MARKET + FOK), anything else is IOC.
        var timeInForce = request.timeInForce
        if limit == nil, timeInForce.rests { timeInForce = .immediateOrCancel }
        var incoming = IncomingOrder(
            id: nextOrderID, account: a, instrument: i, side: request.side, limit: limit, remaining: quantity,
            filled: 0, timeInForce: timeInForce,
            expiry: expiry, clientTag: request.clientTag, reduceOnly: request.reduceOnly)
        nextOrderID += 1
        events.append(.orderAccepted(snapshot(incoming)))
        if case .fillOrKill = incoming.timeInForce, !canFillEntirely(incoming) {
            events.append(.orderCancelled(snapshot(incoming), .fillOrKillUnfilled))
            return
        }
        execute(&incoming, into: &events)
    }

    /// Matches an accepted order and rests what is left, or cancels it if it may not rest.
    mutating func execute(_ incoming: inout IncomingOrder, into events: inout [ExchangeEvent]) {
        let stop = match(&incoming, into: &events)
        guard incoming.remaining > 0 else { return }
        if let stop {
            events.append(.orderCancelled(snapshot(incoming), stop))
            return
        }
        guard let price = incoming.limit, incoming.timeInForce.rests else {
            events.append(.orderCancelled(snapshot(incoming), .immediateOrCancelRemainder))
            return
        }
        let reserved = reservation(account: incoming.account, instrument: incoming.instrument, side: incoming.side,
                                   price: price, lots: incoming.remaining)
        if incoming.account != 0 && reserved > accounts[incoming.account].available {
            events.append(.orderCancelled(snapshot(incoming), .insufficientMargin))
            return
        }
        let slot = books[incoming.instrument].add(OrderBook.Slot(
            id: incoming.id, account: UInt32(incoming.account), side: incoming.side, price: price,
            remaining: incoming.remaining, filled: incoming.filled, reserved: reserved, expiry: incoming.expiry,
            timeInForce: incoming.timeInForce, clientTag: incoming.clientTag, reduceOnly: incoming.reduceOnly,
            previous: -1, next: -1, live: true))
        locations[incoming.id] = Location(instrument: Int32(incoming.instrument), slot: slot)
        accounts[incoming.account].positions[incoming.instrument].orderMargin += reserved
        if incoming.expiry != Int64.max {
            expiries.push(ExpiryQueue.Entry(expiry: incoming.expiry, order: incoming.id))
        }
    }

    /// Whether a fill-or-kill order can fill entirely now against other accounts' orders, with
    /// margin for the whole walk (conservative: margin on the full notional plus the taker fee).
    func canFillEntirely(_ incoming: IncomingOrder) -> Bool {
        let book = books[incoming.instrument]
        let spec = config.instruments[incoming.instrument]
        var needed = incoming.remaining
        var notional: Int64 = 0
        let opposite = incoming.side.opposite
        for slot in book.slotsInPriority(opposite) {
            let order = book.slots[Int(slot)]
            if let limit = incoming.limit, incoming.side == .buy ? order.price > limit : order.price < limit { break }
            guard order.account != UInt32(incoming.account) else { continue }
            let lots = min(needed, order.remaining)
            notional += spec.notional(price: order.price, lots: lots)
            needed -= lots
            if needed == 0 { break }
        }
        guard needed == 0 else { return false }
        guard incoming.account != 0 else { return true }
        let position = accounts[incoming.account].positions[incoming.instrument]
        guard incoming.remaining > position.closable(by: incoming.side) else { return true }
        let fee = max(0, Arithmetic.mulDivCeil(notional, spec.takerFee.perHundredMillion, Rate.scale))
        return accounts[incoming.account].available >= Arithmetic.divCeil(notional, position.leverage) + fee
    }

    /// Margin to reserve for a resting order: initial margin on the lots it would open.
    func reservation(account: Int, instrument: Int, side: Side, price: Int64, lots: Int64) -> Int64 {
        guard account != 0 else { return 0 }
        let position = accounts[account].positions[instrument]
        let opening = lots - min(lots, position.closable(by: side))
        guard opening > 0 else { return 0 }
        return Arithmetic.divCeil(config.instruments[instrument].notional(price: price, lots: opening), position.leverage)
    }

    /// Takes a resting order out of the book, releases its margin and reports the cancellation.
    mutating func removeResting(_ location: Location, reason: CancelReason, into events: inout [ExchangeEvent]) {
        let i = Int(location.instrument)
        let order = books[i].remove(location.slot)
        locations[order.id] = nil
        accounts[Int(order.account)].positions[i].orderMargin -= order.reserved
        events.append(.orderCancelled(snapshot(order, instrument: i), reason))
    }

    func snapshot(_ order: IncomingOrder) -> OrderSnapshot {
        OrderSnapshot(
            id: OrderID(order.id), account: AccountID(UInt32(order.account)), instrument: InstrumentID(Int32(order.instrument)),
            side: order.side, price: order.limit.map { Price(units: $0) }, remaining: Quantity(lots: order.remaining),
            filled: Quantity(lots: order.filled), timeInForce: order.timeInForce, clientTag: order.clientTag, time: now)
    }

    func snapshot(_ order: OrderBook.Slot, instrument: Int) -> OrderSnapshot {
        OrderSnapshot(
            id: OrderID(order.id), account: AccountID(order.account), instrument: InstrumentID(Int32(instrument)),
            side: order.side, price: Price(units: order.price), remaining: Quantity(lots: order.remaining),
            filled: Quantity(lots: order.filled), timeInForce: order.timeInForce, clientTag: order.clientTag, time: now)
    }
}
