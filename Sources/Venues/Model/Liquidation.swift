/// A liquidation, either of anyone on the public feed or of our own position.
public struct Liquidation: Hashable, Sendable {
    public var symbol: String
    /// The side of the position that was liquidated.
    public var positionSide: PositionSide?
    public var price: FixedDecimal?
    public var quantity: FixedDecimal?
    /// Our own orders the venue terminated as part of it (empty for public liquidations).
    public var terminatedOrderIDs: [String]
    /// Change to our balance (Digitex `traderBalanceIncrement`); nil for public liquidations.
    public var balanceChange: FixedDecimal?
    public var venueTimeMillis: Int64?
}

/// A funding payment to or from our account.
public struct FundingPayment: Hashable, Sendable {
    public var symbol: String
    /// Positive when we received funds.
    public var amount: FixedDecimal
    public var perContract: FixedDecimal?
    public var rate: FixedDecimal?
    public var venueTimeMillis: Int64?
}
