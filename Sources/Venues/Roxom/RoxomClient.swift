import TapeCore

/// The Roxom stream client as a state machine without I/O: it subscribes on connect and keeps
/// orders, positions and the balance from the private pushes. Roxom takes orders over REST only,
/// so there is nothing to submit but subscriptions.
public struct RoxomClient: VenueClient {
    public struct Configuration: Sendable {
        public var instruments: [Instrument]
        /// Sent on connect when `drivesConnection` (private events arrive regardless, say the docs).
        public var subscriptions: [RoxomChannel]
        public var drivesConnection: Bool

        public init(instruments: [Instrument], subscriptions: [RoxomChannel] = [], drivesConnection: Bool = true) {
            self.instruments = instruments
            self.subscriptions = subscriptions
            self.drivesConnection = drivesConnection
        }
    }

    public let configuration: Configuration
    public private(set) var isConnected = false
    private var state = AccountState()
    /// Subscribe and unsubscribe requests sent and not yet acknowledged, oldest first (each gets
    /// one ack, and acks carry no id).
    private var pendingRequests: [Int64] = []
    private var nextSequence: Int64 = 1
    private var decoder = RoxomDecoder()
    private let symbols: [String]

    public init(configuration: Configuration) {
        self.configuration = configuration
        symbols = configuration.instruments.map(\.symbol)
    }

    public var account: AccountState { state }

    public func invariantViolations() -> [String] {
        var violations = state.invariantViolations()
        if !isConnected, !pendingRequests.isEmpty { violations.append("requests pending while disconnected") }
        return violations
    }

    public mutating func connected(at now: Timestamp) -> [ClientAction] {
        isConnected = true
        guard configuration.drivesConnection, !configuration.subscriptions.isEmpty else { return [] }
        return submit(.subscribe(configuration.subscriptions), at: now)
    }

    public mutating func disconnected(at now: Timestamp) -> [ClientAction] {
        let actions: [ClientAction] = pendingRequests.map { .emit(.commandUnanswered(.number($0))) }
        pendingRequests = []
        isConnected = false
        return actions
    }

    public mutating func timerFired(_ timer: ClientTimer, at now: Timestamp) -> [ClientAction] {
        // No timers: the docs give no heartbeat rule and auth happens in the handshake.
        []
    }

    public mutating func submit(_ command: RoxomCommand, at now: Timestamp) -> [ClientAction] {
        guard isConnected else { return [.emit(.commandRefused(reason: "not connected: connect before subscribing"))] }
        pendingRequests.append(nextSequence)
        nextSequence += 1
        return [.sendJSON(command.json)]
    }

    public mutating func sentFrame(_ payload: [UInt8], at now: Timestamp) -> [ClientAction] {
        switch RoxomCommand.decode(payload) {
        case .success:
            pendingRequests.append(nextSequence)
            nextSequence += 1
            return []
        case .failure(let failure):
            return [.emit(.unrecognised(failure))]
        }
    }

    public mutating func receivedFrame(_ payload: [UInt8], at now: Timestamp) -> [ClientAction] {
        switch decoder.decode(payload) {
        case .failure(let failure):
            return [.emit(.unrecognised(failure))]
        case .success(let message):
            return apply(message, raw: payload)
        }
    }

