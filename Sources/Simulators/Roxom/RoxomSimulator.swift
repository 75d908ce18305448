import Exchange
import TapeCore
import Venues

/// The Roxom WebSocket (wss://ws.roxom.com/ws), simulated over a seeded market.
///
/// Authentication is in the upgrade headers (HMAC: `X-API-KEY`, `X-API-TIMESTAMP`, `X-API-SIGN`;
/// RSA: `X-API-Key`, `X-API-Signature`); a connection without them may read market data only.
/// Requests: `{"op":"subscribe"|"unsubscribe","args":[{channel, symbol?}]}` for `depth`, `level1`,
/// `trade`, `ticker` (per symbol) and `orders`, `balance`, `positions`. Pushes: market data
/// `{topic, type, createdTime, data}`; private `{type, data}` (`order`, `position`, `balance`) to
/// every authenticated connection of the account, subscribed or not; errors
/// `{"event":"error","code":"6000xx",…}`. Orders go over REST at the venue; here the public
/// order-entry methods (`placeOrder`, `cancelOrder`, `cancelAllOrders`, `setLeverage`) stand in
/// for it, and `Configuration.accountActivity` makes every account trade by itself.
public struct RoxomSimulator: SimulatorDialect {
    public static let venue = "roxom"

    public struct Configuration: Sendable {
        public var symbol: String
        /// Accepted keys and secrets; empty accepts any non-empty key, signed or not.
        public var credentials: [SimulatorCredentials]
        /// What a new account finds on it (BTC).
        public var deposit: Cash
        /// The server pings every connection this often (WebSocket ping frames).
        public var heartbeatInterval: Timestamp.Duration
        /// A connection that sends nothing (no message, ping or pong) for this long is closed (1001).
        public var idleTimeout: Timestamp.Duration
        /// Active subscriptions a connection may hold (over it: 60016).
        public var maxSubscriptions: Int
        /// When set, every authenticated account trades by itself (seed from the simulator's seed
        /// and the account's index), standing in for a REST client's orders.
        public var accountActivity: AccountActivity.Configuration?
        public var market: MarketDataConfig

        public init(
            credentials: [SimulatorCredentials] = [], deposit: Cash = Cash(units: 1),
            heartbeatInterval: Timestamp.Duration = .seconds(20), idleTimeout: Timestamp.Duration = .seconds(60),
            maxSubscriptions: Int = 50, accountActivity: AccountActivity.Configuration? = nil,
            market: MarketDataConfig = MarketDataConfig(instrument: .roxomUS500BTC, startPrice: Price(units: 500_000))
        ) {
            precondition(maxSubscriptions > 0, "RoxomSimulator needs room for at least one subscription")
            self.symbol = market.instrument.symbol
            self.credentials = credentials
            self.deposit = deposit
            self.heartbeatInterval = heartbeatInterval
            self.idleTimeout = idleTimeout
            self.maxSubscriptions = maxSubscriptions
            self.accountActivity = accountActivity
            self.market = market
        }
    }

    static let publicChannels = ["depth", "level1", "trade", "ticker"]
    static let privateChannels = ["orders", "balance", "positions"]

    public let configuration: Configuration
    public internal(set) var market: MarketDataGenerator
    let seed: UInt64
    var sessions: [ConnectionID: RoxomSession] = [:]
    var connections: [ConnectionID] = []
    var traders: [RoxomTrader] = []
    var traderByKey: [String: Int] = [:]
    var nextTag: UInt64 = 1
    var nextID: UInt64 = 1
    /// The best bid and ask last published on `level1` (price units and lots; 0 for none).
    var publishedTop: [Int64] = []

    public init(seed: UInt64, configuration: Configuration = Configuration()) {
        self.configuration = configuration
        self.seed = seed
        market = MarketDataGenerator(seed: seed, config: configuration.market)
        _ = market.next()
    }

    public var marketTime: Timestamp { market.now }

    public func session(_ connection: ConnectionID) -> RoxomSession? { sessions[connection] }

    /// The exchange account of an API key, once it authenticated.
    public func account(key: String) -> AccountID? { traderByKey[key].map { AccountID(traders[$0].account) } }

    /// The venue ids (`orderId`) of the key's open orders, oldest first.
    public func openOrderIDs(key: String) -> [String] { traderByKey[key].map { traders[$0].orders.map(\.orderID) } ?? [] }

    // MARK: Connection events

    public mutating func connected(_ connection: ConnectionID, target: String, headers: [HTTPHeader], at now: Timestamp) -> [SimulatorAction] {
        precondition(sessions[connection] == nil, "connection \(connection) connected twice")
        var session = RoxomSession(connection: connection, connID: uuid(), at: now)
        let timers: [SimulatorAction] = [
            .scheduleTimer(SimulatorTimer(connection, .heartbeat), at: now + configuration.heartbeatInterval),
            .scheduleTimer(SimulatorTimer(connection, .idle), at: now + configuration.idleTimeout),
        ]
        switch authenticate(headers) {
        case .anonymous:
            break
        case .refused:
            // The venue refuses in the handshake; over an upgraded socket that is the documented
            // error envelope, then a policy-violation close. Both go out from a timer due at once, so
            // that a driver which reports the upgrade before it can write still delivers them.
            session.refused = true
            sessions[connection] = session
            return [.scheduleTimer(SimulatorTimer(connection, .authenticationDeadline), at: now)]
        case .key(let key):
            session.key = key
            openAccount(key: key, at: now)
        }
        sessions[connection] = session
        connections.insert(connection, at: connections.firstIndex { $0 > connection } ?? connections.endIndex)
        return timers
    }

