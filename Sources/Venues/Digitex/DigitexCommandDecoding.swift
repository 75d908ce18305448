extension DigitexCommand {
    /// Reads a request the client sent (from a tape's outbound side, or a doc example):
    /// its id and command. Fails with the reason for templates and unknown methods.
    public static func decode(_ bytes: [UInt8]) -> Result<(id: Int64, command: DigitexCommand), UnrecognisedFrame> {
        var scanner = JSONScanner()
        return scanner.decode(bytes) { (root) throws(DecodeFailure) in
            let request = try FieldReader(root, message: "request")
            let id = try request.int("id")
            return (id, try command(method: try request.string("method"), request: request))
        }
    }

    private static func command(method: String, request: FieldReader) throws(DecodeFailure) -> DigitexCommand {
        let paramsValue = try request.value("params")
        switch method {
        case "subscribe", "unsubscribe", "subscriptions":
            guard paramsValue.isArray else { throw request.bad("params") }
            var channels: [String] = []
            for element in paramsValue.elements {
                guard let channel = element.string else { throw request.bad("params") }
                channels.append(channel)
            }
            switch method {
            case "subscribe": return .subscribe(channels)
            case "unsubscribe": return .unsubscribe(channels)
            default: return .listSubscriptions
            }
        default:
            break
        }
        let params = try FieldReader(paramsValue, message: method)
        switch method {
        case "auth":
            guard try params.string("type") == "token" else { throw params.bad("type") }
            return .authenticate(token: try params.string("value"))
        case "placeOrder":
            return .placeOrder(try order(params))
        case "cancelOrder":
            return .cancelOrder(symbol: try params.string("symbol"), clOrdId: try params.string("clOrdId"))
        case "cancelAllOrders":
            return .cancelAllOrders(
                symbol: try params.string("symbol"), side: try optionalSide(params), price: try params.optionalDecimal("px"))
        case "placeCondOrder":
            guard let mayIncrease = try params.optionalBool("mayIncrPosition") else { throw params.missing("mayIncrPosition") }
            return .placeConditionalOrder(DigitexConditionalOrderRequest(
                actionId: try params.string("actionId"), triggerPriceType: try params.string("pxType"),
                condition: DigitexVocabulary.condition(try params.string("condition")),
                triggerPrice: try params.decimal("pxValue"), order: try order(params), mayIncreasePosition: mayIncrease))
        case "cancelCondOrder":
            return .cancelConditionalOrder(
                symbol: try params.string("symbol"), actionId: try params.optionalString("actionId"),
                allForTrader: try params.optionalBool("allForTrader") ?? false)
        case "closeContract":
            return .closeContract(
                symbol: try params.string("symbol"), contractId: try params.int("contractId"),
                type: DigitexVocabulary.orderType(try params.string("ordType")), price: try params.optionalDecimal("px"),
                quantity: try params.quantity("qty"))
        case "closePosition":
            return .closePosition(
                symbol: try params.string("symbol"), type: DigitexVocabulary.orderType(try params.string("ordType")),
                price: try params.optionalDecimal("px"))
        case "getTraderStatus":
            return .getTraderStatus(symbol: try params.string("symbol"))
        case "changeLeverageAll":
            return .changeLeverageAll(symbol: try params.string("symbol"), leverage: try params.int("leverage"))
        default:
            throw DecodeFailure(.unknownMessage("request \(method)"))
        }
    }

    private static func order(_ params: FieldReader) throws(DecodeFailure) -> DigitexOrderRequest {
        guard let side = DigitexVocabulary.side(try params.string("side")) else { throw params.bad("side") }
        let type = DigitexVocabulary.orderType(try params.string("ordType"))
        let timeInForce = DigitexVocabulary.timeInForce(try params.string("timeInForce"))
        // Keep the encoder total: it only spells the types and time-in-force values Digitex has.
        if case .other = type { throw params.bad("ordType") }
        if case .other = timeInForce { throw params.bad("timeInForce") }
        return DigitexOrderRequest(
            symbol: try params.string("symbol"), clOrdId: try params.string("clOrdId"), type: type,
            timeInForce: timeInForce, side: side, price: try params.optionalDecimal("px"), quantity: try params.quantity("qty"))
    }

    private static func optionalSide(_ params: FieldReader) throws(DecodeFailure) -> Side? {
        guard let text = try params.optionalString("side") else { return nil }
        guard let side = DigitexVocabulary.side(text) else { throw params.bad("side") }
        return side
    }
}
