/// A request to QFEX: `{"type": …, "params": {…}}` on the trade socket, or
/// `{"type": …, "channels": […], "symbols": […]}` on the market-data socket.
public enum QFEXCommand: Hashable, Sendable {
    case authenticate(QFEXCredentials)
    /// Trade socket channels: `orders`/`order_responses`, `positions`, `balances`, `fills`.
    case subscribe([String])
    case unsubscribe([String])
    /// Market-data socket: channels (`bbo`, `level2`, `trade`, …) for symbols (`"*"` for all).
    case subscribeMarketData(channels: [String], symbols: [String])
    case unsubscribeMarketData(channels: [String], symbols: [String])
    case addOrder(QFEXOrderRequest)
    case cancelOrder(symbol: String, id: QFEXOrderReference)
    case cancelAllOrders
    case modifyOrder(QFEXModifyRequest)
    case getUserOrders(limit: Int64?, offset: Int64?)
    case getUserTrades(limit: Int64?, offset: Int64?)
    case getUserLeverage(limit: Int64?, offset: Int64?)
    case getAvailableLeverageLevels(limit: Int64?, offset: Int64?)
    case setUserLeverage(symbol: String, leverage: FixedDecimal)
    case cancelOnDisconnect(Bool)

    public var type: String {
        switch self {
        case .authenticate: "auth"
        case .subscribe, .subscribeMarketData: "subscribe"
        case .unsubscribe, .unsubscribeMarketData: "unsubscribe"
        case .addOrder: "add_order"
        case .cancelOrder: "cancel_order"
        case .cancelAllOrders: "cancel_all_orders"
        case .modifyOrder: "modify_order"
        case .getUserOrders: "get_user_orders"
        case .getUserTrades: "get_user_trades"
        case .getUserLeverage: "get_user_leverage"
        case .getAvailableLeverageLevels: "get_available_leverage_levels"
        case .setUserLeverage: "set_user_leverage"
        case .cancelOnDisconnect: "cancel_on_disconnect"
        }
    }

    /// True for requests that act on the account and therefore need an authenticated session.
    public var needsAuthentication: Bool {
        switch self {
        case .authenticate, .subscribeMarketData, .unsubscribeMarketData: false
        case .subscribe, .unsubscribe, .addOrder, .cancelOrder, .cancelAllOrders, .modifyOrder, .getUserOrders,
             .getUserTrades, .getUserLeverage, .getAvailableLeverageLevels, .setUserLeverage, .cancelOnDisconnect:
            true
        }
    }

    /// The request as JSON, members in the docs' order.
    public var json: JSONOutput {
        switch self {
        case .subscribeMarketData(let channels, let symbols), .unsubscribeMarketData(let channels, let symbols):
            return .object([
                ("type", .string(type)), ("channels", .array(channels.map { .string($0) })),
                ("symbols", .array(symbols.map { .string($0) })),
            ])
        case .authenticate, .subscribe, .unsubscribe, .addOrder, .cancelOrder, .cancelAllOrders, .modifyOrder,
             .getUserOrders, .getUserTrades, .getUserLeverage, .getAvailableLeverageLevels, .setUserLeverage,
             .cancelOnDisconnect:
            return .object([("type", .string(type)), ("params", .object(params))])
        }
    }

    private var params: [(String, JSONOutput)] {
        switch self {
        case .authenticate(let credentials):
            return credentials.params
        case .subscribe(let channels), .unsubscribe(let channels):
            return [("channels", .array(channels.map { .string($0) }))]
        case .subscribeMarketData, .unsubscribeMarketData:
            return []
        case .addOrder(let order):
            var members: [(String, JSONOutput)] = [
                ("symbol", .string(order.symbol)), ("side", .string(QFEXVocabulary.text(order.side))),
                ("order_type", .string(order.orderType)), ("order_time_in_force", .string(order.timeInForce)),
                ("quantity", .number(order.quantity)), ("price", .number(order.price)),
            ]
            if let takeProfit = order.takeProfit { members.append(("take_profit", .number(takeProfit))) }
            if let stopLoss = order.stopLoss { members.append(("stop_loss", .number(stopLoss))) }
            if let clientOrderID = order.clientOrderID { members.append(("client_order_id", .string(clientOrderID))) }
            return members
        case .cancelOrder(let symbol, let reference):
            switch reference {
            case .orderID(let id):
                return [("order_id", .string(id)), ("symbol", .string(symbol)), ("cancel_order_id_type", .string("order_id"))]
            case .clientOrderID(let id):
                return [("client_order_id", .string(id)), ("symbol", .string(symbol)), ("cancel_order_id_type", .string("client_order_id"))]
            }
        case .cancelAllOrders:
            return []
        case .modifyOrder(let modify):
            var members: [(String, JSONOutput)] = [
                ("order_id", .string(modify.orderID)), ("symbol", .string(modify.symbol)),
                ("side", .string(QFEXVocabulary.text(modify.side))), ("quantity", .number(modify.quantity)),
                ("price", .number(modify.price)),
            ]
            if let takeProfit = modify.takeProfit { members.append(("take_profit", .number(takeProfit))) }
            if let stopLoss = modify.stopLoss { members.append(("stop_loss", .number(stopLoss))) }
            if let orderType = modify.orderType { members.append(("order_type", .string(orderType))) }
            return members
        case .getUserOrders(let limit, let offset), .getUserTrades(let limit, let offset),
             .getUserLeverage(let limit, let offset), .getAvailableLeverageLevels(let limit, let offset):
            var members: [(String, JSONOutput)] = []
            if let limit { members.append(("limit", .int(limit))) }
            if let offset { members.append(("offset", .int(offset))) }
            return members
        case .setUserLeverage(let symbol, let leverage):
            return [("symbol", .string(symbol)), ("leverage", .number(leverage))]
        case .cancelOnDisconnect(let enabled):
            return [("cancel_on_disconnect", .bool(enabled))]
        }
    }
}

