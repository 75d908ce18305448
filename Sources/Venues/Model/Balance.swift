/// Funds in one asset (or one trading account, where the venue has a single balance).
public struct Balance: Hashable, Sendable {
    /// The asset (`USD`, `DGTX`, …) or, where the venue does not say, the account's name.
    public var asset: String
    public var total: FixedDecimal
    public var available: FixedDecimal?
    public var orderMargin: FixedDecimal?
    public var positionMargin: FixedDecimal?
    public var realisedPnL: FixedDecimal?
    public var unrealisedPnL: FixedDecimal?
    public var venueTimeMillis: Int64?

    public init(
        asset: String, total: FixedDecimal, available: FixedDecimal? = nil, orderMargin: FixedDecimal? = nil,
        positionMargin: FixedDecimal? = nil, realisedPnL: FixedDecimal? = nil, unrealisedPnL: FixedDecimal? = nil,
        venueTimeMillis: Int64? = nil
    ) {
        self.asset = asset
        self.total = total
        self.available = available
        self.orderMargin = orderMargin
        self.positionMargin = positionMargin
        self.realisedPnL = realisedPnL
        self.unrealisedPnL = unrealisedPnL
        self.venueTimeMillis = venueTimeMillis
    }
}
