import Exchange
import TapeCore
import Venues

/// The Notional WebSocket (wss://ws.notional.xyz), simulated over a seeded market.
///
/// No authentication: `{"method":"subscribe","subscription":{"type":…,"user":…}}` names a
/// lower-case address, gets a `subscriptionResponse`, a snapshot and then updates. Channels with
/// pushes: `accountSummary` (either documented schema, see `Configuration.summarySchema`),
/// `userFills`, `orderUpdates`, `userOrderRejections`, `activeAssetData`; `userTransactions`,
/// `twapUpdates`, `newBlocks` and `newTransactions` are acknowledged and stay silent. The client
/// pings with `{"method":"ping"}` (answer `{"channel":"pong"}`); a connection silent for 60 s is
/// closed. Errors use the documented envelope `{"channel":"error","data":{"message":…}}`.
///
/// Orders go over REST at this venue, which is not simulated: `placeOrder`, `cancelOrder`,
/// `cancelAll` and `setLeverage` stand in for it, and `Configuration.accountActivity` lets every
/// subscribed address trade by itself. An address gets an account (and a deposit) on its first
/// subscription.
public struct NotionalSimulator: SimulatorDialect {
    public static let venue = "notional"
    /// Channels that take a `user`.
    public static let userChannels = ["accountSummary", "userFills", "orderUpdates", "userOrderRejections", "activeAssetData",
                                      "userTransactions", "twapUpdates"]
    /// Channels without a user.
    public static let globalChannels = ["newBlocks", "newTransactions"]
    /// Fills kept per address for the `userFills` snapshot.
    public static let fillHistory = 100

    /// BTC perpetual, linear and USD(C)-margined: the exchange core's `linearBTCUSD` (tick 0.5 USD,
    /// lot 0.001 BTC, maker 2 bp / taker 5 bp, leverage ≤ 50, default 10) named `BTC` as the venue
    /// names coins. The documents give no contract terms; these are assumptions.
    public static let instrument: InstrumentSpec = {
        var spec = InstrumentSpec.linearBTCUSD
        spec.symbol = "BTC"
        return spec
    }()

    public struct Configuration: Sendable {
        /// Which documented `accountSummary` shape to write: the older one (numbers, `assets`,
        /// `positions` map) or the newer one (strings, `crossMarginSummary`, `balances`,
        /// `assetPositions`, `time`).
        public var summarySchema: NotionalAccountSummary.Schema
        /// What a new address finds on its account (USDC, in the exchange's USD cash).
        public var deposit: Cash
        /// A connection that sends nothing for this long is closed (1001).
        public var idleTimeout: Timestamp.Duration
        /// Per connection: at most this many subscriptions and this many distinct users
        /// (Hyperliquid's documented limits; Notional documents none).
        public var maxSubscriptions: Int
        public var maxUsers: Int
        /// When set, every address with an account trades by itself (see `AccountActivity`).
        public var accountActivity: AccountActivity.Configuration?
        public var market: MarketDataConfig

        public init(
            summarySchema: NotionalAccountSummary.Schema = .v2Strings, deposit: Cash = Cash(units: 100_000),
            idleTimeout: Timestamp.Duration = .seconds(60), maxSubscriptions: Int = 1_000, maxUsers: Int = 10,
            accountActivity: AccountActivity.Configuration? = nil,
            market: MarketDataConfig = MarketDataConfig(instrument: NotionalSimulator.instrument, startPrice: Price(units: 9_845_000))
        ) {
            precondition(maxSubscriptions > 0 && maxUsers > 0, "NotionalSimulator needs room for at least one subscription")
            self.summarySchema = summarySchema
            self.deposit = deposit
            self.idleTimeout = idleTimeout
            self.maxSubscriptions = maxSubscriptions
            self.maxUsers = maxUsers
            self.accountActivity = accountActivity
            self.market = market
        }
    }

    public let configuration: Configuration
    public let seed: UInt64
    /// The shared market; its exchange holds every address's account.
    public internal(set) var market: MarketDataGenerator
    var sessions: [ConnectionID: NotionalSession] = [:]
    /// Connections in id order, so that pushes do not depend on dictionary order.
    var connections: [ConnectionID] = []
    var accounts: [NotionalAccount] = []
    var accountByUser: [String: Int] = [:]
    var nextTag: UInt64 = 1
    var nextTradeID: Int64 = 1
    var scanner = JSONScanner()

    public init(seed: UInt64, configuration: Configuration = Configuration()) {
        self.configuration = configuration
        self.seed = seed
        market = MarketDataGenerator(seed: seed, config: configuration.market)
        _ = market.next()  // opens the book
    }

