import TapeCore

extension Exchange {
    /// See `amend(_:account:price:quantity:at:)`.
    mutating func amendOrder(_ id: OrderID, account: AccountID, price: Price?, quantity: Quantity?, into events: inout [ExchangeEvent]) {
        func reject(_ reason: Rejection.Reason) {
            events.append(.rejected(Rejection(account: account, request: .amend(id), reason: reason, time: now)))
        }
        guard let location = locations[id.rawValue],
              books[Int(location.instrument)].slots[Int(location.slot)].account == account.rawValue
        else { return reject(.unknownOrder) }
        let i = Int(location.instrument), a = Int(account.rawValue)
        let spec = config.instruments[i]
        let order = books[i].slots[Int(location.slot)]
        let newPrice = price?.units ?? order.price
        let newQuantity = quantity?.lots ?? order.remaining
        guard newQuantity > 0 && newQuantity <= spec.maxQuantity else { return reject(.invalidQuantity) }
        guard newPrice > 0 && newPrice <= spec.maxPrice && newPrice % spec.tickSize == 0 else { return reject(.invalidPrice) }
        guard newPrice != order.price || newQuantity != order.remaining else { return reject(.invalidAmendment) }
        let reserved = reservation(account: a, instrument: i, side: order.side, price: newPrice, lots: newQuantity)
        let available = accounts[a].available + order.reserved
        if a != 0 && reserved > available {
            return reject(.insufficientMargin(required: Cash(minor: reserved), available: Cash(minor: available)))
        }
        if newPrice == order.price && newQuantity < order.remaining {
            books[i].reduce(location.slot, by: order.remaining - newQuantity, filled: false)
            books[i].setReserved(location.slot, reserved)
            accounts[a].positions[i].orderMargin += reserved - order.reserved
            events.append(.orderAmended(snapshot(books[i].slots[Int(location.slot)], instrument: i), keptPriority: true))
            return
        }
        // Loses priority: out of the book, then in again as if new (it may cross and trade).
        books[i].remove(location.slot)
        locations[id.rawValue] = nil
        accounts[a].positions[i].orderMargin -= order.reserved
        var incoming = IncomingOrder(
            id: order.id, account: a, instrument: i, side: order.side, limit: newPrice, remaining: newQuantity,
            filled: order.filled, timeInForce: order.timeInForce, expiry: order.expiry, clientTag: order.clientTag,
            reduceOnly: order.reduceOnly)
        events.append(.orderAmended(snapshot(incoming), keptPriority: false))
        execute(&incoming, into: &events)
    }

    /// See `setLeverage(_:account:instrument:at:)`: margins are recomputed at the new leverage
    /// (position: ⌈basis / leverage⌉ plus funding so far; orders: their reservations) and the
    /// change is refused if the balance cannot cover them.
    mutating func changeLeverage(_ leverage: Int64, account: AccountID, instrument: InstrumentID, into events: inout [ExchangeEvent]) {
        func reject(_ reason: Rejection.Reason) {
            events.append(.rejected(Rejection(account: account, request: .setLeverage(leverage), reason: reason, time: now)))
        }
        guard isKnown(account), account != .insurance else { return reject(.unknownAccount) }
        guard isKnown(instrument) else { return reject(.unknownInstrument) }
        let i = Int(instrument.rawValue), a = Int(account.rawValue)
        let spec = config.instruments[i]
        guard leverage >= 1 && leverage <= spec.maxLeverage else { return reject(.invalidLeverage) }
        let before = accounts[a].positions[i]
        var position = before
        // Funding moved the margin away from ⌈basis / leverage⌉; keep that difference.
        let fundingSoFar = before.quantity == 0 ? 0 : before.margin - Arithmetic.divCeil(before.basis, before.leverage)
        position.leverage = leverage
        position.margin = before.quantity == 0 ? 0 : Arithmetic.divCeil(before.basis, leverage) + fundingSoFar
        accounts[a].positions[i].leverage = leverage  // reservation() reads it
        var newReservations: [(Int32, Int64)] = []
        var orderMargin: Int64 = 0
        for side in [Side.buy, Side.sell] {
            for slot in books[i].slotsInPriority(side) where books[i].slots[Int(slot)].account == UInt32(a) {
                let order = books[i].slots[Int(slot)]
                let reserved = reservation(account: a, instrument: i, side: side, price: order.price, lots: order.remaining)
                newReservations.append((slot, reserved))
                orderMargin += reserved
            }
        }
        accounts[a].positions[i].leverage = before.leverage
        position.orderMargin = orderMargin
        let extra = position.margin + orderMargin - (before.margin + before.orderMargin)
        let available = accounts[a].available
        if extra > available {
            return reject(.insufficientMargin(required: Cash(minor: extra), available: Cash(minor: available)))
        }
        for (slot, reserved) in newReservations { books[i].setReserved(slot, reserved) }
        refreshRiskPrices(&position, spec: spec)
        accounts[a].positions[i] = position
        events.append(.leverageChanged(account, instrument, leverage: leverage))
    }
}
