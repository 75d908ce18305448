import TapeCore

extension Exchange {
    /// Places a conditional order; its order is validated now (price, quantity, instrument) and
    /// margin-checked only when it fires. A condition that already holds fires at once.
    public mutating func placeTrigger(
        _ order: OrderRequest, when source: TriggerSource, is condition: TriggerCondition, _ threshold: Price,
        account: AccountID, at now: Timestamp
    ) -> [ExchangeEvent] {
        var events: [ExchangeEvent] = []
        arrive(at: now, into: &events)
        func reject(_ reason: Rejection.Reason) -> [ExchangeEvent] {
            events.append(.rejected(Rejection(account: account, request: .placeTrigger(clientTag: order.clientTag), reason: reason, time: now)))
            return events
        }
        guard isKnown(account) else { return reject(.unknownAccount) }
        guard isKnown(order.instrument) else { return reject(.unknownInstrument) }
        let spec = config.instruments[Int(order.instrument.rawValue)]
        guard order.quantity.lots > 0 && order.quantity.lots <= spec.maxQuantity else { return reject(.invalidQuantity) }
        guard threshold.units > 0 && threshold.units <= spec.maxPrice else { return reject(.invalidPrice) }
        if case .limit(let price) = order.kind {
            guard price.units > 0 && price.units <= spec.maxPrice && price.units % spec.tickSize == 0 else {
                return reject(.invalidPrice)
            }
        }
        let trigger = TriggerSnapshot(id: TriggerID(nextTriggerID), account: account, source: source, condition: condition,
                                      threshold: threshold, order: order, time: now)
        nextTriggerID += 1
        triggers.append(trigger)
        events.append(.triggerAccepted(trigger))
        fireTriggers(into: &events)
        checkIfConfigured()
        return events
    }

    /// Cancels one waiting conditional order of `account`.
    public mutating func cancelTrigger(_ id: TriggerID, account: AccountID, at now: Timestamp) -> [ExchangeEvent] {
        var events: [ExchangeEvent] = []
        arrive(at: now, into: &events)
        guard let index = triggers.firstIndex(where: { $0.id == id && $0.account == account }) else {
            events.append(.rejected(Rejection(account: account, request: .cancelTrigger(id), reason: .unknownTrigger, time: now)))
            return events
        }
        events.append(.triggerCancelled(triggers.remove(at: index)))
        checkIfConfigured()
        return events
    }

    /// Cancels every waiting conditional order of `account`, oldest first (Digitex allForTrader).
    public mutating func cancelAllTriggers(account: AccountID, at now: Timestamp) -> [ExchangeEvent] {
        var events: [ExchangeEvent] = []
        arrive(at: now, into: &events)
        for trigger in triggers where trigger.account == account { events.append(.triggerCancelled(trigger)) }
        triggers.removeAll { $0.account == account }
        checkIfConfigured()
        return events
    }

    /// The conditional orders still waiting, oldest first.
    public var waitingTriggers: [TriggerSnapshot] { triggers }

    /// The price a trigger watches, or nil while it is unknown.
    func watchedPrice(_ trigger: TriggerSnapshot) -> Int64? {
        let market = markets[Int(trigger.order.instrument.rawValue)]
        let price: Int64
        switch trigger.source {
        case .markPrice: price = market.mark
        case .indexPrice: price = market.index
        case .lastPrice: price = market.last
        }
        return price > 0 ? price : nil
    }

    /// Fires every conditional order whose condition holds, oldest first, and submits its order.
    /// Orders placed by fired triggers move the last price, which may fire more: it repeats until
    /// a round fires nothing (each round removes at least one trigger, so it ends).
    mutating func fireTriggers(into events: inout [ExchangeEvent]) {
        while !triggers.isEmpty {
            var fired: [(TriggerSnapshot, Int64)] = []
            var waiting: [TriggerSnapshot] = []
            for trigger in triggers {
                if let price = watchedPrice(trigger), trigger.condition.holds(price, trigger.threshold.units) {
                    fired.append((trigger, price))
                } else {
                    waiting.append(trigger)
                }
            }
            guard !fired.isEmpty else { return }
            triggers = waiting
            for (trigger, price) in fired {
                events.append(.triggerFired(trigger, price: Price(units: price)))
                placeOrder(trigger.order, account: trigger.account, into: &events)
            }
        }
    }

    /// After anything that may trade: fire last-price (and any other) triggers that now hold.
    @inline(__always)
    mutating func afterTrades(into events: inout [ExchangeEvent]) {
        if !triggers.isEmpty { fireTriggers(into: &events) }
    }
}