    /// The actions a message asks for: its events, built as actions (market data, nearly every
    /// frame, thus costs one array, not an array of events and another of actions).
    private mutating func apply(_ message: RoxomMessage, raw: [UInt8]) -> [ClientAction] {
        switch message {
        case .subscribed:
            guard !pendingRequests.isEmpty else {
                return [.emit(.anomaly(Anomaly(kind: .answerToUnknownRequest, expected: "no request pending", received: "subscribe or unsubscribe ack", raw: raw)))]
            }
            return [.emit(.commandAccepted(.number(pendingRequests.removeFirst())))]
        case .error(let error):
            return [.emit(error.code == "600010" ? .authenticationFailed(error) : .venueError(error))]
        case .bookSnapshot(let book):
            return [.emit(.bookSnapshot(book))]
        case .bookDelta(let delta):
            return [.emit(.bookDelta(delta))]
        case .trade(let trade):
            return [.emit(.trades([trade]))]
        case .ticker(let ticker):
            return [.emit(.ticker(ticker))]
        case .balance(let update):
            state.balancesByAsset[update.balance.asset] = update.balance
            return [.emit(.balanceUpdated(update.balance))]
        case .positions(let positions):
            var actions: [ClientAction] = []
            for position in positions {
                guard symbols.contains(position.symbol) else {
                    actions.append(.emit(unknownSymbol("position", position.symbol, raw)))
                    continue
                }
                state.positionsBySymbol[position.symbol] = position
                if let leverage = position.leverage { state.leverageBySymbol[position.symbol] = leverage }
                actions.append(.emit(.positionUpdated(position)))
            }
            return actions
        case .order(let update):
            return applyOrder(update, raw: raw).map { .emit($0) }
        }
    }

    /// First sighting must be an open status: a fill or cancel of an order never seen contradicts our state.
    private mutating func applyOrder(_ update: RoxomOrderUpdate, raw: [UInt8]) -> [VenueEvent] {
        guard symbols.contains(update.symbol) else { return [unknownSymbol("order", update.symbol, raw)] }
        let previous = state.ordersByKey[update.orderID]
        if previous == nil, update.status != .accepted, update.status != .rejected {
            let kind: Anomaly.Kind = update.executedQuantity.isZero ? .cancelForUnknownOrder : .fillForUnknownOrder
            return [.anomaly(Anomaly(kind: kind, expected: "no order \(update.orderID)",
                                     received: "\(update.statusText) with \(update.executedQuantity) executed", raw: raw))]
        }
        var events: [VenueEvent] = []
        let executedBefore = previous.flatMap { prior in prior.originalQuantity.flatMap { $0.subtracting(prior.quantity) } } ?? .zero
        if let traded = update.executedQuantity.subtracting(executedBefore), traded > .zero,
           let price = update.fillPrice ?? update.averagePrice {
            events.append(.orderFilled(Fill(
                symbol: update.symbol, venueOrderID: update.orderID, clientOrderID: update.clientOrderID ?? previous?.clientOrderID,
                side: update.side ?? previous?.side, price: price, quantity: traded, fee: update.filledFees,
                venueTimeMillis: update.timestampNanos.map { $0 / 1_000_000 })))
        }
        guard let side = update.side ?? previous?.side else {
            return events + [.unrecognised(UnrecognisedFrame(reason: .missingField("side", in: "order"), raw: raw))]
        }
        let order = Order(
            symbol: update.symbol, venueOrderID: update.orderID, clientOrderID: update.clientOrderID ?? previous?.clientOrderID,
            side: side, type: update.orderType ?? previous?.type ?? .limit, price: update.limitPrice ?? previous?.price,
            quantity: update.remainingQuantity,
            originalQuantity: update.orderSize ?? previous?.originalQuantity ?? update.remainingQuantity.adding(update.executedQuantity),
            status: update.status, venueTimeMillis: update.timestampNanos.map { $0 / 1_000_000 })
        if order.status.isOpen, order.quantity > .zero, order.originalQuantity.map({ order.quantity <= $0 }) ?? true {
            state.ordersByKey[update.orderID] = order
        } else {
            state.ordersByKey.removeValue(forKey: update.orderID)
        }
        return events + [.orderUpdated(order)]
    }

    private func unknownSymbol(_ message: String, _ symbol: String, _ raw: [UInt8]) -> VenueEvent {
        .anomaly(Anomaly(kind: .unknownSymbol, expected: "instruments \(symbols.joined(separator: ", "))",
                         received: "\(message) for \(symbol)", raw: raw))
    }
}
