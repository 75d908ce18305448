import TapeCore

/// The Satori stream client as a state machine without I/O. Orders go over REST; the socket
/// carries signed subscriptions and the account's position, order and balance pushes.
public struct SatoriClient: VenueClient {
    public struct Configuration: Sendable {
        public var instruments: [Instrument]
        /// Pre-signed subscriptions sent on connect when `drivesConnection`.
        public var subscriptions: [SatoriSubscription]
        public var drivesConnection: Bool

        public init(instruments: [Instrument], subscriptions: [SatoriSubscription] = [], drivesConnection: Bool = true) {
            self.instruments = instruments
            self.subscriptions = subscriptions
            self.drivesConnection = drivesConnection
        }
    }

    public let configuration: Configuration
    public private(set) var isConnected = false
    private var state = AccountState()
    /// Position ids by symbol (one-way mode: one live position per symbol).
    private var positionIDs: [String: Int64] = [:]
    /// Cumulative filled notional of open orders, to price each new fill.
    private var dealtAmounts: [String: FixedDecimal] = [:]
    /// Highest balance `logId` seen per asset.
    private var lastLogIDs: [String: Int64] = [:]
    /// Subscriptions awaiting `<event>_res`, oldest first.
    private var pending: [(sequence: Int64, event: String)] = []
    private var nextSequence: Int64 = 1
    private var decoder = SatoriDecoder()
    private let symbols: [String]

    public init(configuration: Configuration) {
        self.configuration = configuration
        symbols = configuration.instruments.map(\.symbol)
    }

    public var account: AccountState { state }

    public func invariantViolations() -> [String] {
        var violations = state.invariantViolations()
        if !isConnected, !pending.isEmpty { violations.append("subscriptions pending while disconnected") }
        for (symbol, _) in positionIDs.sorted(by: { $0.key < $1.key }) where state.positionsBySymbol[symbol]?.side ?? .flat == .flat {
            violations.append("position id kept for flat \(symbol)")
        }
        return violations
    }

    public mutating func connected(at now: Timestamp) -> [ClientAction] {
        isConnected = true
        guard configuration.drivesConnection else { return [] }
        return configuration.subscriptions.flatMap { submit($0, at: now) }
    }

    public mutating func disconnected(at now: Timestamp) -> [ClientAction] {
        let actions: [ClientAction] = pending.map { .emit(.commandUnanswered(.number($0.sequence))) }
        pending = []
        isConnected = false
        return actions
    }

    public mutating func timerFired(_ timer: ClientTimer, at now: Timestamp) -> [ClientAction] {
        // The stored docs give no heartbeat rule (their "URL"/"Events" pages were not captured).
        []
    }

    public mutating func submit(_ subscription: SatoriSubscription, at now: Timestamp) -> [ClientAction] {
        guard isConnected else { return [.emit(.commandRefused(reason: "not connected: connect before subscribing"))] }
        register(subscription)
        return [.sendJSON(subscription.json)]
    }

    private mutating func register(_ subscription: SatoriSubscription) {
        pending.append((nextSequence, subscription.event))
        nextSequence += 1
    }

    public mutating func sentFrame(_ payload: [UInt8], at now: Timestamp) -> [ClientAction] {
        switch SatoriSubscription.decode(payload) {
        case .success(let subscription): register(subscription); return []
        case .failure(let failure): return [.emit(.unrecognised(failure))]
        }
    }

    public mutating func receivedFrame(_ payload: [UInt8], at now: Timestamp) -> [ClientAction] {
        switch decoder.decode(payload) {
        case .failure(let failure): return [.emit(.unrecognised(failure))]
        case .success(let message): return apply(message, raw: payload)
        }
    }

    /// The actions a message asks for: its events, built as actions (public trades, nearly every
    /// frame, thus cost one array, not an array of events and another of actions).
    private mutating func apply(_ message: SatoriMessage, raw: [UInt8]) -> [ClientAction] {
        switch message {
        case .subscribeAnswer(let event, let success, let text):
            guard let index = pending.firstIndex(where: { $0.event == event }) else {
                return [.emit(anomaly(.answerToUnknownRequest, "no \(event) subscription pending", "\(event)_res", raw))]
            }
            let sequence = pending.remove(at: index).sequence
            return [.emit(success ? .commandAccepted(.number(sequence))
                : .commandRejected(.number(sequence), VenueError(code: "\(event)_res", message: text)))]
        case .account(let update):
            let asset = update.balance.asset
            if let last = lastLogIDs[asset], update.logID < last {
                // The docs: "if the logId is small, the history balance is displayed" — it is stale.
                return [.emit(anomaly(.staleUpdate, "balance \(asset) at logId \(last)", "logId \(update.logID)", raw))]
            }
            lastLogIDs[asset] = update.logID
            state.balancesByAsset[asset] = update.balance
            return [.emit(.balanceUpdated(update.balance))]
        case .position(let update):
            return applyPosition(update, raw: raw).map { .emit($0) }
        case .order(let update):
            return applyOrder(update, raw: raw).map { .emit($0) }
        case .trade(let trade):
            return [.emit(.trades([trade]))]
        }
    }

