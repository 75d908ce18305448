import TapeCore

/// The Notional account client as a state machine without I/O. No auth (accounts are public by
/// address); a JSON ping every `heartbeatInterval` because the venue drops connections idle for 60 s.
public struct NotionalClient: VenueClient {
    public struct Configuration: Sendable {
        /// The account's address, lower case as the venue wants it.
        public var user: String
        /// Coins we trade; positions in other coins are anomalies.
        public var coins: [String]
        /// Channels subscribed on connect when `drivesConnection`.
        public var channels: [String]
        public var drivesConnection: Bool
        public var heartbeatInterval: Timestamp.Duration

        public init(user: String, coins: [String], channels: [String] = ["accountSummary"], drivesConnection: Bool = true,
                    heartbeatInterval: Timestamp.Duration = .seconds(30)) {
            self.user = user
            self.coins = coins
            self.channels = channels
            self.drivesConnection = drivesConnection
            self.heartbeatInterval = heartbeatInterval
        }
    }

    public let configuration: Configuration
    public private(set) var isConnected = false
    private var state = AccountState()
    /// Subscriptions awaiting `subscriptionResponse`, oldest first: (sequence, channel type).
    private var pending: [(sequence: Int64, type: String)] = []
    private var nextSequence: Int64 = 1
    private var decoder = NotionalDecoder()
    /// The schema the last account summary used; a change mid-session is worth knowing about.
    public private(set) var schema: NotionalAccountSummary.Schema?

    public init(configuration: Configuration) {
        self.configuration = configuration
    }

    public var account: AccountState { state }

    public func invariantViolations() -> [String] {
        var violations = state.invariantViolations()
        if !isConnected, !pending.isEmpty { violations.append("subscriptions pending while disconnected") }
        return violations
    }

    public mutating func connected(at now: Timestamp) -> [ClientAction] {
        isConnected = true
        guard configuration.drivesConnection else { return [] }
        var actions: [ClientAction] = [.scheduleTimer(.heartbeat, at: now + configuration.heartbeatInterval)]
        for channel in configuration.channels {
            // activeAssetData is per coin; every other channel is per account.
            if channel == "activeAssetData" {
                for coin in configuration.coins { actions += submit(.subscribe(type: channel, user: configuration.user, coin: coin), at: now) }
            } else {
                actions += submit(.subscribe(type: channel, user: configuration.user), at: now)
            }
        }
        return actions
    }

    public mutating func disconnected(at now: Timestamp) -> [ClientAction] {
        var actions: [ClientAction] = pending.map { .emit(.commandUnanswered(.number($0.sequence))) }
        pending = []
        isConnected = false
        if configuration.drivesConnection { actions.append(.cancelTimer(.heartbeat)) }
        return actions
    }

    public mutating func timerFired(_ timer: ClientTimer, at now: Timestamp) -> [ClientAction] {
        switch timer {
        case .heartbeat:
            guard isConnected, configuration.drivesConnection else { return [] }
            return [.sendJSON(NotionalCommand.ping.json), .scheduleTimer(.heartbeat, at: now + configuration.heartbeatInterval)]
        case .authenticationDeadline:
            return []
        }
    }

    public mutating func submit(_ command: NotionalCommand, at now: Timestamp) -> [ClientAction] {
        guard isConnected else { return [.emit(.commandRefused(reason: "not connected: connect before sending requests"))] }
        register(command)
        return [.sendJSON(command.json)]
    }

    private mutating func register(_ command: NotionalCommand) {
        // A subscribe and an unsubscribe are each answered by one subscriptionResponse naming the type.
        switch command {
        case .subscribe(let type, _, _), .unsubscribe(let type, _, _): pending.append((nextSequence, type))
        case .ping: break
        }
        nextSequence += 1
    }

    public mutating func sentFrame(_ payload: [UInt8], at now: Timestamp) -> [ClientAction] {
        switch NotionalCommand.decode(payload) {
        case .success(let command): register(command); return []
        case .failure(let failure): return [.emit(.unrecognised(failure))]
        }
    }

    public mutating func receivedFrame(_ payload: [UInt8], at now: Timestamp) -> [ClientAction] {
        switch decoder.decode(payload) {
        case .failure(let failure): return [.emit(.unrecognised(failure))]
        case .success(let message): return apply(message, raw: payload)
        }
    }