    public var marketTime: Timestamp { market.now }

    /// The coin the simulator trades (`BTC`).
    public var coin: String { configuration.market.instrument.symbol }

    public func session(_ connection: ConnectionID) -> NotionalSession? { sessions[connection] }

    /// The exchange account of an address, once it subscribed.
    public func account(user: String) -> AccountID? { accountByUser[user].map { AccountID(accounts[$0].account) } }

    /// The `oid`s of an address's resting orders, oldest first.
    public func openOrderIDs(user: String) -> [UInt64] { accountByUser[user].map { accounts[$0].orders.map(\.oid) } ?? [] }

    // MARK: Connection events

    public mutating func connected(_ connection: ConnectionID, target: String, headers: [HTTPHeader], at now: Timestamp) -> [SimulatorAction] {
        precondition(sessions[connection] == nil, "connection \(connection) connected twice")
        sessions[connection] = NotionalSession(connection: connection, at: now)
        connections.insert(connection, at: connections.firstIndex { $0 > connection } ?? connections.endIndex)
        return [.scheduleTimer(SimulatorTimer(connection, .idle), at: now + configuration.idleTimeout)]
    }

    public mutating func disconnected(_ connection: ConnectionID, at now: Timestamp) -> [SimulatorAction] {
        guard let session = sessions.removeValue(forKey: connection) else { return [] }
        connections.removeAll { $0 == connection }
        for subscription in session.subscriptions { count(subscription, -1) }
        return [.cancelTimer(SimulatorTimer(connection, .idle))]
    }

    public mutating func timerFired(_ timer: SimulatorTimer, at now: Timestamp) -> [SimulatorAction] {
        guard let session = sessions[timer.connection] else { return [] }
        switch timer.kind {
        case .idle:
            let due = session.lastReceived + configuration.idleTimeout
            if now < due { return [.scheduleTimer(timer, at: due)] }
            return [.close(timer.connection, CloseInfo(code: 1001, reason: "idle for \(configuration.idleTimeout.nanoseconds / 1_000_000_000) s"))]
        case .authenticationDeadline, .heartbeat:
            return []
        }
    }

    public mutating func receivedFrame(_ connection: ConnectionID, _ kind: FrameKind, _ payload: [UInt8], at now: Timestamp) -> [SimulatorAction] {
        guard sessions[connection] != nil else { return [] }
        sessions[connection]?.lastReceived = now
        switch kind {
        case .text:
            return request(payload, on: connection)
        case .binary:
            return [error(connection, Self.invalidFormat)]
        case .ping, .pong, .close, .opened, .closed, .lost, .error, .annotation:
            return []
        }
    }

    // MARK: Helpers

    /// The documented error text for anything that is not a request (the overview page's example).
    static let invalidFormat = "Invalid message format"

    func send(_ connection: ConnectionID, _ json: JSONOutput) -> SimulatorAction {
        .send(connection, .text, json.bytes)
    }

    /// `{"channel":C,"data":D}`, the shape of everything the venue sends.
    func message(_ channel: String, _ data: JSONOutput) -> JSONOutput {
        .object([("channel", .string(channel)), ("data", data)])
    }

    func error(_ connection: ConnectionID, _ text: String) -> SimulatorAction {
        send(connection, message("error", .object([("message", .string(text))])))
    }

    /// One frame to every connection subscribed to `type` for `user` (and `coin`), in connection order.
    func push(_ json: JSONOutput, type: String, user: String, coin: String? = nil) -> [SimulatorAction] {
        var bytes: [UInt8]?
        var actions: [SimulatorAction] = []
        for connection in connections where sessions[connection]?.wants(type, user: user, coin: coin) ?? false {
            if bytes == nil { bytes = json.bytes }
            actions.append(.send(connection, .text, bytes!))
        }
        return actions
    }

    /// Whether any connection watches this account on this channel (counted, not searched: it is
    /// asked for every account after every market step).
    func subscribed(_ type: String, account index: Int) -> Bool {
        accounts[index].watchers[type, default: 0] > 0
    }

    /// Counts a subscription made (+1) or gone (−1) on the account it watches.
    mutating func count(_ subscription: NotionalSubscription, _ change: Int) {
        guard let user = subscription.user, let index = accountByUser[user] else { return }
        accounts[index].watchers[subscription.type, default: 0] += change
        assert(accounts[index].watchers[subscription.type, default: 0] >= 0, "more unsubscriptions than subscriptions of \(user)")
    }

    var utcMillisNow: Int64 { (configuration.market.utcNanosAtZero + market.now.nanoseconds) / 1_000_000 }
}
