/// An order that the venue will place when a price condition holds.
public struct ConditionalOrder: Hashable, Sendable {
    public enum Condition: Hashable, Sendable {
        case lessOrEqual, greaterOrEqual
        case other(String)
    }

    public var symbol: String
    /// The venue's id for the conditional order (Digitex `actionId`, re-issued on every change).
    public var actionID: String
    public var previousActionID: String?
    /// Which price triggers it (`SPOT_PRICE`, `LAST_PRICE`, `MARK_PRICE`, …), verbatim.
    public var triggerPriceType: String
    public var condition: Condition
    public var triggerPrice: FixedDecimal
    /// The order placed when triggered.
    public var clientOrderID: String?
    public var side: Side
    public var type: OrderType
    public var timeInForce: TimeInForce?
    public var price: FixedDecimal?
    public var quantity: FixedDecimal
    public var mayIncreasePosition: Bool?
    public var status: OrderStatus
    public var venueTimeMillis: Int64?

    public init(
        symbol: String, actionID: String, previousActionID: String? = nil, triggerPriceType: String,
        condition: Condition, triggerPrice: FixedDecimal, clientOrderID: String? = nil, side: Side, type: OrderType,
        timeInForce: TimeInForce? = nil, price: FixedDecimal? = nil, quantity: FixedDecimal,
        mayIncreasePosition: Bool? = nil, status: OrderStatus, venueTimeMillis: Int64? = nil
    ) {
        self.symbol = symbol
        self.actionID = actionID
        self.previousActionID = previousActionID
        self.triggerPriceType = triggerPriceType
        self.condition = condition
        self.triggerPrice = triggerPrice
        self.clientOrderID = clientOrderID
        self.side = side
        self.type = type
        self.timeInForce = timeInForce
        self.price = price
        self.quantity = quantity
        self.mayIncreasePosition = mayIncreasePosition
        self.status = status
        self.venueTimeMillis = venueTimeMillis
    }
}
