import Exchange
import TapeCore
import Venues

/// The QFEX trade and market-data WebSockets, simulated over a seeded market.
///
/// Trade socket: `auth` (api_key, or HMAC-SHA256 of `nonce:unix_ts` with the secret, nonce unique
/// per 15 minutes; within 60 s of connecting), `subscribe`/`unsubscribe` (orders, order_responses,
/// positions, balances, fills), `add_order`, `cancel_order` (by order id or client order id),
/// `cancel_all_orders`, `modify_order`, `get_user_orders`, `get_user_trades`, `get_user_leverage`,
/// `get_available_leverage_levels`, `set_user_leverage`, `cancel_on_disconnect`; answers in the
/// single-key shapes (`order_response`, `fill_response`, `position_response`, `balance_response`,
/// `subscribed`, `ack_response`, `err`). Positions and balances are pulsed every second.
/// Market-data socket: `bbo`, `level2`, `trade`, `funding`, `mark_price`, `underlier` per symbol.
public struct QFEXSimulator: SimulatorDialect {
    public static let venue = "qfex"

    public struct Configuration: Sendable {
        public var symbol: String
        /// Accepted keys and secrets; empty accepts any non-empty api_key, any HMAC and any JWT.
        public var credentials: [SimulatorCredentials]
        /// What a new trader finds on its account (USD).
        public var deposit: Cash
        public var authenticationTimeout: Timestamp.Duration
        public var pulseInterval: Timestamp.Duration
        public var level2Depth: Int
        public var market: MarketDataConfig

        public init(
            credentials: [SimulatorCredentials] = [], deposit: Cash = Cash(units: 100_000),
            authenticationTimeout: Timestamp.Duration = .seconds(60), pulseInterval: Timestamp.Duration = .seconds(1),
            level2Depth: Int = 10,
            market: MarketDataConfig = MarketDataConfig(instrument: .linearBTCUSD, startPrice: Price(units: 9_845_000))
        ) {
            self.symbol = market.instrument.symbol
            self.credentials = credentials
            self.deposit = deposit
            self.authenticationTimeout = authenticationTimeout
            self.pulseInterval = pulseInterval
            self.level2Depth = level2Depth
            self.market = market
        }
    }

    public let configuration: Configuration
    public internal(set) var market: MarketDataGenerator
    var sessions: [ConnectionID: QFEXSession] = [:]
    var connections: [ConnectionID] = []
    var traders: [QFEXTrader] = []
    var traderByKey: [String: Int] = [:]
    /// HMAC nonces seen, with the market time they were used (kept 15 minutes).
    var nonces: [(nonce: String, time: Timestamp)] = []
    var nextTag: UInt64 = 1
    var nextID: UInt64 = 1
    var sequence: Int64 = 0

    public init(seed: UInt64, configuration: Configuration = Configuration()) {
        self.configuration = configuration
        market = MarketDataGenerator(seed: seed, config: configuration.market)
        _ = market.next()
    }

    public var marketTime: Timestamp { market.now }

    public func session(_ connection: ConnectionID) -> QFEXSession? { sessions[connection] }

    /// The exchange account of an API key, once it authenticated.
    public func account(key: String) -> AccountID? { traderByKey[key].map { AccountID(traders[$0].account) } }

    // MARK: Connection events

    public mutating func connected(_ connection: ConnectionID, target: String, headers: [HTTPHeader], at now: Timestamp) -> [SimulatorAction] {
        precondition(sessions[connection] == nil, "connection \(connection) connected twice")
        let kind: QFEXSession.Kind = target.hasPrefix("/mds") ? .marketData : .trade
        sessions[connection] = QFEXSession(connection: connection, kind: kind)
        connections.insert(connection, at: connections.firstIndex { $0 > connection } ?? connections.endIndex)
        guard kind == .trade else { return [] }
        return [
            .scheduleTimer(SimulatorTimer(connection, .authenticationDeadline), at: now + configuration.authenticationTimeout),
            .scheduleTimer(SimulatorTimer(connection, .heartbeat), at: now + configuration.pulseInterval),
        ]
    }

