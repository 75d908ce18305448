import Exchange
import TapeCore
import Venues

/// The market-data socket and what the generated market does to traders' resting orders.
extension QFEXSimulator {
    static let marketChannels = ["bbo", "level2", "trade", "funding", "mark_price", "underlier"]

    mutating func marketDataRequest(_ command: QFEXCommand, connection: ConnectionID) -> [SimulatorAction] {
        guard var session = sessions[connection] else { return [] }
        switch command {
        case .subscribeMarketData(let channels, let symbols):
            if let unknown = channels.first(where: { !Self.marketChannels.contains($0) }) {
                return [error(connection, "unknown channel \(unknown)")]
            }
            for channel in channels where !session.marketChannels.contains(channel) { session.marketChannels.append(channel) }
            for symbol in symbols where !session.marketSymbols.contains(symbol) { session.marketSymbols.append(symbol) }
            sessions[connection] = session
            // The docs show no answer to a market-data subscription.
            return []
        case .unsubscribeMarketData(let channels, let symbols):
            if symbols.contains("*") || symbols.contains(configuration.symbol) || symbols.isEmpty {
                session.marketChannels.removeAll { channels.contains($0) }
            }
            sessions[connection] = session
            return []
        case .authenticate, .subscribe, .unsubscribe, .addOrder, .cancelOrder, .cancelAllOrders, .modifyOrder, .getUserOrders,
             .getUserTrades, .getUserLeverage, .getAvailableLeverageLevels, .setUserLeverage, .cancelOnDisconnect:
            return [error(connection, "\(command.type) is served on the trade socket")]
        }
    }

    public mutating func advanceMarket(to now: Timestamp, maxSteps: Int) -> [SimulatorAction] {
        var actions: [SimulatorAction] = []
        var steps = 0
        while market.now < now && steps < maxSteps {
            let events = market.next()
            steps += 1
            actions += publish(events)
            if traders.contains(where: { !$0.orders.isEmpty }) { actions += reconcile() }
        }
        return actions
    }

    /// Market data for one batch of market events, to every market-data session that wants it.
    mutating func publish(_ events: [MarketDataEvent]) -> [SimulatorAction] {
        let listeners = connections.filter { sessions[$0]?.kind == .marketData && !(sessions[$0]?.marketChannels.isEmpty ?? true) }
        guard !events.isEmpty, !listeners.isEmpty else { return [] }
        let symbol = configuration.symbol
        var frames: [(channel: String, bytes: [UInt8])] = []
        var bookChanged = false
        for event in events {
            switch event {
            case .bookSnapshot, .bookDelta:
                bookChanged = true
            case .trade(let time, let id, let price, let quantity, let aggressor):
                frames.append(("trade", message("trade", time: time, [
                    ("trade_id", .string("trade-\(id)")), ("symbol", .string(symbol)), ("size", quoted(quantity.lots, scale: 3)),
                    ("price", quoted(price.units, scale: 2)), ("side", .string(aggressor == .buy ? "buy" : "sell")),
                ])))
            case .markPrice(let time, let price):
                frames.append(("mark_price", message("mark_price", time: time, [("symbol", .string(symbol)), ("price", quoted(price.units, scale: 2))])))
            case .indexPrice(let time, let price):
                frames.append(("underlier", message("underlier", time: time, [("symbol", .string(symbol)), ("price", quoted(price.units, scale: 2))])))
            case .fundingRate(let time, let rate, let next):
                frames.append(("funding", message("funding", time: time, [
                    ("symbol", .string(symbol)), ("time_remaining", .int(max(0, (next.nanoseconds - time.nanoseconds) / 1_000_000_000))),
                    ("funding_rate", quoted(rate.perHundredMillion, scale: 8)),
                ])))
            case .ticker, .liquidation:
                continue
            }
        }
        if bookChanged {
            frames.insert(("level2", book("level2", depth: configuration.level2Depth)), at: 0)
            frames.insert(("bbo", book("bbo", depth: 1)), at: 0)
        }
        var actions: [SimulatorAction] = []
        for connection in listeners {
            guard let session = sessions[connection] else { continue }
            for frame in frames where session.wants(frame.channel, symbol: symbol) { actions.append(.send(connection, .text, frame.bytes)) }
        }
        return actions
    }

    private mutating func book(_ type: String, depth: Int) -> [UInt8] {
        func levels(_ side: ExchangeSide) -> JSONOutput {
            .array(market.exchange.depth(side, levels: depth).map { .array([quoted($0.price.units, scale: 2), quoted($0.quantity.lots, scale: 3)]) })
        }
        return message(type, time: market.now, [("symbol", .string(configuration.symbol)), ("bid", levels(.buy)), ("ask", levels(.sell))])
    }

    /// `{"type":…, …members, "sequence":N, "time":RFC 3339}`.
    private mutating func message(_ type: String, time: Timestamp, _ members: [(String, JSONOutput)]) -> [UInt8] {
        sequence += 1
        return JSONOutput.object([("type", .string(type))] + members + [
            ("sequence", .int(sequence)), ("time", .string(Self.rfc3339(configuration.market.utcNanosAtZero + time.nanoseconds))),
        ]).bytes
    }

    private func quoted(_ mantissa: Int64, scale: UInt8) -> JSONOutput {
        .string(FixedDecimal(mantissa: mantissa, scale: scale).description)
    }

    /// `2025-09-04T09:26:39.545268322Z` from UTC nanoseconds (civil date from days, Hinnant).
    static func rfc3339(_ nanos: Int64) -> String {
        let seconds = nanos >= 0 ? nanos / 1_000_000_000 : (nanos - 999_999_999) / 1_000_000_000
        let fraction = nanos - seconds * 1_000_000_000
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func pad(_ value: Int64, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(secondOfDay / 3_600, 2)):\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2)).\(pad(fraction, 9))Z"
    }

    /// Resting orders of traders that the generated market filled (at their price, as makers)
    /// or expired (GFD at 00:00 UTC), reported as the venue would.
    mutating func reconcile() -> [SimulatorAction] {
        var actions: [SimulatorAction] = []
        for trader in traders.indices where !traders[trader].orders.isEmpty {
            let account = AccountID(traders[trader].account)
            let position = market.exchange.position(of: account)?.quantity ?? 0
            var unexplained = position - traders[trader].observedPosition
            let snapshot = traders[trader].orders
            for order in snapshot {
                let remaining = market.exchange.order(OrderID(order.exchangeID))?.remaining.lots ?? 0
                guard remaining != order.remaining else { continue }
                let lots = order.remaining - remaining
                let signed = order.side == .buy ? lots : -lots
                if remaining == 0, unexplained == 0 || (unexplained > 0) != (signed > 0) {
                    // Gone without a matching position change: it expired.
                    if let index = traders[trader].orders.firstIndex(where: { $0.exchangeID == order.exchangeID }) {
                        traders[trader].orders.remove(at: index)
                    }
                    actions += push(orderResponse(order, status: "EXPIRED"), to: trader)
                    continue
                }
                unexplained -= signed
                // The maker fee the core charged: the fill notional times the rate, rounded up.
                let spec = configuration.market.instrument
                let notional = order.priceUnits * lots * spec.cashPerPriceUnitPerLot
                let fee = Cash(minor: (notional * spec.makerFee.perHundredMillion + Rate.scale - 1) / Rate.scale)
                actions += filled(trader, exchangeID: order.exchangeID, lots: lots, priceUnits: order.priceUnits, remaining: remaining,
                                  aggressor: order.side == .buy ? .sell : .buy, fee: fee, realised: .zero)
            }
            traders[trader].observedPosition = position
        }
        return actions
    }
}
