import TapeCore

/// The Digitex trading and market-data client as a state machine without I/O.
///
/// The same value runs live (a socket driver), on a tape (the replay engine) and against the
/// simulator: each calls the event methods with the time the event happened and interprets the
/// returned actions. Nothing inside reads a clock or a random source.
///
/// Driving it: `connected(at:)` when the socket opens, `receivedFrame(_:at:)` per inbound text
/// frame, `submit(_:at:)` for each command, `timerFired(_:at:)` when a requested timer is due,
/// `disconnected(at:)` when the socket goes. A replay engine can hand over whole tape frames with
/// `handle(_:)` (from `VenueClient`), which also reads outbound frames so that request ids correlate.
public struct DigitexClient: VenueClient {
    public struct Configuration: Sendable {
        /// The API token; nil to connect unauthenticated (public feed only).
        public var token: String?
        /// Instruments we trade; private pushes for any other symbol are anomalies.
        public var instruments: [Instrument]
        /// True when this client talks to the venue itself (live, simulator): it authenticates on
        /// connect, answers `ping` and sends keep-alives. False when replaying a tape that already
        /// holds the outbound side: then it only observes, and never asks to send.
        public var drivesConnection: Bool
        public var heartbeatInterval: Timestamp.Duration
        public var authenticationTimeout: Timestamp.Duration
        /// The docs never name the margin asset; balances are DGTX (the ticker quotes `dgtxUsdRate`).
        public var balanceAsset: String
        /// Most requests in flight at once; more are refused (the venue allows 10 per second).
        public var maxPendingRequests: Int

        public init(
            token: String?, instruments: [Instrument] = [Instrument(symbol: "BTCUSD-PERP", tickSize: 5, lotSize: 1)],
            drivesConnection: Bool = true, heartbeatInterval: Timestamp.Duration = .seconds(30),
            authenticationTimeout: Timestamp.Duration = .seconds(10), balanceAsset: String = "DGTX",
            maxPendingRequests: Int = 256
        ) {
            self.token = token
            self.instruments = instruments
            self.drivesConnection = drivesConnection
            self.heartbeatInterval = heartbeatInterval
            self.authenticationTimeout = authenticationTimeout
            self.balanceAsset = balanceAsset
            self.maxPendingRequests = maxPendingRequests
        }
    }

    enum ConnectionState: Hashable, Sendable {
        case disconnected
        case connected
        case authenticating(requestID: Int64)
        case authenticated
    }

    public let configuration: Configuration
    var connection = ConnectionState.disconnected
    var book: DigitexAccountBook
    /// Requests sent and not yet answered, by id.
    var pending: [Int64: DigitexCommand] = [:]
    var nextRequestID: Int64 = 1
    var lastSentAt: Timestamp?
    var decoder = DigitexDecoder()

    public init(configuration: Configuration) {
        self.configuration = configuration
        self.book = DigitexAccountBook(instruments: configuration.instruments.map(\.symbol), balanceAsset: configuration.balanceAsset)
    }

    /// Orders, positions, balances and conditional orders as the venue last described them.
    public var account: AccountState { book.state }
    /// Live contracts (the pieces of the position), ordered by id.
    public var contracts: [DigitexContract] { book.contracts.sorted { $0.key < $1.key }.map(\.value) }
    public var isAuthenticated: Bool { connection == .authenticated }
    public var isConnected: Bool { connection != .disconnected }
    /// Requests awaiting an answer, ordered by id.
    public var pendingRequests: [(id: Int64, command: DigitexCommand)] {
        pending.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// Broken consistency rules of the state (empty when consistent).
    public func invariantViolations() -> [String] {
        var violations = book.invariantViolations()
        if case .authenticating(let id) = connection, pending[id] == nil, configuration.drivesConnection {
            violations.append("authenticating with request \(id) that is not pending")
        }
        if connection == .disconnected, !pending.isEmpty { violations.append("requests pending while disconnected") }
        return violations
    }

    // MARK: Connection events

    public mutating func connected(at now: Timestamp) -> [ClientAction] {
        connection = .connected
        guard configuration.drivesConnection else { return [] }
        var actions: [ClientAction] = [.scheduleTimer(.heartbeat, at: now + configuration.heartbeatInterval)]
        if let token = configuration.token {
            actions += submit(.authenticate(token: token), at: now)
        }
        return actions
    }

    public mutating func disconnected(at now: Timestamp) -> [ClientAction] {
        var actions: [ClientAction] = pendingRequests.map { .emit(.commandUnanswered(.number($0.id))) }
        pending = [:]
        connection = .disconnected
        if book.state.tradingAvailable {
            book.state.tradingAvailable = false
            actions.append(.emit(.tradingStatusChanged(available: false)))
        }
        if configuration.drivesConnection {
            actions += [.cancelTimer(.heartbeat), .cancelTimer(.authenticationDeadline)]
        }
        return actions
    }

    public mutating func timerFired(_ timer: ClientTimer, at now: Timestamp) -> [ClientAction] {
        switch timer {
        case .heartbeat:
            guard connection != .disconnected, configuration.drivesConnection else { return [] }
            var actions: [ClientAction] = []
            // Only ping when nothing else went out for a whole interval; any message keeps the socket alive.
            if lastSentAt.map({ now - $0 >= configuration.heartbeatInterval }) ?? true {
                lastSentAt = now
                actions.append(.send(.text, Array("ping".utf8)))
            }
            actions.append(.scheduleTimer(.heartbeat, at: now + configuration.heartbeatInterval))
            return actions
        case .authenticationDeadline:
            guard case .authenticating(let id) = connection else { return [] }
            pending.removeValue(forKey: id)
            connection = .connected
            let error = VenueError(code: "timeout", message: "no answer to auth within \(configuration.authenticationTimeout.seconds) s")
            return [.emit(.commandUnanswered(.number(id))), .emit(.authenticationFailed(error))]
        }
    }

    // MARK: Commands

    /// Sends a command, or refuses it (with an event saying why) when the connection is not ready:
    /// trading requests need an authenticated session with `tradingStatus` available.
    public mutating func submit(_ command: DigitexCommand, at now: Timestamp) -> [ClientAction] {
        if let reason = refusal(for: command) { return [.emit(.commandRefused(reason: reason))] }
        let id = nextRequestID
        nextRequestID += 1
        register(command, id: id)
        lastSentAt = now
        var actions: [ClientAction] = [.sendJSON(command.json(id: id))]
        if case .authenticate = command {
            actions.append(.scheduleTimer(.authenticationDeadline, at: now + configuration.authenticationTimeout))
        }
        return actions
    }

    private func refusal(for command: DigitexCommand) -> String? {
        if pending.count >= configuration.maxPendingRequests {
            return "\(pending.count) requests unanswered: wait for answers before sending \(command.method)"
        }
        switch connection {
        case .disconnected:
            return "not connected: connect before sending \(command.method)"
        case .authenticating:
            if case .authenticate = command { return "authentication already in progress" }
            return command.needsTrading ? "authentication in progress: wait for tradingStatus before \(command.method)" : nil
        case .connected:
            return command.needsTrading ? "not authenticated: send auth before \(command.method)" : nil
        case .authenticated:
            if case .authenticate = command { return "already authenticated" }
            if command.needsTrading, !book.state.tradingAvailable {
                return "trading is not available (tradingStatus false): \(command.method) not sent"
            }
            return nil
        }
    }

    mutating func register(_ command: DigitexCommand, id: Int64) {
        pending[id] = command
        if case .authenticate = command { connection = .authenticating(requestID: id) }
    }
}
