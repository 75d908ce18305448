/// One inbound Notional message.
///
/// The account summary (~100 bytes) is not `indirect`, unlike other venues' large cases: it is
/// nearly every other frame of a session, and its box (an allocation and a free each) cost more
/// than copying it on its way from the decoder to the client (1.4 % of a replay).
public enum NotionalMessage: Hashable, Sendable {
    case subscriptionResponse(type: String, user: String?)
    case accountSummary(NotionalAccountSummary)
    /// `userFills`: executions of the account's orders; the first after subscribing is the recent
    /// history (`isSnapshot`), not new executions.
    case userFills(user: String, isSnapshot: Bool, fills: [Fill])
    /// `orderUpdates`: orders after a change (`open`, `filled`, `canceled`, `…Canceled`, `…Rejected`).
    case orderUpdates([NotionalOrderUpdate])
    /// `userOrderRejections`: orders the venue refused, with its reason.
    case orderRejections(user: String, [NotionalOrderRejection])
    /// `activeAssetData`: the account's leverage in one coin (the tradable sizes are not kept).
    case activeAssetData(user: String, coin: String, leverage: FixedDecimal)
    case pong
    case error(VenueError)
}

/// The account summary push: a complete picture of the account (positions not listed are closed).
public struct NotionalAccountSummary: Hashable, Sendable {
    /// The channel's schema changed under the same name: v1 sends numbers and a `positions` map,
    /// v2 sends strings, `crossMarginSummary`, `balances[]` and `assetPositions[]`.
    public enum Schema: Hashable, Sendable {
        case v1Numbers, v2Strings
    }

    public var schema: Schema
    public var user: String
    public var accountValue: FixedDecimal?
    public var totalMarginUsed: FixedDecimal?
    public var availableMargin: FixedDecimal?
    public var balances: [Balance]
    /// Sorted by coin.
    public var positions: [Position]
    public var timeMillis: Int64?

    /// Whether a position in `coin` is listed (a binary search: positions are sorted by coin).
    func lists(_ coin: String) -> Bool {
        var low = 0, high = positions.count
        while low < high {
            let middle = (low + high) / 2
            if positions[middle].symbol < coin { low = middle + 1 } else { high = middle }
        }
        return low < positions.count && positions[low].symbol == coin
    }
}

/// One `orderUpdates` entry: the order as it is now, and the venue's status word.
public struct NotionalOrderUpdate: Hashable, Sendable {
    public var order: Order
    public var statusText: String
}

/// One `userOrderRejections` entry.
public struct NotionalOrderRejection: Hashable, Sendable {
    public var symbol: String
    public var side: Side
    public var price: FixedDecimal
    public var quantity: FixedDecimal
    public var clientOrderID: String?
    public var reason: String
    public var timeMillis: Int64?
}
