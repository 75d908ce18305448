/// The account's position in one instrument, as the venue last reported it.
public struct Position: Hashable, Sendable {
    public var symbol: String
    public var side: PositionSide
    /// Always non-negative; the direction is in `side`.
    public var size: FixedDecimal
    public var entryPrice: FixedDecimal?
    public var margin: FixedDecimal?
    public var liquidationPrice: FixedDecimal?
    public var bankruptcyPrice: FixedDecimal?
    public var realisedPnL: FixedDecimal?
    public var unrealisedPnL: FixedDecimal?
    public var leverage: FixedDecimal?
    public var markPrice: FixedDecimal?
    public var venueTimeMillis: Int64?

    public init(
        symbol: String, side: PositionSide, size: FixedDecimal, entryPrice: FixedDecimal? = nil,
        margin: FixedDecimal? = nil, liquidationPrice: FixedDecimal? = nil, bankruptcyPrice: FixedDecimal? = nil,
        realisedPnL: FixedDecimal? = nil, unrealisedPnL: FixedDecimal? = nil, leverage: FixedDecimal? = nil,
        markPrice: FixedDecimal? = nil, venueTimeMillis: Int64? = nil
    ) {
        self.symbol = symbol
        self.side = side
        self.size = size
        self.entryPrice = entryPrice
        self.margin = margin
        self.liquidationPrice = liquidationPrice
        self.bankruptcyPrice = bankruptcyPrice
        self.realisedPnL = realisedPnL
        self.unrealisedPnL = unrealisedPnL
        self.leverage = leverage
        self.markPrice = markPrice
        self.venueTimeMillis = venueTimeMillis
    }
}