    /// The events of `message`, as actions (made as such: mapping events into actions cost an
    /// array a frame).
    private mutating func apply(_ message: NotionalMessage, raw: [UInt8]) -> [ClientAction] {
        switch message {
        case .pong:
            return [.emit(.heartbeat)]
        case .error(let error):
            return [.emit(.venueError(error))]
        case .subscriptionResponse(let type, _):
            guard let index = pending.firstIndex(where: { $0.type == type }) else {
                return [.emit(.anomaly(Anomaly(kind: .answerToUnknownRequest, expected: "no \(type) subscribe or unsubscribe pending",
                                               received: "subscriptionResponse \(type)", raw: raw)))]
            }
            return [.emit(.commandAccepted(.number(pending.remove(at: index).sequence)))]
        case .accountSummary(let summary):
            return applySummary(summary, raw: raw)
        case .userFills(let user, let isSnapshot, let fills):
            if let problem = foreign(user: user, coins: fills.lazy.map(\.symbol), channel: "userFills", raw: raw) { return [.emit(problem)] }
            return isSnapshot ? [.emit(.fillHistory(fills))] : fills.map { .emit(.orderFilled($0)) }
        case .orderUpdates(let updates):
            return updates.map { .emit(applyOrder($0.order, raw: raw)) }
        case .orderRejections(let user, let rejections):
            if let problem = foreign(user: user, coins: rejections.lazy.map(\.symbol), channel: "userOrderRejections", raw: raw) {
                return [.emit(problem)]
            }
            return rejections.map { rejection in
                .emit(.venueError(VenueError(code: "rejected", message: "\(rejection.side == .buy ? "buy" : "sell") \(rejection.quantity) "
                    + "\(rejection.symbol) at \(rejection.price): \(rejection.reason)")))
            }
        case .activeAssetData(let user, let coin, let leverage):
            if let problem = foreign(user: user, coins: CollectionOfOne(coin), channel: "activeAssetData", raw: raw) { return [.emit(problem)] }
            // Pushed whenever the tradable sizes move (with the mark): only a new leverage is news.
            guard state.leverageBySymbol.store(leverage, forKey: coin) else { return [] }
            return [.emit(.leverageChanged(symbol: coin, leverage: leverage))]
        }
    }

    /// An anomaly when a push names another account or a coin we do not trade; nil when it is ours.
    /// `user` is nil for pushes that name no account (`orderUpdates`). (The coins are not
    /// collected into an array: most pushes name one, and come every second.)
    private func foreign(user: String?, coins: some Sequence<String>, channel: String, raw: [UInt8]) -> VenueEvent? {
        if let user, user != configuration.user {
            return .anomaly(Anomaly(kind: .unknownSymbol, expected: "account \(configuration.user)", received: "\(channel) for \(user)", raw: raw))
        }
        if let unknown = coins.first(where: { !configuration.coins.contains($0) }) {
            return .anomaly(Anomaly(kind: .unknownSymbol, expected: "coins \(configuration.coins.joined(separator: ", "))",
                                    received: "\(channel) in \(unknown)", raw: raw))
        }
        return nil
    }

    /// An open order is kept by its oid; any other status ends it. Orders on a coin we do not trade
    /// are anomalies, as in summaries.
    private mutating func applyOrder(_ order: Order, raw: [UInt8]) -> VenueEvent {
        if let problem = foreign(user: nil, coins: CollectionOfOne(order.symbol), channel: "orderUpdates", raw: raw) { return problem }
        if order.status.isOpen {
            state.ordersByKey[order.venueOrderID] = order
        } else {
            state.ordersByKey.removeValue(forKey: order.venueOrderID)
        }
        return .orderUpdated(order)
    }

    /// A summary is complete: positions it does not list are closed. A summary for another user or
    /// with a coin we do not trade contradicts the configuration and is reported, not applied.
    private mutating func applySummary(_ summary: NotionalAccountSummary, raw: [UInt8]) -> [ClientAction] {
        guard summary.user == configuration.user else {
            return [.emit(.anomaly(Anomaly(kind: .unknownSymbol, expected: "account \(configuration.user)",
                                           received: "accountSummary for \(summary.user)", raw: raw)))]
        }
        if let unknown = summary.positions.first(where: { !configuration.coins.contains($0.symbol) }) {
            return [.emit(.anomaly(Anomaly(kind: .unknownSymbol, expected: "coins \(configuration.coins.joined(separator: ", "))",
                                           received: "position in \(unknown.symbol)", raw: raw)))]
        }
        schema = summary.schema
        var events = EmittedEvents()
        for balance in summary.balances {
            if state.balancesByAsset.store(balance, forKey: balance.asset) { events.append(.balanceUpdated(balance)) }
        }
        // Sent every second: in the usual summary every position we hold is listed, and nothing is
        // collected or sorted.
        if state.positionsBySymbol.keys.contains(where: { !summary.lists($0) }) {
            for coin in state.positionsBySymbol.keys.filter({ !summary.lists($0) }).sorted() {
                let closed = Position(symbol: coin, side: .flat, size: .zero, leverage: state.positionsBySymbol[coin]?.leverage)
                if state.positionsBySymbol.store(closed, forKey: coin) { events.append(.positionUpdated(closed)) }
            }
        }
        for position in summary.positions {
            guard state.positionsBySymbol.store(position, forKey: position.symbol) else { continue }
            if let leverage = position.leverage { state.leverageBySymbol[position.symbol] = leverage }
            events.append(.positionUpdated(position))
        }
        return events.actions
    }
}
