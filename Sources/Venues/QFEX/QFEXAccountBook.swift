/// Applies QFEX account pushes to the account state. Same contradiction rule as Digitex: a push
/// about an order we do not hold is an anomaly and is not applied; pulsed positions and balances
/// are absolute and replace what we had (for known symbols).
struct QFEXAccountBook: Sendable {
    var state = AccountState()
    let instruments: [String]

    init(instruments: [String]) {
        self.instruments = instruments
    }

    mutating func applyOrder(_ report: QFEXOrderReport, raw: [UInt8]) -> [VenueEvent] {
        let order = report.order
        let id = order.venueOrderID
        guard instruments.contains(order.symbol) else { return [unknownSymbol("order_response", order.symbol, raw)] }
        let known = state.ordersByKey[id] != nil
        switch order.status {
        case .accepted, .pending, .partiallyFilled, .filled, .expired:
            break
        case .cancelled, .terminated:
            guard known else {
                return [.anomaly(Anomaly(kind: .cancelForUnknownOrder, expected: "no open order \(id)",
                                         received: "\(report.statusText) of \(id)", raw: raw))]
            }
        case .modified:
            guard known else {
                return [.anomaly(Anomaly(kind: .updateForUnknownOrder, expected: "no open order \(id)",
                                         received: "MODIFIED \(order.quantity)@\(order.price.map(\.description) ?? "-")", raw: raw))]
            }
        case .rejected, .triggered, .other:
            // A reject answers a request; an order we hold stays as it was (a refused modify or
            // cancel does not end it).
            return [.orderUpdated(order)]
        }
        if order.status.isOpen, order.quantity > .zero {
            state.ordersByKey[id] = order
        } else {
            state.ordersByKey.removeValue(forKey: id)
        }
        return [.orderUpdated(order)]
    }

    mutating func applyFill(_ report: QFEXFillReport, raw: [UInt8]) -> [VenueEvent] {
        let fill = report.fill
        guard var order = state.ordersByKey[fill.venueOrderID] else {
            return [.anomaly(Anomaly(kind: .fillForUnknownOrder, expected: "no open order \(fill.venueOrderID)",
                                     received: "fill \(fill.quantity)@\(fill.price)", raw: raw))]
        }
        if let remaining = report.remainingQuantity, let original = order.originalQuantity, remaining > original {
            return [.anomaly(Anomaly(kind: .orderChainBroken, expected: "order \(order.venueOrderID) of \(original)",
                                     received: "fill leaving \(remaining)", raw: raw))]
        }
        var events: [VenueEvent] = [.orderFilled(fill)]
        if let remaining = report.remainingQuantity {
            order.quantity = remaining
            order.status = remaining.isZero ? .filled : .partiallyFilled
            if remaining.isZero {
                state.ordersByKey.removeValue(forKey: order.venueOrderID)
            } else {
                state.ordersByKey[order.venueOrderID] = order
            }
            events.append(.orderUpdated(order))
        }
        return events
    }

    /// `get_user_orders` is paginated, so its list is merged, never treated as complete.
    mutating func applyOrderList(_ reports: [QFEXOrderReport], raw: [UInt8]) -> [VenueEvent] {
        var events: [VenueEvent] = []
        for report in reports {
            guard instruments.contains(report.order.symbol) else {
                events.append(unknownSymbol("user_orders", report.order.symbol, raw))
                continue
            }
            if report.order.status.isOpen, report.order.quantity > .zero {
                state.ordersByKey[report.order.venueOrderID] = report.order
                events.append(.orderUpdated(report.order))
            }
        }
        return events
    }

    mutating func applyPositions(_ positions: [Position], raw: [UInt8]) -> [VenueEvent] {
        var events: [VenueEvent] = []
        for position in positions {
            guard instruments.contains(position.symbol) else {
                events.append(unknownSymbol("position", position.symbol, raw))
                continue
            }
            if let leverage = position.leverage { state.leverageBySymbol[position.symbol] = leverage }
            // Positions are pulsed every second: only a change is news.
            if state.positionsBySymbol.store(position, forKey: position.symbol) { events.append(.positionUpdated(position)) }
        }
        return events
    }

    mutating func applyBalances(_ balances: [Balance]) -> [VenueEvent] {
        var events: [VenueEvent] = []
        for balance in balances {
            if state.balancesByAsset.store(balance, forKey: balance.asset) { events.append(.balanceUpdated(balance)) }
        }
        return events
    }

    mutating func applyLeverage(_ tiers: [LeverageTier], raw: [UInt8]) -> [VenueEvent] {
        var events: [VenueEvent] = [.leverageTiers(tiers)]
        for tier in tiers {
            guard instruments.contains(tier.symbol) else {
                events.append(unknownSymbol("user_leverage_response", tier.symbol, raw))
                continue
            }
            if state.leverageBySymbol.store(tier.leverage, forKey: tier.symbol) {
                events.append(.leverageChanged(symbol: tier.symbol, leverage: tier.leverage))
            }
        }
        return events
    }

    private func unknownSymbol(_ message: String, _ symbol: String, _ raw: [UInt8]) -> VenueEvent {
        .anomaly(Anomaly(kind: .unknownSymbol, expected: "instruments \(instruments.joined(separator: ", "))",
                         received: "\(message) for \(symbol)", raw: raw))
    }
}
