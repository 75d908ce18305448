/// A request the client sends on the Digitex trading (or public) WebSocket.
public enum DigitexCommand: Hashable, Sendable {
    case authenticate(token: String)
    case placeOrder(DigitexOrderRequest)
    case cancelOrder(symbol: String, clOrdId: String)
    /// Cancels all orders, or only those of one side and/or price.
    case cancelAllOrders(symbol: String, side: Side?, price: FixedDecimal?)
    case placeConditionalOrder(DigitexConditionalOrderRequest)
    /// Cancels one conditional order, or all of the trader's (`actionId` nil, `allForTrader` true).
    case cancelConditionalOrder(symbol: String, actionId: String?, allForTrader: Bool)
    case closeContract(symbol: String, contractId: Int64, type: OrderType, price: FixedDecimal?, quantity: FixedDecimal)
    case closePosition(symbol: String, type: OrderType, price: FixedDecimal?)
    case getTraderStatus(symbol: String)
    case changeLeverageAll(symbol: String, leverage: Int64)
    /// Public feed: `"BTCUSD-PERP@orderbook_5"` and so on.
    case subscribe([String])
    case unsubscribe([String])
    case listSubscriptions

    /// The JSON method name.
    public var method: String {
        switch self {
        case .authenticate: "auth"
        case .placeOrder: "placeOrder"
        case .cancelOrder: "cancelOrder"
        case .cancelAllOrders: "cancelAllOrders"
        case .placeConditionalOrder: "placeCondOrder"
        case .cancelConditionalOrder: "cancelCondOrder"
        case .closeContract: "closeContract"
        case .closePosition: "closePosition"
        case .getTraderStatus: "getTraderStatus"
        case .changeLeverageAll: "changeLeverageAll"
        case .subscribe: "subscribe"
        case .unsubscribe: "unsubscribe"
        case .listSubscriptions: "subscriptions"
        }
    }

    /// True for requests that the docs say need authentication and `tradingStatus` available.
    public var needsTrading: Bool {
        switch self {
        case .placeOrder, .cancelOrder, .cancelAllOrders, .placeConditionalOrder, .cancelConditionalOrder,
             .closeContract, .closePosition, .getTraderStatus, .changeLeverageAll:
            true
        case .authenticate, .subscribe, .unsubscribe, .listSubscriptions:
            false
        }
    }

    /// The request as JSON, members in the order the docs write them.
    public func json(id: Int64) -> JSONOutput {
        .object([("id", .int(id)), ("method", .string(method)), ("params", params)])
    }

    private var params: JSONOutput {
        switch self {
        case .authenticate(let token):
            return .object([("type", .string("token")), ("value", .string(token))])
        case .placeOrder(let order):
            var members: [(String, JSONOutput)] = [
                ("symbol", .string(order.symbol)), ("clOrdId", .string(order.clOrdId)),
                ("ordType", .string(DigitexVocabulary.text(order.type))),
                ("timeInForce", .string(DigitexVocabulary.text(order.timeInForce))),
                ("side", .string(DigitexVocabulary.text(order.side))),
            ]
            if let price = order.price { members.append(("px", .number(price))) }
            members.append(("qty", .number(order.quantity)))
            return .object(members)
        case .cancelOrder(let symbol, let clOrdId):
            return .object([("symbol", .string(symbol)), ("clOrdId", .string(clOrdId))])
        case .cancelAllOrders(let symbol, let side, let price):
            var members: [(String, JSONOutput)] = [("symbol", .string(symbol))]
            if let price { members.append(("px", .number(price))) }
            if let side { members.append(("side", .string(DigitexVocabulary.text(side)))) }
            return .object(members)
        case .placeConditionalOrder(let order):
            var members: [(String, JSONOutput)] = [
                ("actionId", .string(order.actionId)), ("pxType", .string(order.triggerPriceType)),
                ("condition", .string(DigitexVocabulary.text(order.condition))), ("pxValue", .number(order.triggerPrice)),
                ("symbol", .string(order.order.symbol)), ("clOrdId", .string(order.order.clOrdId)),
                ("ordType", .string(DigitexVocabulary.text(order.order.type))),
                ("timeInForce", .string(DigitexVocabulary.text(order.order.timeInForce))),
                ("side", .string(DigitexVocabulary.text(order.order.side))),
            ]
            if let price = order.order.price { members.append(("px", .number(price))) }
            members.append(("qty", .number(order.order.quantity)))
            members.append(("mayIncrPosition", .bool(order.mayIncreasePosition)))
            return .object(members)
        case .cancelConditionalOrder(let symbol, let actionId, let allForTrader):
            var members: [(String, JSONOutput)] = [("symbol", .string(symbol))]
            if let actionId { members.append(("actionId", .string(actionId))) }
            members.append(("allForTrader", .bool(allForTrader)))
            return .object(members)
        case .closeContract(let symbol, let contractId, let type, let price, let quantity):
            var members: [(String, JSONOutput)] = [
                ("symbol", .string(symbol)), ("contractId", .int(contractId)), ("ordType", .string(DigitexVocabulary.text(type))),
            ]
            if let price { members.append(("px", .number(price))) }
            members.append(("qty", .number(quantity)))
            return .object(members)
        case .closePosition(let symbol, let type, let price):
            var members: [(String, JSONOutput)] = [("symbol", .string(symbol)), ("ordType", .string(DigitexVocabulary.text(type)))]
            if let price { members.append(("px", .number(price))) }
            return .object(members)
        case .getTraderStatus(let symbol):
            return .object([("symbol", .string(symbol))])
        case .changeLeverageAll(let symbol, let leverage):
            return .object([("symbol", .string(symbol)), ("leverage", .int(leverage))])
        case .subscribe(let channels), .unsubscribe(let channels):
            return .array(channels.map { .string($0) })
        case .listSubscriptions:
            return .array([])
        }
    }
}

/// The parameters of `placeOrder` (and of the order inside a conditional order).
public struct DigitexOrderRequest: Hashable, Sendable {
    public var symbol: String
    /// Chosen by the client; only the first 16 bytes count at the exchange.
    public var clOrdId: String
    public var type: OrderType
    public var timeInForce: TimeInForce
    public var side: Side
    /// May be omitted for MARKET orders (the docs' examples send 0).
    public var price: FixedDecimal?
    public var quantity: FixedDecimal

    public init(
        symbol: String, clOrdId: String, type: OrderType, timeInForce: TimeInForce, side: Side,
        price: FixedDecimal?, quantity: FixedDecimal
    ) {
        self.symbol = symbol
        self.clOrdId = clOrdId
        self.type = type
        self.timeInForce = timeInForce
        self.side = side
        self.price = price
        self.quantity = quantity
    }
}

/// The parameters of `placeCondOrder`: a trigger and the order to place when it fires.
public struct DigitexConditionalOrderRequest: Hashable, Sendable {
    public var actionId: String
    /// `SPOT_PRICE` or `LAST_PRICE`.
    public var triggerPriceType: String
    public var condition: ConditionalOrder.Condition
    public var triggerPrice: FixedDecimal
    public var order: DigitexOrderRequest
    /// True when the order may change the sign of the position.
    public var mayIncreasePosition: Bool

    public init(
        actionId: String, triggerPriceType: String, condition: ConditionalOrder.Condition, triggerPrice: FixedDecimal,
        order: DigitexOrderRequest, mayIncreasePosition: Bool
    ) {
        self.actionId = actionId
        self.triggerPriceType = triggerPriceType
        self.condition = condition
        self.triggerPrice = triggerPrice
        self.order = order
        self.mayIncreasePosition = mayIncreasePosition
    }
}
