import Venues

/// Hand-written canonical JSON for the events a replay emits most (market data, balances,
/// positions, orders, fills, errors): the same bytes the `Mirror` walk of `CanonicalJSON` gives (a test compares
/// them on every venue's examples), without reflection, which is ~30× slower.
extension CanonicalJSON {
    /// Appends the canonical JSON of an event's payload (`null` for a case without one).
    static func appendPayload(of event: VenueEvent, to bytes: inout [UInt8]) {
        var out = Writer(bytes: bytes)
        bytes = []
        switch event {
        case .bookSnapshot(let book):
            out.open(); out.string("symbol", book.symbol, first: true); out.levels("bids", book.bids); out.levels("asks", book.asks)
            out.int("sequence", book.sequence); out.int("venueTimeMillis", book.venueTimeMillis); out.close()
        case .bookDelta(let book):
            out.open(); out.string("symbol", book.symbol, first: true); out.levels("bids", book.bids); out.levels("asks", book.asks)
            out.int("sequence", book.sequence); out.int("venueTimeMillis", book.venueTimeMillis); out.close()
        case .trades(let trades):
            out.list(trades) { out, trade in
                out.open(); out.string("symbol", trade.symbol, first: true); out.decimal("price", trade.price)
                out.decimal("quantity", trade.quantity); out.string("side", trade.side?.rawValue); out.string("tradeID", trade.tradeID)
                out.int("venueTimeMillis", trade.venueTimeMillis); out.close()
            }
        case .ticker(let ticker):
            out.open(); out.string("symbol", ticker.symbol, first: true); out.decimal("lastPrice", ticker.lastPrice)
            out.decimal("lastQuantity", ticker.lastQuantity); out.decimal("bidPrice", ticker.bidPrice); out.decimal("bidSize", ticker.bidSize)
            out.decimal("askPrice", ticker.askPrice); out.decimal("askSize", ticker.askSize); out.decimal("markPrice", ticker.markPrice)
            out.decimal("fundingRate", ticker.fundingRate); out.int("nextFundingTimeMillis", ticker.nextFundingTimeMillis)
            out.decimal("openInterest", ticker.openInterest); out.decimal("volume24h", ticker.volume24h)
            out.int("venueTimeMillis", ticker.venueTimeMillis); out.close()
        case .price(let price):
            out.open(); out.string("symbol", price.symbol, first: true); out.string("kind", price.kind.rawValue)
            out.decimal("price", price.price); out.int("venueTimeMillis", price.venueTimeMillis); out.close()
        case .fundingRate(let rate):
            out.open(); out.string("symbol", rate.symbol, first: true); out.decimal("rate", rate.rate)
            out.int("nextFundingTimeMillis", rate.nextFundingTimeMillis); out.int("venueTimeMillis", rate.venueTimeMillis); out.close()
        case .balanceUpdated(let balance):
            out.open(); out.string("asset", balance.asset, first: true); out.decimal("total", balance.total)
            out.decimal("available", balance.available); out.decimal("orderMargin", balance.orderMargin)
            out.decimal("positionMargin", balance.positionMargin); out.decimal("realisedPnL", balance.realisedPnL)
            out.decimal("unrealisedPnL", balance.unrealisedPnL); out.int("venueTimeMillis", balance.venueTimeMillis); out.close()
        case .positionUpdated(let position):
            out.open(); out.string("symbol", position.symbol, first: true); out.string("side", position.side.rawValue)
            out.decimal("size", position.size); out.decimal("entryPrice", position.entryPrice); out.decimal("margin", position.margin)
            out.decimal("liquidationPrice", position.liquidationPrice); out.decimal("bankruptcyPrice", position.bankruptcyPrice)
            out.decimal("realisedPnL", position.realisedPnL); out.decimal("unrealisedPnL", position.unrealisedPnL)
            out.decimal("leverage", position.leverage); out.decimal("markPrice", position.markPrice)
            out.int("venueTimeMillis", position.venueTimeMillis); out.close()
        case .orderFilled(let fill):
            out.fill(fill)
        case .fillHistory(let fills):
            out.list(fills) { out, fill in out.fill(fill) }
        case .leverageChanged(let symbol, let leverage):
            out.open(); out.string("symbol", symbol, first: true); out.decimal("leverage", leverage); out.close()
        case .venueError(let error), .authenticationFailed(let error):
            out.venueError(error)
        case .commandRejected(let id, let error):
            out.raw(#"{"0":"#); out.requestID(id); out.raw(#","1":"#); out.venueError(error); out.close()
        case .commandRefused(let reason):
            out.open(); out.string("reason", reason, first: true); out.close()
        case .instruments(let instruments):
            out.list(instruments) { out, instrument in
                out.open(); out.string("symbol", instrument.symbol, first: true); out.decimal("tickSize", instrument.tickSize)
                out.decimal("lotSize", instrument.lotSize); out.close()
            }
        case .leverageTiers(let tiers):
            out.list(tiers) { out, tier in
                out.open(); out.string("symbol", tier.symbol, first: true); out.decimal("leverage", tier.leverage)
                out.decimal("initialMargin", tier.initialMargin); out.decimal("maintenanceMargin", tier.maintenanceMargin)
                out.decimal("maxPosition", tier.maxPosition); out.close()
            }
        case .fundingPaid(let payment):
            out.open(); out.string("symbol", payment.symbol, first: true); out.decimal("amount", payment.amount)
            out.decimal("perContract", payment.perContract); out.decimal("rate", payment.rate)
            out.int("venueTimeMillis", payment.venueTimeMillis); out.close()
        case .positionLiquidated(let liquidation):
            out.liquidation(liquidation)
        case .publicLiquidations(let liquidations):
            out.list(liquidations) { out, liquidation in out.liquidation(liquidation) }
        case .candle(let candle):
            out.open(); out.string("symbol", candle.symbol, first: true); out.string("interval", candle.interval)
            out.int("openTimeSeconds", candle.openTimeSeconds); out.decimal("open", candle.open); out.decimal("high", candle.high)
            out.decimal("low", candle.low); out.decimal("close", candle.close); out.decimal("volume", candle.volume); out.close()
        case .orderUpdated(let order):
            out.open(); out.string("symbol", order.symbol, first: true); out.string("venueOrderID", order.venueOrderID)
            out.string("clientOrderID", order.clientOrderID); out.string("previousVenueOrderID", order.previousVenueOrderID)
            out.string("side", order.side.rawValue); out.key("type", first: false); out.orderType(order.type)
            out.key("timeInForce", first: false); if let timeInForce = order.timeInForce { out.timeInForce(timeInForce) } else { out.null() }
            out.decimal("price", order.price); out.decimal("quantity", order.quantity); out.decimal("originalQuantity", order.originalQuantity)
            out.key("status", first: false); out.orderStatus(order.status); out.decimal("leverage", order.leverage)
            out.decimal("takeProfit", order.takeProfit); out.decimal("stopLoss", order.stopLoss)
            out.int("venueTimeMillis", order.venueTimeMillis); out.close()
        case .commandAccepted(let id), .commandUnanswered(let id):
            out.requestID(id)
        case .tradingStatusChanged(let available):
            out.open(); out.bool("available", available, first: true); out.close()
        case .subscriptions(let names):
            out.list(names) { out, name in CanonicalJSON.appendString(name, to: &out.bytes) }
        case .anomaly(let anomaly):
            out.open(); out.key("kind", first: true); out.anomalyKind(anomaly.kind); out.string("expected", anomaly.expected)
            out.string("received", anomaly.received); out.key("raw", first: false)
            CanonicalJSON.appendString(String(decoding: anomaly.raw, as: UTF8.self), to: &out.bytes); out.close()
        case .heartbeat, .authenticated:
            out.raw("null")
        default:
            bytes = out.bytes
            append(EventType.payload(of: event) as Any, to: &bytes)
            return
        }
        bytes = out.bytes
    }

    /// Appends object members in canonical form; `first` leaves out the comma.
    struct Writer {
        var bytes: [UInt8]

        mutating func raw(_ text: StaticString) {
            text.withUTF8Buffer { bytes.append(contentsOf: $0) }
        }

        mutating func open() { bytes.append(UInt8(ascii: "{")) }
        mutating func close() { bytes.append(UInt8(ascii: "}")) }

        mutating func key(_ name: StaticString, first: Bool) {
            if !first { bytes.append(UInt8(ascii: ",")) }
            bytes.append(UInt8(ascii: "\""))
            raw(name)
            bytes.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
        }

        mutating func null() { raw("null") }

        mutating func string(_ name: StaticString, _ value: String?, first: Bool = false) {
            key(name, first: first)
            if let value { CanonicalJSON.appendString(value, to: &bytes) } else { null() }
        }

        mutating func decimal(_ name: StaticString, _ value: FixedDecimal?) {
            key(name, first: false)
            if let value { decimalValue(value) } else { null() }
        }

        mutating func decimalValue(_ value: FixedDecimal) {
            CanonicalJSON.appendDecimal(value, to: &bytes)
        }

        mutating func int(_ name: StaticString, _ value: Int64?) {
            key(name, first: false)
            if let value { CanonicalJSON.appendDigits(value, to: &bytes) } else { null() }
        }

        mutating func bool(_ name: StaticString, _ value: Bool?, first: Bool = false) {
            key(name, first: first)
            if let value { value ? raw("true") : raw("false") } else { null() }
        }

        mutating func fill(_ fill: Fill) {
            open(); string("symbol", fill.symbol, first: true); string("venueOrderID", fill.venueOrderID)
            string("clientOrderID", fill.clientOrderID); string("side", fill.side?.rawValue); decimal("price", fill.price)
            decimal("quantity", fill.quantity); bool("isMaker", fill.isMaker); decimal("fee", fill.fee)
            string("tradeID", fill.tradeID); int("venueTimeMillis", fill.venueTimeMillis); close()
        }

        /// `[a,b,…]`, each element written by `element`.
        mutating func list<Element>(_ elements: [Element], _ element: (inout Writer, Element) -> Void) {
            raw("[")
            for (index, item) in elements.enumerated() {
                if index > 0 { raw(",") }
                element(&self, item)
            }
            raw("]")
        }

        mutating func liquidation(_ liquidation: Liquidation) {
            open(); string("symbol", liquidation.symbol, first: true); string("positionSide", liquidation.positionSide?.rawValue)
            decimal("price", liquidation.price); decimal("quantity", liquidation.quantity)
            key("terminatedOrderIDs", first: false)
            list(liquidation.terminatedOrderIDs) { out, id in CanonicalJSON.appendString(id, to: &out.bytes) }
            decimal("balanceChange", liquidation.balanceChange); int("venueTimeMillis", liquidation.venueTimeMillis); close()
        }

        mutating func venueError(_ error: VenueError) {
            open(); string("code", error.code, first: true); string("message", error.message); string("meaning", error.meaning); close()
        }

        mutating func requestID(_ id: RequestID) {
            switch id {
            case .number(let number): raw(#"{"number":"#); CanonicalJSON.appendDigits(number, to: &bytes)
            case .order(let order): raw(#"{"order":"#); CanonicalJSON.appendString(order, to: &bytes)
            }
            close()
        }

        /// `{"other":"…"}` for a verbatim venue name, else the case name as a string.
        mutating func other(_ name: String) {
            raw(#"{"other":"#)
            CanonicalJSON.appendString(name, to: &bytes)
            close()
        }

        mutating func orderType(_ type: OrderType) {
            switch type {
            case .market: raw(#""market""#)
            case .limit: raw(#""limit""#)
            case .stopMarket: raw(#""stopMarket""#)
            case .stopLimit: raw(#""stopLimit""#)
            case .takeProfitMarket: raw(#""takeProfitMarket""#)
            case .takeProfitLimit: raw(#""takeProfitLimit""#)
            case .other(let name): other(name)
            }
        }

        mutating func timeInForce(_ timeInForce: TimeInForce) {
            switch timeInForce {
            case .goodTillCancelled: raw(#""goodTillCancelled""#)
            case .immediateOrCancel: raw(#""immediateOrCancel""#)
            case .fillOrKill: raw(#""fillOrKill""#)
            case .goodTillDate: raw(#""goodTillDate""#)
            case .goodForDay: raw(#""goodForDay""#)
            case .goodTillFunding: raw(#""goodTillFunding""#)
            case .postOnly: raw(#""postOnly""#)
            case .other(let name): other(name)
            }
        }

        mutating func orderStatus(_ status: OrderStatus) {
            switch status {
            case .pending: raw(#""pending""#)
            case .accepted: raw(#""accepted""#)
            case .partiallyFilled: raw(#""partiallyFilled""#)
            case .filled: raw(#""filled""#)
            case .cancelled: raw(#""cancelled""#)
            case .rejected: raw(#""rejected""#)
            case .expired: raw(#""expired""#)
            case .terminated: raw(#""terminated""#)
            case .triggered: raw(#""triggered""#)
            case .modified: raw(#""modified""#)
            case .other(let name): other(name)
            }
        }

        mutating func anomalyKind(_ kind: Anomaly.Kind) {
            switch kind {
            case .fillForUnknownOrder: raw(#""fillForUnknownOrder""#)
            case .cancelForUnknownOrder: raw(#""cancelForUnknownOrder""#)
            case .updateForUnknownOrder: raw(#""updateForUnknownOrder""#)
            case .updateForUnknownPosition: raw(#""updateForUnknownPosition""#)
            case .orderChainBroken: raw(#""orderChainBroken""#)
            case .contractChainBroken: raw(#""contractChainBroken""#)
            case .conditionalOrderUnknown: raw(#""conditionalOrderUnknown""#)
            case .unknownSymbol: raw(#""unknownSymbol""#)
            case .answerToUnknownRequest: raw(#""answerToUnknownRequest""#)
            case .staleUpdate: raw(#""staleUpdate""#)
            }
        }

        mutating func levels(_ name: StaticString, _ levels: [BookLevel]) {
            key(name, first: false)
            bytes.append(UInt8(ascii: "["))
            for (index, level) in levels.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                raw(#"{"price":"#)
                decimalValue(level.price)
                raw(#","size":"#)
                decimalValue(level.size)
                bytes.append(UInt8(ascii: "}"))
            }
            bytes.append(UInt8(ascii: "]"))
        }
    }
}
