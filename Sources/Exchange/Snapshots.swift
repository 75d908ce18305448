/// An account's money as a venue reports it (Digitex traderBalance, orderMargin, positionMargin).
public struct AccountSnapshot: Hashable, Sendable {
    public var id: AccountID
    /// Deposits + realised PnL − fees ± funding.
    public var balance: Cash
    /// Balance not locked as margin.
    public var available: Cash
    public var positionMargin: Cash
    public var orderMargin: Cash
    public var deposited: Cash
}

/// One account's position on one instrument.
public struct PositionSnapshot: Hashable, Sendable {
    public var account: AccountID
    public var instrument: InstrumentID
    /// Signed lots: + long, − short.
    public var quantity: Int64
    /// Σ entry price × lots × contract value of the open lots.
    public var entryNotional: Cash
    /// The average entry price in price units, rounded to the nearest unit (0 when flat).
    public var averageEntryPrice: Price
    public var margin: Cash
    public var orderMargin: Cash
    public var leverage: Int64
    public var realized: Cash
    public var fees: Cash
    /// Funding received (negative when paid), cumulative.
    public var funding: Cash
    /// The mark price at which the exchange liquidates (0 when flat).
    public var liquidationPrice: Price
    /// The price at which the position's margin is used up (0 when flat).
    public var bankruptcyPrice: Price
    /// PnL at `markPrice` (zero when there is no mark price).
    public var unrealized: Cash
}
