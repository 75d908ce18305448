import TapeCore
import Venues

/// One Roxom connection: who it authenticated as (from the upgrade headers), its `connId`, its
/// subscriptions and when the client was last heard from.
public struct RoxomSession: Sendable {
    public let connection: ConnectionID
    /// The id the venue names the connection by in acks and errors (`connId`).
    public let connID: String
    /// The API key the upgrade headers proved; nil for an anonymous (market data only) connection.
    public internal(set) var key: String?
    /// Active subscriptions in the order they were made.
    public internal(set) var subscriptions: [RoxomChannel] = []
    /// The upgrade headers failed: the 600010 error and the close are on their way; nothing else is read.
    var refused = false
    /// The last frame of any kind (message, ping, pong) from the client.
    var lastHeard: Timestamp

    init(connection: ConnectionID, connID: String, at now: Timestamp) {
        self.connection = connection
        self.connID = connID
        lastHeard = now
    }

    func wants(_ channel: String, symbol: String) -> Bool {
        subscriptions.contains { $0.name == channel && $0.symbol == symbol }
    }
}

/// One Roxom account (an API key) at the simulated exchange.
struct RoxomTrader: Sendable {
    let key: String
    /// The exchange account id (raw: this file sees only the Venues vocabulary).
    let account: UInt32
    /// The venue's account id (`accountId`), UUID-shaped.
    let accountID: String
    var orders: [RoxomTrackedOrder] = []
    /// Orders sent to the exchange and not yet accepted, by client tag.
    var pending: [UInt64: RoxomTrackedOrder] = [:]
    var position = RoxomPositionLife()
    /// What the last `position` push said (signed lots, margin, basis, realised, funding, leverage).
    var pushedPosition: [Int64] = []
    /// The balance (cash minor units) the last `balance` push ended at.
    var pushedBalance: Int64
    var activity: AccountActivity?
}

/// The life of one position from opening to close: what the `position` push reports beyond the
/// exchange's snapshot (entry and exit amounts, exit prices, fees, dates).
struct RoxomPositionLife: Sendable {
    var id: String?
    var openedNanos: Int64 = 0
    var closedNanos: Int64?
    /// Signed lots the last fill left (long +).
    var lots: Int64 = 0
    var entryLots: Int64 = 0
    /// Σ price units × lots of the entries.
    var entryNotional: Int64 = 0
    var exitLots: Int64 = 0
    /// Σ price units × lots of the exits.
    var exitNotional: Int64 = 0
    var entryFees: Int64 = 0
    var exitFees: Int64 = 0
    /// The side of the position (kept after it closed).
    var isLong = true
}

/// The wire side of an order the exchange holds.
struct RoxomTrackedOrder: Sendable {
    var exchangeID: UInt64 = 0
    var orderID: String
    var clientOrderID: String?
    var side: Side
    var isMarket: Bool
    /// Price units; 0 for market orders.
    var priceUnits: Int64
    var lots: Int64
    var remaining: Int64
    /// Σ price units × lots of the fills (for `avgPx`).
    var executedNotional: Int64 = 0
    var entryPositionID: String?
    var exitPositionID: String?

    var executed: Int64 { lots - remaining }
}
