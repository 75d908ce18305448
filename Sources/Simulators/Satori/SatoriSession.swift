import TapeCore
import Venues

/// One Satori connection as the venue sees it: its signed subscriptions, the request rate window
/// and liveness. There is no connection-level login: every `SUBSCRIBE` carries its own apiKey and
/// signature, so one socket may hold subscriptions of several keys.
public struct SatoriSession: Sendable {
    /// One accepted subscription: the event, the key that signed it and what it echoes.
    public struct Subscription: Hashable, Sendable {
        public var event: SatoriSimulator.Event
        public var key: String
        /// `pair` (positions, orders, trades) or `symbol` (account), echoed as sent.
        public var echoName: String
        public var echoValue: String
        public var period: String?
    }

    public let connection: ConnectionID
    /// In the order they were accepted; a repeated subscription is kept once.
    public internal(set) var subscriptions: [Subscription] = []
    public internal(set) var lastReceived: Timestamp
    /// Requests counted in the current one-second rate window.
    var window: [Timestamp] = []

    init(connection: ConnectionID, at now: Timestamp) {
        self.connection = connection
        lastReceived = now
    }

    func subscribes(_ event: SatoriSimulator.Event, key: String) -> Subscription? {
        subscriptions.first { $0.event == event && $0.key == key }
    }

    /// Counts a request; false when it is over `limit` in the last second (then it is not counted).
    mutating func admit(at now: Timestamp, limit: Int) -> Bool {
        let start = Timestamp(nanoseconds: now.nanoseconds - 1_000_000_000)
        window.removeAll { $0 <= start }
        guard window.count < limit else { return false }
        window.append(now)
        return true
    }

    mutating func add(_ subscription: Subscription) {
        if !subscriptions.contains(subscription) { subscriptions.append(subscription) }
    }
}

/// One Satori account (an apiKey) at the simulated exchange, with what was last pushed about it.
struct SatoriTrader: Sendable {
    let key: String
    let account: UInt32
    /// Open orders the venue reported (ENTRUST seen, not yet filled or cancelled), oldest first.
    var orders: [SatoriTrackedOrder] = []
    /// Orders submitted and not yet accepted, by exchange client tag.
    var pending: [UInt64: SatoriTrackedOrder] = [:]
    /// The signed position (lots) last pushed, its id, and its direction and opening price.
    var positionLots: Int64 = 0
    var positionID: Int64 = 0
    var openingPrice: FixedDecimal = .zero
    /// The balance last pushed, in 10⁻⁶ USD, and the flow counter (`logId`).
    var available: Int64 = 0
    var frozen: Int64 = 0
    var logID: Int64 = 0
    var activity: AccountActivity?
}

/// The wire side of one order the exchange holds for a trader.
struct SatoriTrackedOrder: Sendable {
    var exchangeID: UInt64 = 0
    let entrustID: Int64
    let clientOrderID: String?
    let isBuy: Bool
    let isClose: Bool
    /// Price units (1/1,000 USD); 0 for market orders.
    let priceUnits: Int64
    var lots: Int64
    var dealtLots: Int64 = 0
    /// Σ fill price units × lots (10⁻⁵ USD): cumulative notional, `dealAmount`.
    var dealNotional: Int64 = 0
    let leverage: Int64
    /// Whether NEW (resting on the book) was pushed.
    var rested = false

    var isMarket: Bool { priceUnits == 0 }
}
