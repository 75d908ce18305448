extension QFEXCommand {
    /// Reads a request (a tape's outbound side or a doc example).
    public static func decode(_ bytes: [UInt8]) -> Result<QFEXCommand, UnrecognisedFrame> {
        var scanner = JSONScanner()
        return scanner.decode(bytes) { (root) throws(DecodeFailure) in try command(root) }
    }

    private static func command(_ root: JSONValue) throws(DecodeFailure) -> QFEXCommand {
        let request = try FieldReader(root, message: "request")
        let type = try request.string("type")
        if root["channels"] != nil {
            let channels = try strings(request, "channels")
            let symbols = try strings(request, "symbols")
            switch type {
            case "subscribe": return .subscribeMarketData(channels: channels, symbols: symbols)
            case "unsubscribe": return .unsubscribeMarketData(channels: channels, symbols: symbols)
            default: throw DecodeFailure(.unknownMessage("request \(type)"))
            }
        }
        let params = try FieldReader(try request.value("params"), message: type)
        switch type {
        case "auth":
            let accountID = try params.optionalString("account_id")
            if let key = try params.optionalString("api_key") { return .authenticate(.apiKey(key)) }
            if let jwt = try params.optionalString("jwt") { return .authenticate(.jwt(jwt, accountID: accountID)) }
            let hmac = try FieldReader(try params.value("hmac"), message: "auth.hmac")
            return .authenticate(.hmac(
                publicKey: try hmac.string("public_key"), signature: try hmac.string("signature"), nonce: try hmac.string("nonce"),
                unixSeconds: try hmac.int("unix_ts"), accountID: accountID))
        case "subscribe": return .subscribe(try strings(params, "channels"))
        case "unsubscribe": return .unsubscribe(try strings(params, "channels"))
        case "add_order":
            return .addOrder(QFEXOrderRequest(
                symbol: try params.string("symbol"), side: try side(params), orderType: try params.string("order_type"),
                timeInForce: try params.string("order_time_in_force"), quantity: try params.quantity("quantity"),
                price: try params.decimal("price"), takeProfit: try params.optionalDecimal("take_profit"),
                stopLoss: try params.optionalDecimal("stop_loss"), clientOrderID: try params.optionalString("client_order_id")))
        case "cancel_order":
            let symbol = try params.string("symbol")
            switch try params.optionalString("cancel_order_id_type") ?? "order_id" {
            case "order_id": return .cancelOrder(symbol: symbol, id: .orderID(try params.string("order_id")))
            case "client_order_id": return .cancelOrder(symbol: symbol, id: .clientOrderID(try params.string("client_order_id")))
            default: throw params.bad("cancel_order_id_type")
            }
        case "cancel_all_orders": return .cancelAllOrders
        case "modify_order":
            return .modifyOrder(QFEXModifyRequest(
                orderID: try params.string("order_id"), symbol: try params.string("symbol"), side: try side(params),
                quantity: try params.quantity("quantity"), price: try params.decimal("price"),
                takeProfit: try params.optionalDecimal("take_profit"), stopLoss: try params.optionalDecimal("stop_loss"),
                orderType: try params.optionalString("order_type")))
        case "get_user_orders": return .getUserOrders(limit: try params.optionalInt("limit"), offset: try params.optionalInt("offset"))
        case "get_user_trades": return .getUserTrades(limit: try params.optionalInt("limit"), offset: try params.optionalInt("offset"))
        case "get_user_leverage": return .getUserLeverage(limit: try params.optionalInt("limit"), offset: try params.optionalInt("offset"))
        case "get_available_leverage_levels":
            return .getAvailableLeverageLevels(limit: try params.optionalInt("limit"), offset: try params.optionalInt("offset"))
        case "set_user_leverage": return .setUserLeverage(symbol: try params.string("symbol"), leverage: try params.quantity("leverage"))
        case "cancel_on_disconnect":
            guard let enabled = try params.optionalBool("cancel_on_disconnect") else { throw params.missing("cancel_on_disconnect") }
            return .cancelOnDisconnect(enabled)
        default:
            throw DecodeFailure(.unknownMessage("request \(type)"))
        }
    }

    private static func side(_ params: FieldReader) throws(DecodeFailure) -> Side {
        guard let side = QFEXVocabulary.side(try params.string("side")) else { throw params.bad("side") }
        return side
    }

    private static func strings(_ fields: FieldReader, _ key: StaticString) throws(DecodeFailure) -> [String] {
        var result: [String] = []
        for value in try fields.array(key) {
            guard let text = value.string else { throw fields.bad(key) }
            result.append(text)
        }
        return result
    }
}
