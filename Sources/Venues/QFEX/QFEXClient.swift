import TapeCore

/// The QFEX trade (and market-data) client as a state machine without I/O.
///
/// QFEX echoes no request id, so each request gets a local sequence number (`RequestID.number`)
/// and answers are matched by what they carry: `order_response` by client order id (or, when it
/// is empty, the oldest add_order for the same symbol and side), cancels and modifies by order
/// id, `subscribed` by channel, `ack_response` by the oldest request that is answered that way.
public struct QFEXClient: VenueClient {
    public struct Configuration: Sendable {
        public var credentials: QFEXCredentials?
        /// Instruments we trade; account pushes for other symbols are anomalies.
        public var instruments: [Instrument]
        /// False when replaying a tape that already holds the outbound side (see `DigitexClient`).
        public var drivesConnection: Bool
        public var authenticationTimeout: Timestamp.Duration
        public var maxPendingRequests: Int

        public init(
            credentials: QFEXCredentials?, instruments: [Instrument], drivesConnection: Bool = true,
            authenticationTimeout: Timestamp.Duration = .seconds(10), maxPendingRequests: Int = 256
        ) {
            self.credentials = credentials
            self.instruments = instruments
            self.drivesConnection = drivesConnection
            self.authenticationTimeout = authenticationTimeout
            self.maxPendingRequests = maxPendingRequests
        }
    }

    enum ConnectionState: Hashable, Sendable {
        case disconnected, connected, authenticating, authenticated
    }

    /// A request awaiting its answer; subscriptions wait for one `subscribed` per channel.
    struct Pending: Hashable, Sendable {
        var sequence: Int64
        var command: QFEXCommand
        var awaitingChannels: [String]
    }

    public let configuration: Configuration
    var connection = ConnectionState.disconnected
    var book: QFEXAccountBook
    /// In the order sent, so the oldest match wins.
    var pending: [Pending] = []
    var nextSequence: Int64 = 1
    var decoder = QFEXDecoder()

    public init(configuration: Configuration) {
        self.configuration = configuration
        book = QFEXAccountBook(instruments: configuration.instruments.map(\.symbol))
    }

    public var account: AccountState { book.state }
    public var isAuthenticated: Bool { connection == .authenticated }
    public var isConnected: Bool { connection != .disconnected }
    public var pendingRequests: [(id: Int64, command: QFEXCommand)] { pending.map { ($0.sequence, $0.command) } }

    public func invariantViolations() -> [String] {
        var violations = book.state.invariantViolations()
        if connection == .disconnected, !pending.isEmpty { violations.append("requests pending while disconnected") }
        if book.state.tradingAvailable != (connection == .authenticated) {
            violations.append("trading available \(book.state.tradingAvailable) in state \(connection)")
        }
        return violations
    }

    public mutating func connected(at now: Timestamp) -> [ClientAction] {
        connection = .connected
        guard configuration.drivesConnection, let credentials = configuration.credentials else { return [] }
        return submit(.authenticate(credentials), at: now)
    }

    public mutating func disconnected(at now: Timestamp) -> [ClientAction] {
        var actions: [ClientAction] = pending.map { .emit(.commandUnanswered(.number($0.sequence))) }
        pending = []
        connection = .disconnected
        if book.state.tradingAvailable {
            book.state.tradingAvailable = false
            actions.append(.emit(.tradingStatusChanged(available: false)))
        }
        if configuration.drivesConnection { actions.append(.cancelTimer(.authenticationDeadline)) }
        return actions
    }

    public mutating func timerFired(_ timer: ClientTimer, at now: Timestamp) -> [ClientAction] {
        switch timer {
        case .heartbeat:
            // QFEX keeps the socket alive with WebSocket pings, which the socket layer answers.
            return []
        case .authenticationDeadline:
            guard connection == .authenticating, let index = pending.firstIndex(where: { $0.command.type == "auth" }) else { return [] }
            let request = pending.remove(at: index)
            connection = .connected
            let error = VenueError(code: "timeout", message: "no answer to auth within \(configuration.authenticationTimeout.seconds) s")
            return [.emit(.commandUnanswered(.number(request.sequence))), .emit(.authenticationFailed(error))]
        }
    }

    /// Sends a command, or refuses it with the reason when the session is not ready for it.
    public mutating func submit(_ command: QFEXCommand, at now: Timestamp) -> [ClientAction] {
        if let reason = refusal(for: command) { return [.emit(.commandRefused(reason: reason))] }
        register(command)
        var actions: [ClientAction] = [.sendJSON(command.json)]
        if case .authenticate = command {
            actions.append(.scheduleTimer(.authenticationDeadline, at: now + configuration.authenticationTimeout))
        }
        return actions
    }

    private func refusal(for command: QFEXCommand) -> String? {
        if pending.count >= configuration.maxPendingRequests {
            return "\(pending.count) requests unanswered: wait for answers before sending \(command.type)"
        }
        switch connection {
        case .disconnected:
            return "not connected: connect before sending \(command.type)"
        case .connected, .authenticating:
            if case .authenticate = command, connection == .authenticating { return "authentication already in progress" }
            return command.needsAuthentication ? "not authenticated: send auth before \(command.type)" : nil
        case .authenticated:
            if case .authenticate = command { return "already authenticated" }
            return nil
        }
    }

    mutating func register(_ command: QFEXCommand) {
        // No documented answer: not kept pending, or it would stay pending for ever.
        switch command {
        case .unsubscribe, .subscribeMarketData, .unsubscribeMarketData, .cancelAllOrders, .cancelOnDisconnect:
            return
        case .authenticate, .subscribe, .addOrder, .cancelOrder, .modifyOrder, .getUserOrders, .getUserTrades,
             .getUserLeverage, .getAvailableLeverageLevels, .setUserLeverage:
            break
        }
        let channels: [String]
        switch command {
        case .subscribe(let names), .subscribeMarketData(let names, _): channels = names
        case .authenticate: connection = .authenticating; channels = []
        case .unsubscribe, .unsubscribeMarketData, .addOrder, .cancelOrder, .cancelAllOrders, .modifyOrder, .getUserOrders,
             .getUserTrades, .getUserLeverage, .getAvailableLeverageLevels, .setUserLeverage, .cancelOnDisconnect:
            channels = []
        }
        pending.append(Pending(sequence: nextSequence, command: command, awaitingChannels: channels))
        nextSequence += 1
    }
}
