import Exchange
import TapeCore
import Venues

/// The Satori Finance WebSocket, simulated over a seeded market.
///
/// The socket only pushes: every `SUBSCRIBE` is signed (apiKey, signType 2, secp256k1 signature of
/// the ms timestamp) and answered `<event>_res`; then `api_account`, `api_position`, `api_entrust`
/// and the public `api_trade` are pushed as the account and the market change. Orders go over
/// REST at the venue, which is not simulated: the public order-entry methods (`placeOrder`,
/// `cancelOrder`, `cancelAllOrders`, `setLeverage`) stand in for it, and with
/// `Configuration.accountActivity` every subscribed account trades by itself.
public struct SatoriSimulator: SimulatorDialect {
    public static let venue = "satori"

    /// Subscription events the venue documents.
    public enum Event: String, Hashable, Sendable, CaseIterable {
        case position = "api_position"
        case entrust = "api_entrust"
        case account = "api_account"
        case trade = "api_trade"
    }

    public struct Configuration: Sendable {
        /// The pair of `api_position` / `api_entrust` / `api_trade` (ETH-USD in the docs).
        public var pair: String
        /// Accepted apiKeys (the secret is unused: signatures are not verified); empty accepts any
        /// non-empty apiKey.
        public var credentials: [SimulatorCredentials]
        /// What a new account finds (USD).
        public var deposit: Cash
        /// How far a subscription's `timestamp` may be from the simulator's UTC time.
        public var timestampWindow: Timestamp.Duration
        /// The server sends a WebSocket ping this often.
        public var heartbeatInterval: Timestamp.Duration
        /// A connection from which nothing (not even a pong) arrived for this long is closed with 1001.
        public var idleTimeout: Timestamp.Duration
        /// Requests per connection per second; more get a failure answer.
        public var requestsPerSecond: Int
        /// Distinct subscriptions per connection.
        public var maxSubscriptions: Int
        /// Accounts (apiKeys) the simulator opens at most; later keys are refused.
        public var maxAccounts: Int
        /// When set, every account that subscribed trades by itself (`tape simulate` turns it on).
        public var accountActivity: AccountActivity.Configuration?
        public var market: MarketDataConfig

        public init(
            credentials: [SimulatorCredentials] = [], deposit: Cash = Cash(units: 1_000_000),
            timestampWindow: Timestamp.Duration = .seconds(60), heartbeatInterval: Timestamp.Duration = .seconds(30),
            idleTimeout: Timestamp.Duration = .seconds(90), requestsPerSecond: Int = 20, maxSubscriptions: Int = 32,
            maxAccounts: Int = 1_000, accountActivity: AccountActivity.Configuration? = nil,
            market: MarketDataConfig = MarketDataConfig(instrument: SatoriSimulator.instrument, startPrice: Price(units: 2_300_000))
        ) {
            precondition(requestsPerSecond > 0 && maxSubscriptions > 0 && maxAccounts > 0, "SatoriSimulator: limits must be positive")
            self.pair = market.instrument.symbol
            self.credentials = credentials
            self.deposit = deposit
            self.timestampWindow = timestampWindow
            self.heartbeatInterval = heartbeatInterval
            self.idleTimeout = idleTimeout
            self.requestsPerSecond = requestsPerSecond
            self.maxSubscriptions = maxSubscriptions
            self.maxAccounts = maxAccounts
            self.accountActivity = accountActivity
            self.market = market
        }
    }

    /// ETH-USD, a USD-margined linear perpetual (assumptions: the docs give no contract terms):
    /// prices in 1/1,000 USD (openingPrice "2300.045" has three decimals) on a 0.1 USD tick, lots of
    /// 0.01 ETH (quantities "0.02", "0.06"), maker 2 bp / taker 5 bp, leverage 1 … 50 (default 10),
    /// maintenance half of the initial margin, funding every 8 h.
    public static let instrument = InstrumentSpec(
        symbol: "ETH-USD", priceUnitsPerQuote: 1_000, tickSize: 100, cashPerPriceUnitPerLot: 1_000,
        maxPrice: 100_000 * 1_000, maxQuantity: 1_000_000, maxLeverage: 50, defaultLeverage: 10,
        maintenanceNumerator: 1, maintenanceDenominator: 2, makerFee: Rate.basisPoints(2), takerFee: Rate.basisPoints(5),
        fundingIntervalNanos: 8 * 3_600 * 1_000_000_000, maxFundingRate: Rate.basisPoints(75)
    )

    public let configuration: Configuration
    public internal(set) var market: MarketDataGenerator
    let seed: UInt64
    var sessions: [ConnectionID: SatoriSession] = [:]
    /// Open connections in id order (pushes go out in this order).
    var connections: [ConnectionID] = []
    var traders: [SatoriTrader] = []
    var traderByKey: [String: Int] = [:]
    var nextTag: UInt64 = 1
    var nextEntrustID: Int64 = 1
    var nextPositionID: Int64 = 1
    /// Why the latest order-entry call was refused (what the REST API would answer), or nil.
    public internal(set) var lastOrderEntryError: String?

    public init(seed: UInt64, configuration: Configuration = Configuration()) {
        self.configuration = configuration
        self.seed = seed
        market = MarketDataGenerator(seed: seed, config: configuration.market)
        _ = market.next()
    }

