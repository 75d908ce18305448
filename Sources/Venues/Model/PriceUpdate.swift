/// A reference price: mark, index, fair or spot.
public struct PriceUpdate: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable {
        case mark, index, fair, spot
    }

    /// The instrument, or the index's own symbol (Digitex `.DGTXBTCUSD`).
    public var symbol: String
    public var kind: Kind
    public var price: FixedDecimal
    public var venueTimeMillis: Int64?
}

/// The funding rate announced for an instrument.
public struct FundingRate: Hashable, Sendable {
    public var symbol: String
    public var rate: FixedDecimal
    public var nextFundingTimeMillis: Int64?
    public var venueTimeMillis: Int64?
}

/// One candle of a public kline channel.
public struct Candle: Hashable, Sendable {
    public var symbol: String
    public var interval: String
    public var openTimeSeconds: Int64?
    public var open: FixedDecimal
    public var high: FixedDecimal
    public var low: FixedDecimal
    public var close: FixedDecimal
    public var volume: FixedDecimal
}
