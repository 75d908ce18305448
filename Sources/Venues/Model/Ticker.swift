/// A summary of an instrument's market; every field is optional because venues differ.
public struct Ticker: Hashable, Sendable {
    public var symbol: String
    public var lastPrice: FixedDecimal?
    public var lastQuantity: FixedDecimal?
    public var bidPrice: FixedDecimal?
    public var bidSize: FixedDecimal?
    public var askPrice: FixedDecimal?
    public var askSize: FixedDecimal?
    public var markPrice: FixedDecimal?
    public var fundingRate: FixedDecimal?
    public var nextFundingTimeMillis: Int64?
    public var openInterest: FixedDecimal?
    public var volume24h: FixedDecimal?
    public var venueTimeMillis: Int64?
}
