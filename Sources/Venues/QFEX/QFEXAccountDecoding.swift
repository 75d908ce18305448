/// Decoding of QFEX account objects: orders, fills, positions, balances, leverage levels.
enum QFEXAccountDecoding {
    static func order(_ value: JSONValue, _ name: String) throws(DecodeFailure) -> QFEXOrderReport {
        let fields = try FieldReader(value, message: name)
        guard let side = QFEXVocabulary.side(try fields.string("side")) else { throw fields.bad("side") }
        let statusText = try fields.string("status")
        let quantity = try fields.quantity("quantity")
        let remaining = try fields.optionalQuantity("quantity_remaining") ?? quantity
        guard remaining <= quantity else { throw fields.bad("quantity_remaining") }
        let clientOrderID = try fields.optionalString("client_order_id")
        let order = Order(
            symbol: try fields.string("symbol"), venueOrderID: try fields.string("order_id"),
            // The docs' examples send "" when the client gave none.
            clientOrderID: clientOrderID?.isEmpty == false ? clientOrderID : nil,
            side: side, type: QFEXVocabulary.orderType(try fields.optionalString("type") ?? "LIMIT"),
            timeInForce: try fields.optionalString("time_in_force").map(QFEXVocabulary.timeInForce),
            price: try fields.optionalDecimal("price"), quantity: remaining, originalQuantity: quantity,
            status: QFEXVocabulary.status(statusText),
            // 0 means "none" in every example (an order never has a take-profit at price 0).
            takeProfit: nonZero(try fields.optionalDecimal("take_profit")), stopLoss: nonZero(try fields.optionalDecimal("stop_loss")))
        return QFEXOrderReport(order: order, statusText: statusText, tradeID: try fields.optionalString("trade_id"))
    }

    static func fill(_ value: JSONValue) throws(DecodeFailure) -> QFEXFillReport {
        let fields = try FieldReader(value, message: "fill_response")
        let side = try fields.optionalString("side").flatMap(QFEXVocabulary.side)
        let aggressor = try fields.optionalString("aggressor_side").flatMap(QFEXVocabulary.side)
        let fill = Fill(
            symbol: try fields.string("symbol"), venueOrderID: try fields.string("order_id"),
            clientOrderID: try fields.optionalString("client_order_id"), side: side, price: try fields.decimal("price"),
            quantity: try fields.quantity("quantity"),
            // Our side equal to the aggressor's means we took liquidity.
            isMaker: side.flatMap { own in aggressor.map { $0 != own } },
            fee: try fields.optionalDecimal("fee"), tradeID: try fields.optionalString("trade_id"),
            venueTimeMillis: secondsToMillis(try fields.optionalDecimal("timestamp")))
        return QFEXFillReport(
            fill: fill, remainingQuantity: try fields.optionalQuantity("remaining_quantity"),
            realisedPnL: try fields.optionalDecimal("realised_pnl"))
    }

    static func userTrade(_ value: JSONValue) throws(DecodeFailure) -> Fill {
        let fields = try FieldReader(value, message: "user_trades")
        return Fill(
            symbol: try fields.string("symbol"), venueOrderID: try fields.string("order_id"),
            clientOrderID: try fields.optionalString("client_order_id"),
            side: try fields.optionalString("aggressor_side").flatMap(QFEXVocabulary.side),
            price: try fields.decimal("price"), quantity: try fields.quantity("quantity"), isMaker: nil,
            fee: try fields.optionalDecimal("fee"), tradeID: try fields.optionalString("trade_id"),
            venueTimeMillis: secondsToMillis(try fields.optionalDecimal("timestamp")))
    }

    /// `position` is signed: negative is short (assumed; every example is 0).
    static func position(_ value: JSONValue, _ name: String) throws(DecodeFailure) -> Position {
        let fields = try FieldReader(value, message: name)
        let signed = try fields.decimal("position")
        guard let size = signed.magnitude else { throw fields.bad("position") }
        return Position(
            symbol: try fields.string("symbol"), side: signed.isZero ? .flat : (signed.isNegative ? .short : .long), size: size,
            entryPrice: nonZero(try fields.optionalDecimal("average_price")), margin: try fields.optionalDecimal("margin_alloc"),
            realisedPnL: try fields.optionalDecimal("realised_pnl"), unrealisedPnL: try fields.optionalDecimal("unrealised_pnl"),
            leverage: try fields.optionalQuantity("leverage"),
            venueTimeMillis: QFEXMarketDecoding.millis(try fields.optionalString("timestamp")))
    }

    /// Total = available + order margin + position margin (what is free plus what is locked);
    /// the docs define none of the fields, and `deposit + realised_pnl + net_funding` misses the
    /// v4 example's available balance by 2.4e-5, so the venue's own figures are summed instead.
    static func balance(_ value: JSONValue, _ name: String) throws(DecodeFailure) -> Balance {
        let fields = try FieldReader(value, message: name)
        let available = try fields.decimal("available_balance")
        let orderMargin = try fields.optionalDecimal("order_margin") ?? .zero
        let positionMargin = try fields.optionalDecimal("position_margin") ?? .zero
        guard let total = available.adding(orderMargin)?.adding(positionMargin) else { throw fields.bad("available_balance") }
        return Balance(
            asset: "USD", total: total, available: available, orderMargin: orderMargin, positionMargin: positionMargin,
            realisedPnL: try fields.optionalDecimal("realised_pnl"), unrealisedPnL: try fields.optionalDecimal("unrealised_pnl"))
    }

    static func tiers(_ value: JSONValue, _ name: String) throws(DecodeFailure) -> [LeverageTier] {
        guard value.isArray else { throw DecodeFailure(.badField(name, in: name)) }
        var tiers: [LeverageTier] = []
        for element in value.elements {
            let fields = try FieldReader(element, message: name)
            tiers.append(LeverageTier(
                symbol: try fields.string("symbol"), leverage: try fields.quantity("leverage"),
                initialMargin: try fields.optionalDecimal("initial_margin"),
                maintenanceMargin: try fields.optionalDecimal("maintenance_margin"),
                maxPosition: try fields.optionalDecimal("max_position")))
        }
        return tiers
    }

    private static func nonZero(_ value: FixedDecimal?) -> FixedDecimal? {
        guard let value, !value.isZero else { return nil }
        return value
    }

    /// `1769439642.8484282` (seconds, fractional) → milliseconds, truncated.
    private static func secondsToMillis(_ seconds: FixedDecimal?) -> Int64? {
        seconds?.mantissa(truncatedToScale: 3)
    }
}
