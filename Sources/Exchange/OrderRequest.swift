/// What a trader asks the exchange to do: buy or sell, how much, at what price, for how long.
public struct OrderRequest: Hashable, Sendable {
    /// Limit (rests at `price` or better) or market (takes liquidity at any price, never rests).
    public enum Kind: Hashable, Sendable {
        case limit(Price)
        case market
    }

    public var instrument: InstrumentID
    public var side: Side
    public var kind: Kind
    public var quantity: Quantity
    public var timeInForce: TimeInForce
    /// The trader's own tag (e.g. a hashed clOrdId), echoed in every event about the order.
    public var clientTag: UInt64
    /// When true the order may only reduce the position: it is cut to the position's size at
    /// submission, and rejected when there is nothing to reduce (Digitex `mayIncrPosition: false`).
    public var reduceOnly: Bool

    public init(
        instrument: InstrumentID = InstrumentID(0), side: Side, kind: Kind, quantity: Quantity,
        timeInForce: TimeInForce = .goodTillCancelled, clientTag: UInt64 = 0, reduceOnly: Bool = false
    ) {
        self.instrument = instrument
        self.side = side
        self.kind = kind
        self.quantity = quantity
        self.timeInForce = timeInForce
        self.clientTag = clientTag
        self.reduceOnly = reduceOnly
    }

    /// A limit order at `price` (in price units) for `lots`.
    public static func limit(
        _ side: Side, _ lots: Int64, at price: Int64, _ timeInForce: TimeInForce = .goodTillCancelled,
        instrument: InstrumentID = InstrumentID(0), tag: UInt64 = 0
    ) -> OrderRequest {
        OrderRequest(instrument: instrument, side: side, kind: .limit(Price(units: price)),
                     quantity: Quantity(lots: lots), timeInForce: timeInForce, clientTag: tag)
    }

    /// A market order for `lots` (always immediate-or-cancel in effect).
    public static func market(
        _ side: Side, _ lots: Int64, instrument: InstrumentID = InstrumentID(0), tag: UInt64 = 0
    ) -> OrderRequest {
        OrderRequest(instrument: instrument, side: side, kind: .market, quantity: Quantity(lots: lots),
                     timeInForce: .immediateOrCancel, clientTag: tag)
    }
}
