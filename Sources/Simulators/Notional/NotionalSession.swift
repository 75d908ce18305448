import Exchange
import TapeCore
import Venues

/// One subscription as Notional names it: a channel type, the user address it watches (none for
/// the global `newBlocks` and `newTransactions`) and, for `activeAssetData`, the coin.
public struct NotionalSubscription: Hashable, Sendable {
    public var type: String
    public var user: String?
    public var coin: String?

    public init(type: String, user: String?, coin: String? = nil) {
        self.type = type
        self.user = user
        self.coin = coin
    }

    /// The subscription object as the venue echoes it: `type`, `user`, then `coin`.
    var json: JSONOutput {
        var members: [(String, JSONOutput)] = [("type", .string(type))]
        if let user { members.append(("user", .string(user))) }
        if let coin { members.append(("coin", .string(coin))) }
        return .object(members)
    }
}

/// One Notional connection: what it subscribed to and when it last spoke. There is no
/// authentication on this venue; a connection is identified by nothing but its subscriptions.
public struct NotionalSession: Sendable {
    public let connection: ConnectionID
    /// In the order they were made.
    public internal(set) var subscriptions: [NotionalSubscription] = []
    /// When the last frame of any kind arrived (the idle timeout counts from it).
    public internal(set) var lastReceived: Timestamp

    init(connection: ConnectionID, at now: Timestamp) {
        self.connection = connection
        lastReceived = now
    }

    /// Distinct user addresses this connection watches.
    var users: [String] {
        var seen: [String] = []
        for user in subscriptions.compactMap(\.user) where !seen.contains(user) { seen.append(user) }
        return seen
    }

    func wants(_ type: String, user: String, coin: String? = nil) -> Bool {
        subscriptions.contains { $0.type == type && $0.user == user && (coin == nil || $0.coin == coin) }
    }
}

/// One address's account at the simulated exchange and what was last pushed about it.
struct NotionalAccount: Sendable {
    let user: String
    /// The exchange account id (raw: the exchange's `AccountID`).
    let account: UInt32
    /// Orders resting at the exchange, oldest first.
    var orders: [NotionalOrder] = []
    /// Orders sent to the exchange and not yet accepted, by client tag.
    var pending: [UInt64: NotionalOrder] = [:]
    /// The most recent fills (newest last, at most `NotionalSimulator.fillHistory`): the `userFills` snapshot.
    var fills: [JSONOutput] = []
    /// Position and basis after the last event we explained, to itemise fills the generated market makes.
    var observedPosition: Int64 = 0
    var observedBasis: Int64 = 0
    /// The last `accountSummary` (without `time`) and `activeAssetData` sent, to push only changes.
    var lastSummary: [UInt8] = []
    var lastAssetData: [UInt8] = []
    /// What those were computed from: unchanged inputs need no rendering.
    var lastFigures: NotionalSimulator.Figures?
    var lastAssetInputs: NotionalSimulator.AssetInputs?
    var activity: AccountActivity?
    /// Subscriptions watching this account, by channel type.
    var watchers: [String: Int] = [:]
}

/// The wire side of an order the exchange holds.
struct NotionalOrder: Sendable {
    /// The exchange's order id, which is also the venue's `oid` (0 until accepted).
    var oid: UInt64 = 0
    var cloid: String?
    var isBuy: Bool
    /// Limit price in price units (1/100 USD); for a market order the slippage bound it was sent with.
    var limitUnits: Int64
    var originalLots: Int64
    var remaining: Int64
    /// Milliseconds UTC when it was placed.
    var timestamp: Int64
}