/// How a QFEX session proves who it is.
public enum QFEXCredentials: Hashable, Sendable {
    /// The older documented form: `{"api_key": …}`.
    case apiKey(String)
    /// HMAC-SHA256(secret, "nonce:unix_ts") in hex. The nonce and time come from the caller
    /// (the client reads no clock and draws no random numbers); the nonce must be unique per 15 min.
    case hmac(publicKey: String, signature: String, nonce: String, unixSeconds: Int64, accountID: String?)
    case jwt(String, accountID: String?)

    /// Signs `nonce:unix_ts` with the secret key and returns ready credentials.
    public static func signed(publicKey: String, secretKey: String, nonce: String, unixSeconds: Int64, accountID: String? = nil) -> QFEXCredentials {
        let signature = SHA256.hex(SHA256.hmac(key: Array(secretKey.utf8), message: Array("\(nonce):\(unixSeconds)".utf8)))
        return .hmac(publicKey: publicKey, signature: signature, nonce: nonce, unixSeconds: unixSeconds, accountID: accountID)
    }

    var params: [(String, JSONOutput)] {
        switch self {
        case .apiKey(let key):
            return [("api_key", .string(key))]
        case .hmac(let publicKey, let signature, let nonce, let unixSeconds, let accountID):
            var members: [(String, JSONOutput)] = [("hmac", .object([
                ("public_key", .string(publicKey)), ("nonce", .string(nonce)), ("unix_ts", .int(unixSeconds)),
                ("signature", .string(signature)),
            ]))]
            if let accountID { members.append(("account_id", .string(accountID))) }
            return members
        case .jwt(let token, let accountID):
            var members: [(String, JSONOutput)] = [("jwt", .string(token))]
            if let accountID { members.append(("account_id", .string(accountID))) }
            return members
        }
    }
}

/// Which id a cancel names; by client order id it may cancel several orders.
public enum QFEXOrderReference: Hashable, Sendable {
    case orderID(String)
    case clientOrderID(String)
}

/// The parameters of `add_order`.
public struct QFEXOrderRequest: Hashable, Sendable {
    public var symbol: String
    public var side: Side
    /// `LIMIT`, `MARKET`, `ALO` (refdata lists these), verbatim.
    public var orderType: String
    /// `GTC`, `IOC`, `FOK`, `GFD`, verbatim.
    public var timeInForce: String
    public var quantity: FixedDecimal
    public var price: FixedDecimal
    public var takeProfit: FixedDecimal?
    public var stopLoss: FixedDecimal?
    public var clientOrderID: String?

    public init(
        symbol: String, side: Side, orderType: String, timeInForce: String, quantity: FixedDecimal, price: FixedDecimal,
        takeProfit: FixedDecimal? = nil, stopLoss: FixedDecimal? = nil, clientOrderID: String? = nil
    ) {
        self.symbol = symbol
        self.side = side
        self.orderType = orderType
        self.timeInForce = timeInForce
        self.quantity = quantity
        self.price = price
        self.takeProfit = takeProfit
        self.stopLoss = stopLoss
        self.clientOrderID = clientOrderID
    }
}

/// The parameters of `modify_order`.
public struct QFEXModifyRequest: Hashable, Sendable {
    public var orderID: String
    public var symbol: String
    public var side: Side
    public var quantity: FixedDecimal
    public var price: FixedDecimal
    public var takeProfit: FixedDecimal?
    public var stopLoss: FixedDecimal?
    public var orderType: String?

    public init(
        orderID: String, symbol: String, side: Side, quantity: FixedDecimal, price: FixedDecimal,
        takeProfit: FixedDecimal? = nil, stopLoss: FixedDecimal? = nil, orderType: String? = nil
    ) {
        self.orderID = orderID
        self.symbol = symbol
        self.side = side
        self.quantity = quantity
        self.price = price
        self.takeProfit = takeProfit
        self.stopLoss = stopLoss
        self.orderType = orderType
    }
}
