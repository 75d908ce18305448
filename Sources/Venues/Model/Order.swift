/// An order as the venue last described it, with the venue's own identifiers kept.
public struct Order: Hashable, Sendable {
    public var symbol: String
    /// The identifier the venue uses for the order now (Digitex: the current `clOrdId` of the chain;
    /// QFEX: `order_id`).
    public var venueOrderID: String
    /// The identifier the client chose (Digitex `origClOrdId`, QFEX `client_order_id`); Digitex keeps
    /// it constant along the order chain, so it is the key an order is tracked by there.
    public var clientOrderID: String?
    /// The previous identifier in an immutable order chain (Digitex `oldClOrdId`).
    public var previousVenueOrderID: String?
    public var side: Side
    public var type: OrderType
    public var timeInForce: TimeInForce?
    /// Limit price; nil (or zero at some venues) for market orders.
    public var price: FixedDecimal?
    /// Quantity still open.
    public var quantity: FixedDecimal
    /// Quantity when placed.
    public var originalQuantity: FixedDecimal?
    public var status: OrderStatus
    public var leverage: FixedDecimal?
    public var takeProfit: FixedDecimal?
    public var stopLoss: FixedDecimal?
    /// Venue time of the last change, milliseconds since the Unix epoch, as the venue sent it.
    public var venueTimeMillis: Int64?

    public init(
        symbol: String, venueOrderID: String, clientOrderID: String? = nil, previousVenueOrderID: String? = nil,
        side: Side, type: OrderType, timeInForce: TimeInForce? = nil, price: FixedDecimal? = nil,
        quantity: FixedDecimal, originalQuantity: FixedDecimal? = nil, status: OrderStatus,
        leverage: FixedDecimal? = nil, takeProfit: FixedDecimal? = nil, stopLoss: FixedDecimal? = nil,
        venueTimeMillis: Int64? = nil
    ) {
        self.symbol = symbol
        self.venueOrderID = venueOrderID
        self.clientOrderID = clientOrderID
        self.previousVenueOrderID = previousVenueOrderID
        self.side = side
        self.type = type
        self.timeInForce = timeInForce
        self.price = price
        self.quantity = quantity
        self.originalQuantity = originalQuantity
        self.status = status
        self.leverage = leverage
        self.takeProfit = takeProfit
        self.stopLoss = stopLoss
        self.venueTimeMillis = venueTimeMillis
    }
}
