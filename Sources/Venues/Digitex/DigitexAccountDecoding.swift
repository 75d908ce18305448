/// Decoding of the private (account) channels: orders, contracts, conditional orders, summaries.
enum DigitexAccountDecoding {
    static func push(_ channel: DigitexChannel, data: JSONValue) throws(DecodeFailure) -> DigitexAccountPush {
        let name = channel.rawValue
        let fields = try FieldReader(data, message: name)
        var push = DigitexAccountPush(symbol: try fields.string("symbol"))
        push.account = try snapshot(fields)
        push.errorCode = try fields.optionalInt("errCode")
        push.timestampMillis = try fields.optionalInt("timestamp")
        switch channel {
        case .orderStatus, .orderFilled:
            push.orders = [try order(fields)]
            push.contracts = try fields.array("contracts").map { (value) throws(DecodeFailure) in try contract(value, name) }
            for element in try fields.array("marketTrades") {
                let trade = try FieldReader(element, message: "marketTrades")
                let order = push.orders[0]
                push.marketTrades.append(Fill(
                    symbol: push.symbol, venueOrderID: order.clOrdId, clientOrderID: order.origClOrdId,
                    // The second marketTrades example has no side: the trade is on the order's side.
                    side: try trade.optionalString("side").flatMap(DigitexVocabulary.side) ?? order.side,
                    price: try trade.decimal("px"), quantity: try trade.quantity("qty"),
                    isMaker: try trade.optionalBool("isMaker"), venueTimeMillis: push.timestampMillis))
            }
        case .orderCancelled:
            push.status = try fields.optionalString("orderStatus").map(DigitexVocabulary.status)
            push.orders = try fields.array("orders").map { (value) throws(DecodeFailure) in
                let fields = try FieldReader(value, message: "orders")
                return try order(fields)
            }
        case .contractClosed:
            push.orderIDs = try strings(fields, "orderIds")
        case .traderStatus, .leverage:
            push.orders = try fields.array("activeOrders").map { (value) throws(DecodeFailure) in
                let fields = try FieldReader(value, message: "activeOrders")
                return try order(fields)
            }
            push.contracts = try fields.array("contracts").map { (value) throws(DecodeFailure) in try contract(value, name) }
            push.conditionalOrders = try fields.array("conditionalOrders").map { (value) throws(DecodeFailure) in
                try conditionalOrder(value, symbol: push.symbol, status: .accepted, name)
            }
        case .traderBalance:
            break
        case .position:
            push.contracts = try fields.array("liquidatedContracts").map { (value) throws(DecodeFailure) in try contract(value, name) }
            push.terminatedOrderIDs = try strings(fields, "terminatedOrders")
            push.balanceIncrement = try fields.optionalDecimal("traderBalanceIncrement")
        case .funding:
            push.contracts = try fields.array("contracts").map { (value) throws(DecodeFailure) in try contract(value, name) }
            push.payout = try fields.optionalDecimal("payout")
            push.payoutPerContract = try fields.optionalDecimal("payoutPerContract")
        case .condOrderStatus:
            guard let status = try fields.optionalString("status").map(DigitexVocabulary.status) else { throw fields.missing("status") }
            push.status = status
            push.conditionalOrders = try fields.array("conditionalOrders").map { (value) throws(DecodeFailure) in
                try conditionalOrder(value, symbol: push.symbol, status: status, name)
            }
        }
        return push
    }

    static func snapshot(_ fields: FieldReader) throws(DecodeFailure) -> DigitexAccountSnapshot {
        var snapshot = DigitexAccountSnapshot()
        snapshot.traderBalance = try fields.optionalDecimal("traderBalance")
        snapshot.orderMargin = try fields.optionalDecimal("orderMargin")
        snapshot.positionMargin = try fields.optionalDecimal("positionMargin")
        snapshot.unrealisedPnL = try fields.optionalDecimal("upnl")
        snapshot.realisedPnL = try fields.optionalDecimal("pnl")
        snapshot.markPrice = try fields.optionalDecimal("markPx")
        snapshot.leverage = try fields.optionalQuantity("leverage")
        if let side = try fields.optionalString("positionType", words: DigitexVocabulary.positionSideWords, parse: DigitexVocabulary.positionSide) {
            guard let side else { throw fields.bad("positionType") }
            snapshot.positionType = side
        }
        snapshot.positionContracts = try fields.optionalQuantity("positionContracts")
        snapshot.positionVolume = try fields.optionalQuantity("positionVolume")
        snapshot.positionLiquidationVolume = try fields.optionalQuantity("positionLiquidationVolume")
        snapshot.positionBankruptcyVolume = try fields.optionalQuantity("positionBankruptcyVolume")
        return snapshot
    }