    public mutating func disconnected(_ connection: ConnectionID, at now: Timestamp) -> [SimulatorAction] {
        guard sessions.removeValue(forKey: connection) != nil else { return [] }
        connections.removeAll { $0 == connection }
        return [.cancelTimer(SimulatorTimer(connection, .heartbeat)), .cancelTimer(SimulatorTimer(connection, .idle)),
                .cancelTimer(SimulatorTimer(connection, .authenticationDeadline))]
    }

    public mutating func timerFired(_ timer: SimulatorTimer, at now: Timestamp) -> [SimulatorAction] {
        guard let session = sessions[timer.connection] else { return [] }
        switch timer.kind {
        case .heartbeat:
            return [.send(timer.connection, .ping, []), .scheduleTimer(timer, at: now + configuration.heartbeatInterval)]
        case .idle:
            let due = session.lastHeard + configuration.idleTimeout
            guard due <= now else { return [.scheduleTimer(timer, at: due)] }
            return [.close(timer.connection, CloseInfo(code: 1001, reason: "idle for \(configuration.idleTimeout.nanoseconds / 1_000_000_000) s"))]
        case .authenticationDeadline:
            guard session.refused else { return [] }
            return [
                send(timer.connection, errorEnvelope("600010", "Authentication failed", connID: session.connID)),
                .close(timer.connection, CloseInfo(code: 1008, reason: "Authentication failed")),
            ]
        }
    }

    public mutating func receivedFrame(_ connection: ConnectionID, _ kind: FrameKind, _ payload: [UInt8], at now: Timestamp) -> [SimulatorAction] {
        guard var session = sessions[connection], !session.refused else { return [] }
        session.lastHeard = now
        sessions[connection] = session
        switch kind {
        case .text: break
        case .binary: return [error(connection, "60018", "Binary messages not supported: send JSON text")]
        case .ping: return [.send(connection, .pong, payload)]
        case .pong, .close, .opened, .closed, .lost, .error, .annotation: return []
        }
        switch RoxomCommand.decode(payload) {
        case .failure(let failure):
            return [error(connection, "60017", "Message parsing error: \(Self.why(failure.reason))")]
        case .success(.subscribe(let channels)):
            return subscribe(channels, connection: connection)
        case .success(.unsubscribe(let channels)):
            return unsubscribe(channels, connection: connection)
        }
    }

    // MARK: Helpers

    static func why(_ reason: UnrecognisedFrame.Reason) -> String {
        switch reason {
        case .notJSON(let error): error.description
        case .unknownMessage(let name): "unknown message type \(name ?? "(none)")"
        case .missingField(let field, let message): "missing field \(field) in \(message)"
        case .badField(let field, let message): "bad value for \(field) in \(message)"
        case .unexpectedFrame(let kind): "unexpected \(kind) frame"
        }
    }

    func send(_ connection: ConnectionID, _ json: JSONOutput) -> SimulatorAction {
        .send(connection, .text, json.bytes)
    }

    func errorEnvelope(_ code: String, _ message: String, connID: String) -> JSONOutput {
        .object([("event", .string("error")), ("code", .string(code)), ("msg", .string(message)), ("connId", .string(connID))])
    }

    func error(_ connection: ConnectionID, _ code: String, _ message: String) -> SimulatorAction {
        send(connection, errorEnvelope(code, message, connID: sessions[connection]?.connID ?? ""))
    }

    /// Connections authenticated as this trader, in connection order.
    func connections(of trader: Int) -> [ConnectionID] {
        let key = traders[trader].key
        return connections.filter { sessions[$0]?.key == key }
    }

    /// A private push to every connection of the account, whatever it subscribed (as the docs say).
    func push(_ json: JSONOutput, to trader: Int) -> [SimulatorAction] {
        let bytes = json.bytes
        return connections(of: trader).map { .send($0, .text, bytes) }
    }

    /// A UUID-shaped id (version 7 layout) from a counter: deterministic.
    mutating func uuid() -> String {
        defer { nextID += 1 }
        return CounterUUID.string(nextID, version: UInt8(ascii: "7"), variant: UInt8(ascii: "8"))
    }

    var utcNanosNow: Int64 { configuration.market.utcNanosAtZero + market.now.nanoseconds }

    /// Index points from price units (1/100 point): "5000.25".
    func price(_ units: Int64) -> JSONOutput { .string(FixedDecimal(mantissa: units, scale: 2).description) }
    /// Contracts from lots (1/10 contract) as orders and books write them: "1.00".
    func orderSize(_ lots: Int64) -> JSONOutput { .string(FixedDecimal(mantissa: lots * 10, scale: 2).description) }
    /// Contracts from lots as positions write them: "0.500".
    func positionSize(_ lots: Int64) -> JSONOutput { .string(FixedDecimal(mantissa: lots * 100, scale: 3).description) }
    /// BTC from cash minor units (satoshi): "0.05000000".
    func btc(_ minor: Int64) -> JSONOutput { .string(FixedDecimal(mantissa: minor, scale: 8).description) }
}
