import TapeCore

/// What happened at the exchange, in the order it happened; calls return these, never callbacks.
///
/// Events are facts; the state they leave behind (balances, margins, positions) is read from the
/// `Exchange` itself, so a venue dialect renders e.g. Digitex `orderFilled` from a `.trade` plus
/// `exchange.position(of:in:)`.
public enum ExchangeEvent: Hashable, Sendable {
    /// An order passed validation and margin checks and entered matching.
    case orderAccepted(OrderSnapshot)
    /// A request was refused; nothing changed.
    case rejected(Rejection)
    /// Two orders matched.
    case trade(Trade)
    /// An order left the book (or never entered it) with `remaining` unfilled.
    case orderCancelled(OrderSnapshot, CancelReason)
    /// A resting order's price or quantity changed; `keptPriority` says whether it kept its place.
    case orderAmended(OrderSnapshot, keptPriority: Bool)
    /// An account's leverage on an instrument changed and its margins were recomputed.
    case leverageChanged(AccountID, InstrumentID, leverage: Int64)
    /// The mark price (used for funding, liquidation and mark triggers) changed.
    case markPrice(InstrumentID, Price, at: Timestamp)
    /// The index (spot) price changed.
    case indexPrice(InstrumentID, Price, at: Timestamp)
    /// One account paid (negative) or received (positive) funding.
    case funding(FundingPayment)
    /// A position was taken over by the insurance account at its bankruptcy price.
    case liquidation(Liquidation)
    /// A conditional order was accepted and waits for its price condition.
    case triggerAccepted(TriggerSnapshot)
    /// A conditional order's condition held; its order is submitted next.
    case triggerFired(TriggerSnapshot, price: Price)
    /// A conditional order was cancelled before it fired.
    case triggerCancelled(TriggerSnapshot)
}

/// An order as it stands after an event.
public struct OrderSnapshot: Hashable, Sendable {
    public var id: OrderID
    public var account: AccountID
    public var instrument: InstrumentID
    public var side: Side
    /// The limit price, or nil for a market order.
    public var price: Price?
    /// Quantity still open (0 once filled or cancelled).
    public var remaining: Quantity
    /// Quantity filled so far.
    public var filled: Quantity
    public var timeInForce: TimeInForce
    public var clientTag: UInt64
    public var time: Timestamp
}

/// One match between a resting (maker) order and an incoming (taker) order.
public struct Trade: Hashable, Sendable {
    public var id: UInt64
    public var instrument: InstrumentID
    public var price: Price
    public var quantity: Quantity
    /// The side of the incoming order.
    public var takerSide: Side
    public var taker: OrderID
    public var takerAccount: AccountID
    public var takerRemaining: Quantity
    /// Fee charged to the taker (negative is a rebate).
    public var takerFee: Cash
    public var maker: OrderID
    public var makerAccount: AccountID
    public var makerRemaining: Quantity
    public var makerFee: Cash
    /// Signed positions after the trade (+ long, − short).
    public var takerPosition: Int64
    public var makerPosition: Int64
    /// Realised PnL of this fill for each side (before fees).
    public var takerRealized: Cash
    public var makerRealized: Cash
    public var time: Timestamp
}

/// A funding transfer for one account at one funding time.
public struct FundingPayment: Hashable, Sendable {
    public var account: AccountID
    public var instrument: InstrumentID
    /// The signed position that was funded.
    public var position: Int64
    /// The rate applied; longs pay shorts when positive.
    public var rate: Rate
    public var markPrice: Price
    /// Positive when received, negative when paid.
    public var amount: Cash
    public var time: Timestamp
}

/// A position closed by the exchange because the mark price reached its liquidation price.
public struct Liquidation: Hashable, Sendable {
    public var account: AccountID
    public var instrument: InstrumentID
    /// The signed position taken over (+ long, − short).
    public var position: Int64
    public var liquidationPrice: Price
    public var bankruptcyPrice: Price
    public var markPrice: Price
    /// The account's loss: the position's margin (negative).
    public var realized: Cash
    public var time: Timestamp
}