    private mutating func applyPosition(_ update: SatoriPositionUpdate, raw: [UInt8]) -> [VenueEvent] {
        let symbol = update.position.symbol
        guard symbols.contains(symbol) else { return [anomaly(.unknownSymbol, "instruments \(symbols.joined(separator: ", "))", "position in \(symbol)", raw)] }
        if update.change != .new, positionIDs[symbol] != update.positionID {
            return [anomaly(.updateForUnknownPosition, "position \(positionIDs[symbol].map(String.init) ?? "none") in \(symbol)",
                            "\(update.change.rawValue) of position \(update.positionID)", raw)]
        }
        var position = update.position
        switch update.change {
        case .new, .increase, .reduce:
            break
        case .close, .liquidate:
            // The push may still show the last size; after a close or liquidation nothing is held.
            position.size = .zero
            position.side = .flat
        }
        if position.side == .flat {
            positionIDs.removeValue(forKey: symbol)
        } else {
            positionIDs[symbol] = update.positionID
        }
        state.positionsBySymbol[symbol] = position
        var events: [VenueEvent] = [.positionUpdated(position)]
        if update.change == .liquidate {
            events.append(.positionLiquidated(Liquidation(
                symbol: symbol, positionSide: update.position.side, price: nil, quantity: update.position.size,
                terminatedOrderIDs: [], balanceChange: nil, venueTimeMillis: nil)))
        }
        return events
    }

    private mutating func applyOrder(_ update: SatoriOrderUpdate, raw: [UInt8]) -> [VenueEvent] {
        guard symbols.contains(update.symbol) else { return [anomaly(.unknownSymbol, "instruments \(symbols.joined(separator: ", "))", "order in \(update.symbol)", raw)] }
        let key = String(update.entrustID)
        let previous = state.ordersByKey[key]
        switch update.change {
        case .entrust, .new:
            break
        case .trade:
            guard previous != nil else { return [anomaly(.fillForUnknownOrder, "no order \(key)", "TRADE dealt \(update.dealQuantity)", raw)] }
        case .canceled:
            guard previous != nil else { return [anomaly(.cancelForUnknownOrder, "no order \(key)", "CANCELED", raw)] }
        }
        var events: [VenueEvent] = []
        let dealtBefore = previous.flatMap { prior in prior.originalQuantity.flatMap { $0.subtracting(prior.quantity) } } ?? .zero
        let amountBefore = dealtAmounts[key] ?? .zero
        if let traded = update.dealQuantity.subtracting(dealtBefore), traded > .zero,
           let notional = update.dealAmount.subtracting(amountBefore), let price = notional.divided(by: traded, normalizedAtMost: 8) {
            // dealAmount is cumulative notional (assumed), so this fill's price is Δamount / Δquantity.
            events.append(.orderFilled(Fill(
                symbol: update.symbol, venueOrderID: key, clientOrderID: update.clientOrderID, side: update.side,
                price: price, quantity: traded, isMaker: update.isTaker.map { !$0 }, fee: update.fee)))
        }
        guard let remaining = update.quantity.subtracting(update.dealQuantity) else {
            return [.unrecognised(UnrecognisedFrame(reason: .badField("dealQuantity", in: "api_entrust"), raw: raw))]
        }
        let status: OrderStatus
        switch update.change {
        case .entrust: status = .pending
        case .new: status = .accepted
        case .trade: status = remaining.isZero ? .filled : .partiallyFilled
        case .canceled: status = .cancelled
        }
        let order = Order(
            symbol: update.symbol, venueOrderID: key, clientOrderID: update.clientOrderID, side: update.side,
            type: update.isMarket ? .market : .limit, price: update.price, quantity: remaining,
            originalQuantity: update.quantity, status: status, leverage: update.leverage)
        if status.isOpen, remaining > .zero {
            state.ordersByKey[key] = order
            dealtAmounts[key] = update.dealAmount
        } else {
            state.ordersByKey.removeValue(forKey: key)
            dealtAmounts.removeValue(forKey: key)
        }
        return events + [.orderUpdated(order)]
    }

    private func anomaly(_ kind: Anomaly.Kind, _ expected: String, _ received: String, _ raw: [UInt8]) -> VenueEvent {
        .anomaly(Anomaly(kind: kind, expected: expected, received: received, raw: raw))
    }
}