    public mutating func disconnected(_ connection: ConnectionID, at now: Timestamp) -> [SimulatorAction] {
        guard let session = sessions.removeValue(forKey: connection) else { return [] }
        connections.removeAll { $0 == connection }
        var actions: [SimulatorAction] = [
            .cancelTimer(SimulatorTimer(connection, .authenticationDeadline)), .cancelTimer(SimulatorTimer(connection, .heartbeat)),
        ]
        if session.cancelOnDisconnect, let key = session.key, let trader = traderByKey[key] {
            let account = AccountID(traders[trader].account)
            actions += run { exchange, now in exchange.cancelAll(account: account, instrument: InstrumentID(0), at: now) }
        }
        return actions
    }

    public mutating func timerFired(_ timer: SimulatorTimer, at now: Timestamp) -> [SimulatorAction] {
        guard let session = sessions[timer.connection] else { return [] }
        switch timer.kind {
        case .authenticationDeadline:
            guard session.key == nil else { return [] }
            return [.close(timer.connection, CloseInfo(code: 1008, reason: "not authenticated within \(configuration.authenticationTimeout.seconds) s"))]
        case .heartbeat:
            var actions: [SimulatorAction] = [.scheduleTimer(timer, at: now + configuration.pulseInterval)]
            if let key = session.key, let trader = traderByKey[key] {
                if session.channels.contains("positions") { actions.append(send(timer.connection, positionResponse(trader))) }
                if session.channels.contains("balances") { actions.append(send(timer.connection, balanceResponse(trader))) }
            }
            return actions
        case .idle:
            return []
        }
    }

    public mutating func receivedFrame(_ connection: ConnectionID, _ kind: FrameKind, _ payload: [UInt8], at now: Timestamp) -> [SimulatorAction] {
        guard let session = sessions[connection] else { return [] }
        switch kind {
        case .text: break
        case .binary: return [error(connection, "binary messages are not supported: send JSON text")]
        case .ping, .pong, .close, .opened, .closed, .lost, .error, .annotation: return []
        }
        let command: QFEXCommand
        switch QFEXCommand.decode(payload) {
        case .success(let decoded): command = decoded
        case .failure(let failure): return [error(connection, "bad request: \(failure.reason)")]
        }
        switch session.kind {
        case .marketData:
            return marketDataRequest(command, connection: connection)
        case .trade:
            return tradeRequest(command, connection: connection, at: now)
        }
    }

    // MARK: Helpers

    func send(_ connection: ConnectionID, _ json: JSONOutput) -> SimulatorAction {
        .send(connection, .text, json.bytes)
    }

    func single(_ key: String, _ value: JSONOutput) -> JSONOutput { .object([(key, value)]) }

    func error(_ connection: ConnectionID, _ message: String) -> SimulatorAction {
        send(connection, single("err", .string(message)))
    }

    /// Trade connections authenticated as this trader, in connection order.
    func connections(of trader: Int) -> [ConnectionID] {
        let key = traders[trader].key
        return connections.filter { sessions[$0]?.key == key }
    }

    func push(_ json: JSONOutput, to trader: Int, channel: String? = nil) -> [SimulatorAction] {
        let bytes = json.bytes
        return connections(of: trader).compactMap { connection in
            if let channel, !(sessions[connection]?.channels.contains(channel) ?? false) { return nil }
            return .send(connection, .text, bytes)
        }
    }

    /// A UUID-shaped id from a counter (deterministic).
    mutating func uuid() -> String {
        defer { nextID += 1 }
        return CounterUUID.string(nextID, version: UInt8(ascii: "4"))
    }

    var utcNanosNow: Int64 { configuration.market.utcNanosAtZero + market.now.nanoseconds }

    /// USD from price units (1/100 USD).
    func usd(_ units: Int64) -> JSONOutput { .number(FixedDecimal(mantissa: units, scale: 2).normalized) }
    /// Base quantity from lots (1/1,000).
    func base(_ lots: Int64) -> JSONOutput { .number(FixedDecimal(mantissa: lots, scale: 3).normalized) }
    func cash(_ value: Cash) -> JSONOutput { .number(FixedDecimal(mantissa: value.minor, scale: 8).normalized) }
}
