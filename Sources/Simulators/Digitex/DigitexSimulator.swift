import Exchange
import TapeCore
import Venues

/// The Digitex trading and public WebSocket API, simulated over a seeded market.
///
/// One value is one simulator: every connection trades against the same `Exchange`, whose other
/// participants come from a `MarketDataGenerator(seed:)`. Per connection a `DigitexSession`
/// enforces authentication (`auth` with a token; a bad token gets code 10501), the rate limit
/// (10 requests per second, code 35), subscriptions and the idle timeout; requests that pass go to
/// the exchange and come back as the pushes the docs show (`orderStatus`, `orderFilled`,
/// `orderCancelled`, `contractClosed`, `traderStatus`, `leverage`, `funding`, `position`,
/// `condOrderStatus`). Public channels: `orderbook_N` (N ≤ 25), `trades`, `ticker`, `index`,
/// `fundingInfo`, `liquidations`.
public struct DigitexSimulator: SimulatorDialect {
    public static let venue = "digitex"

    public struct Configuration: Sendable {
        public var symbol: String
        /// Tokens accepted by `auth` (the key of each credential); empty accepts any non-empty token.
        public var credentials: [SimulatorCredentials]
        /// What a new trader finds on its account (DGTX).
        public var deposit: Cash
        public var requestsPerSecond: Int
        /// A connection that sends nothing for this long is closed (1001).
        public var idleTimeout: Timestamp.Duration
        public var market: MarketDataConfig

        public init(
            credentials: [SimulatorCredentials] = [], deposit: Cash = Cash(units: 100_000), requestsPerSecond: Int = 10,
            idleTimeout: Timestamp.Duration = .seconds(90), market: MarketDataConfig = MarketDataConfig()
        ) {
            self.symbol = market.instrument.symbol
            self.credentials = credentials
            self.deposit = deposit
            self.requestsPerSecond = requestsPerSecond
            self.idleTimeout = idleTimeout
            self.market = market
        }
    }

    public let configuration: Configuration
    /// The shared market; its exchange holds every trader's account.
    public internal(set) var market: MarketDataGenerator
    var sessions: [ConnectionID: DigitexSession] = [:]
    /// Connections in id order, so that broadcasts do not depend on dictionary order.
    var connections: [ConnectionID] = []
    var traders: [DigitexTrader] = []
    var traderByToken: [String: Int] = [:]
    var nextTag: UInt64 = 1
    var nextContractID: Int64 = 700_000_001
    var nextGeneratedID: UInt64 = 1
    /// False during a simulated maintenance: trading requests get 3015.
    public private(set) var tradingAvailable = true

    public init(seed: UInt64, configuration: Configuration = Configuration()) {
        self.configuration = configuration
        market = MarketDataGenerator(seed: seed, config: configuration.market)
        _ = market.next()  // opens the book
    }

    public var marketTime: Timestamp { market.now }

    /// The session of a connection (nil once disconnected).
    public func session(_ connection: ConnectionID) -> DigitexSession? { sessions[connection] }

    /// The exchange account of a token, once it authenticated.
    public func account(token: String) -> AccountID? { traderByToken[token].map { traders[$0].account } }

    // MARK: Connection events

    public mutating func connected(_ connection: ConnectionID, target: String, headers: [HTTPHeader], at now: Timestamp) -> [SimulatorAction] {
        precondition(sessions[connection] == nil, "connection \(connection) connected twice")
        sessions[connection] = DigitexSession(connection: connection, configuration: configuration, at: now)
        let index = connections.firstIndex { $0 > connection } ?? connections.endIndex
        connections.insert(connection, at: index)
        return [.scheduleTimer(SimulatorTimer(connection, .idle), at: now + configuration.idleTimeout)]
    }

    public mutating func disconnected(_ connection: ConnectionID, at now: Timestamp) -> [SimulatorAction] {
        guard sessions.removeValue(forKey: connection) != nil else { return [] }
        connections.removeAll { $0 == connection }
        return [.cancelTimer(SimulatorTimer(connection, .idle))]
    }