    public var marketTime: Timestamp { market.now }

    public func session(_ connection: ConnectionID) -> SatoriSession? { sessions[connection] }

    /// The exchange account of an apiKey, once it subscribed successfully.
    public func account(key: String) -> AccountID? { traderByKey[key].map { AccountID(traders[$0].account) } }

    /// The entrust ids of an account's open orders, oldest first (for order-entry calls).
    public func openEntrustIDs(key: String) -> [Int64] { traderByKey[key].map { traders[$0].orders.map(\.entrustID) } ?? [] }

    // MARK: Connection events

    public mutating func connected(_ connection: ConnectionID, target: String, headers: [HTTPHeader], at now: Timestamp) -> [SimulatorAction] {
        precondition(sessions[connection] == nil, "connection \(connection) connected twice")
        sessions[connection] = SatoriSession(connection: connection, at: now)
        connections.insert(connection, at: connections.firstIndex { $0 > connection } ?? connections.endIndex)
        return [
            .scheduleTimer(SimulatorTimer(connection, .heartbeat), at: now + configuration.heartbeatInterval),
            .scheduleTimer(SimulatorTimer(connection, .idle), at: now + configuration.idleTimeout),
        ]
    }

    public mutating func disconnected(_ connection: ConnectionID, at now: Timestamp) -> [SimulatorAction] {
        guard sessions.removeValue(forKey: connection) != nil else { return [] }
        connections.removeAll { $0 == connection }
        // Orders are REST's: they stay when a socket goes.
        return [.cancelTimer(SimulatorTimer(connection, .heartbeat)), .cancelTimer(SimulatorTimer(connection, .idle))]
    }

    public mutating func timerFired(_ timer: SimulatorTimer, at now: Timestamp) -> [SimulatorAction] {
        guard let session = sessions[timer.connection] else { return [] }
        switch timer.kind {
        case .heartbeat:
            return [.send(timer.connection, .ping, []), .scheduleTimer(timer, at: now + configuration.heartbeatInterval)]
        case .idle:
            let due = session.lastReceived + configuration.idleTimeout
            if now < due { return [.scheduleTimer(timer, at: due)] }
            return [.close(timer.connection, CloseInfo(code: 1001, reason: "idle for \(Int64(configuration.idleTimeout.seconds)) s"))]
        case .authenticationDeadline:
            return []
        }
    }

    public mutating func receivedFrame(_ connection: ConnectionID, _ kind: FrameKind, _ payload: [UInt8], at now: Timestamp) -> [SimulatorAction] {
        guard var session = sessions[connection] else { return [] }
        session.lastReceived = now
        sessions[connection] = session
        switch kind {
        case .text:
            break
        case .binary:
            return [send(connection, errorEnvelope("binary messages are not supported: send JSON text"))]
        case .ping:
            return [.send(connection, .pong, payload)]
        case .pong, .close, .opened, .closed, .lost, .error, .annotation:
            return []
        }
        if payload.elementsEqual("ping".utf8) { return [.send(connection, .text, Array("pong".utf8))] }
        if payload.elementsEqual("pong".utf8) { return [] }
        return request(payload, connection: connection, at: now)
    }

    // MARK: Helpers

    func send(_ connection: ConnectionID, _ json: JSONOutput) -> SimulatorAction {
        .send(connection, .text, json.bytes)
    }

    /// `{"event":"error","msg":…,"success":false}`: the answer to what has no event to answer.
    func errorEnvelope(_ message: String) -> JSONOutput {
        .object([("event", .string("error")), ("msg", .string(message)), ("success", .bool(false))])
    }

    /// Connections with a subscription to `event` signed by `key`, in connection order.
    func subscribers(_ event: Event, key: String) -> [(ConnectionID, SatoriSession.Subscription)] {
        connections.compactMap { connection in sessions[connection]?.subscribes(event, key: key).map { (connection, $0) } }
    }

    var utcNanosAtZero: Int64 { configuration.market.utcNanosAtZero }

    /// Price units (1/1,000 USD) as the docs write prices ("2000", "2300.045").
    static func price(_ units: Int64) -> FixedDecimal { FixedDecimal(mantissa: units, scale: 3).normalized }
    /// Lots (0.01 ETH) as quantities ("0.02", "0").
    static func quantity(_ lots: Int64) -> FixedDecimal { FixedDecimal(mantissa: lots, scale: 2).normalized }
    /// Cash (10⁻⁸ USD) floored to the venue's 10⁻⁶ USD, as a mantissa at scale 6.
    static func micros(_ cash: Cash) -> Int64 {
        cash.minor >= 0 ? cash.minor / 100 : -((-cash.minor + 99) / 100)
    }
    /// An amount at scale 6 as the docs write amounts ("39.890168", "7.5", zero as "0.00").
    static func amount(micros: Int64) -> JSONOutput {
        micros == 0 ? .string("0.00") : .string(FixedDecimal(mantissa: micros, scale: 6).normalized.description)
    }
    static func amount(_ cash: Cash) -> JSONOutput { amount(micros: micros(cash)) }
    /// Cash as the venue reports it: floored to 10⁻⁶ USD (tests compare clients' balances with it).
    public static func reported(_ cash: Cash) -> FixedDecimal { FixedDecimal(mantissa: micros(cash), scale: 6) }
}