    static func order(_ fields: FieldReader) throws(DecodeFailure) -> DigitexOrder {
        var side: Side?
        if let parsed = try fields.optionalString("orderSide", words: DigitexVocabulary.sideWords, parse: DigitexVocabulary.side) {
            guard let parsed else { throw fields.bad("orderSide") }
            side = parsed
        }
        let order = DigitexOrder(
            clOrdId: try fields.string("clOrdId"), newClOrdId: try fields.optionalString("newClOrdId"),
            oldClOrdId: try fields.optionalString("oldClOrdId"), origClOrdId: try fields.optionalString("origClOrdId"),
            status: try fields.optionalString("orderStatus", words: DigitexVocabulary.statusWords, parse: DigitexVocabulary.status),
            type: try fields.optionalString("orderType", words: DigitexVocabulary.orderTypeWords, parse: DigitexVocabulary.orderType),
            timeInForce: try fields.optionalString("timeInForce", words: DigitexVocabulary.timeInForceWords, parse: DigitexVocabulary.timeInForce),
            side: side, price: try fields.optionalDecimal("px"), paidPrice: try fields.optionalDecimal("paidPx"),
            quantity: try fields.quantity("qty"), originalQuantity: try fields.optionalQuantity("origQty"),
            droppedQuantity: try fields.optionalQuantity("droppedQty"), leverage: try fields.optionalQuantity("leverage"),
            timestampMillis: try fields.optionalInt("timestamp"), openTimeMillis: try fields.optionalInt("openTime"),
            errorCode: try fields.optionalInt("errCode"), oldContractId: try fields.optionalInt("oldContractId"))
        // More open than was ever placed cannot be applied consistently: reject the frame instead.
        if let original = order.originalQuantity, order.quantity > original { throw fields.bad("qty") }
        return order
    }

    static func contract(_ value: JSONValue, _ name: String) throws(DecodeFailure) -> DigitexContract {
        let fields = try FieldReader(value, message: "contract")
        var positionType: PositionSide?
        if let side = try fields.optionalString("positionType", words: DigitexVocabulary.positionSideWords, parse: DigitexVocabulary.positionSide) {
            guard let side else { throw fields.bad("positionType") }
            positionType = side
        }
        return DigitexContract(
            contractId: try fields.int("contractId"), oldContractId: try fields.optionalInt("oldContractId"),
            origContractId: try fields.optionalInt("origContractId"), positionType: positionType,
            quantity: try fields.quantity("qty"), entryPrice: try fields.optionalDecimal("entryPx"),
            paidPrice: try fields.optionalDecimal("paidPx"), liquidationPrice: try fields.optionalDecimal("liquidationPx"),
            bankruptcyPrice: try fields.optionalDecimal("bankruptcyPx"), exitPrice: try fields.optionalDecimal("exitPx"),
            leverage: try fields.optionalQuantity("leverage"), timestampMillis: try fields.optionalInt("timestamp"),
            isIncrease: try fields.optionalBool("isIncrease") ?? false, isFunding: try fields.optionalBool("isFunding") ?? false,
            isLiquidation: try fields.optionalBool("isLiquidation") ?? false)
    }

    static func conditionalOrder(
        _ value: JSONValue, symbol: String, status: OrderStatus, _ name: String
    ) throws(DecodeFailure) -> ConditionalOrder {
        let fields = try FieldReader(value, message: "conditionalOrders")
        guard let side = DigitexVocabulary.side(try fields.string("side")) else { throw fields.bad("side") }
        return ConditionalOrder(
            symbol: symbol, actionID: try fields.string("actionId"), previousActionID: try fields.optionalString("oldActionId"),
            triggerPriceType: try fields.string("pxType"), condition: DigitexVocabulary.condition(try fields.string("condition")),
            triggerPrice: try fields.decimal("pxValue"), clientOrderID: try fields.optionalString("clOrdId"), side: side,
            type: DigitexVocabulary.orderType(try fields.string("ordType")),
            timeInForce: try fields.optionalString("timeInForce").map(DigitexVocabulary.timeInForce),
            price: try fields.optionalDecimal("px"), quantity: try fields.quantity("qty"),
            mayIncreasePosition: try fields.optionalBool("mayIncrPosition"), status: status,
            venueTimeMillis: try fields.optionalInt("ts"))
    }

    private static func strings(_ fields: FieldReader, _ key: StaticString) throws(DecodeFailure) -> [String] {
        try fields.array(key).map { (value) throws(DecodeFailure) -> String in
            guard let text = value.string else { throw fields.bad(key) }
            return text
        }
    }
}