    public mutating func timerFired(_ timer: SimulatorTimer, at now: Timestamp) -> [SimulatorAction] {
        guard var session = sessions[timer.connection] else { return [] }
        switch timer.kind {
        case .idle:
            let actions = session.idleTimerFired(at: now)
            sessions[timer.connection] = session
            return actions
        case .authenticationDeadline, .heartbeat:
            return []
        }
    }

    public mutating func receivedFrame(_ connection: ConnectionID, _ kind: FrameKind, _ payload: [UInt8], at now: Timestamp) -> [SimulatorAction] {
        guard var session = sessions[connection] else { return [] }
        let outcome = session.receivedFrame(kind, payload, at: now)
        switch outcome {
        case .reply(let actions):
            sessions[connection] = session
            return actions
        case .authenticate(let id, let token):
            guard isAccepted(token) else {
                sessions[connection] = session
                return [session.error(id, DigitexErrorCodes.invalidCredentials, "invalid credentials")]
            }
            session.authenticated(token: token)
            sessions[connection] = session
            _ = trader(for: token)
            return [.send(connection, .text, Self.tradingStatus(tradingAvailable))]
        case .execute(let id, let command):
            sessions[connection] = session
            guard let token = session.token, let index = traderByToken[token] else {
                preconditionFailure("execute for a session that is not authenticated in state \(session.state)")
            }
            guard tradingAvailable else { return [session.error(id, 3015, "Trading is not available")] }
            return execute(command, id: id, trader: index, session: session)
        }
    }

    /// Starts or ends a simulated maintenance: every authenticated connection gets `tradingStatus`,
    /// and while unavailable, trading requests are refused with 3015 (public feeds go on).
    public mutating func setTradingAvailable(_ available: Bool) -> [SimulatorAction] {
        guard available != tradingAvailable else { return [] }
        tradingAvailable = available
        let bytes = Self.tradingStatus(available)
        return connections.filter { sessions[$0]?.token != nil }.map { .send($0, .text, bytes) }
    }

    static func tradingStatus(_ available: Bool) -> [UInt8] {
        Array(#"{"ch":"tradingStatus","data":{"available":\#(available)}}"#.utf8)
    }

    private func isAccepted(_ token: String) -> Bool {
        if configuration.credentials.isEmpty { return !token.isEmpty }
        return configuration.credentials.contains { $0.key == token }
    }

    /// The trader of a token, opening its account on first use.
    private mutating func trader(for token: String) -> Int {
        if let index = traderByToken[token] { return index }
        var account = AccountID.insurance
        let deposit = configuration.deposit
        _ = market.apply { exchange, _ in
            account = exchange.openAccount(deposit: deposit)
            return []
        }
        traders.append(DigitexTrader(token: token, account: account))
        traderByToken[token] = traders.count - 1
        return traders.count - 1
    }

    // MARK: Helpers

    /// Sessions authenticated as this trader, in connection order.
    func connections(of trader: Int) -> [ConnectionID] {
        let token = traders[trader].token
        return connections.filter { sessions[$0]?.token == token }
    }

    /// Sends one push to every connection of a trader.
    func push(_ channel: String, _ data: JSONOutput, to trader: Int) -> [SimulatorAction] {
        let bytes = JSONOutput.object([("ch", .string(channel)), ("data", data)]).bytes
        return connections(of: trader).map { .send($0, .text, bytes) }
    }

    /// A fresh engine-generated id (16 hex digits), as Digitex gives to every new link of a chain.
    mutating func generatedID() -> String {
        let value = nextGeneratedID
        nextGeneratedID += 1
        let digits = Array("0123456789abcdef".utf8)
        var bytes = [UInt8](repeating: 0, count: 16)
        for index in 0..<16 { bytes[15 - index] = digits[Int((value >> (4 * UInt64(index))) & 0xF)] }
        return String(decoding: bytes, as: UTF8.self)
    }

    var utcMillisNow: Int64 { (configuration.market.utcNanosAtZero + market.now.nanoseconds) / 1_000_000 }

    func millis(_ time: Timestamp) -> Int64 { (configuration.market.utcNanosAtZero + time.nanoseconds) / 1_000_000 }
}
