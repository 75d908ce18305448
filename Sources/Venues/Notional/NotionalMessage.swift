/// One inbound Notional message.
public enum NotionalMessage: Hashable, Sendable {
    case subscriptionResponse(type: String, user: String?)
    case accountSummary(NotionalAccountSummary)
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
}
