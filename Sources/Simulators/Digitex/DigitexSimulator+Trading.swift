import Exchange
import TapeCore
import Venues

/// Trading requests against the shared exchange.
extension DigitexSimulator {
    mutating func execute(_ command: DigitexCommand, id: Int64, trader: Int, session: DigitexSession) -> [SimulatorAction] {
        let symbol: String
        switch command {
        case .placeOrder(let order): symbol = order.symbol
        case .placeConditionalOrder(let order): symbol = order.order.symbol
        case .cancelOrder(let s, _), .cancelAllOrders(let s, _, _), .cancelConditionalOrder(let s, _, _),
             .closeContract(let s, _, _, _, _), .closePosition(let s, _, _), .getTraderStatus(let s), .changeLeverageAll(let s, _):
            symbol = s
        case .authenticate, .subscribe, .unsubscribe, .listSubscriptions:
            preconditionFailure("\(command.method) is not a trading request")
        }
        guard symbol == configuration.symbol else { return [session.error(id, 3003, "contract not found: \(symbol)")] }
        let account = traders[trader].account
        switch command {
        case .placeOrder(let request):
            if traders[trader].orderIndex(clOrdId: request.clOrdId) != nil { return [session.error(id, 3, "ID already exists")] }
            return submit(request, reduceOnly: false, id: id, trader: trader, session: session, prefix: [])
        case .cancelOrder(_, let clOrdId):
            guard let index = traders[trader].orderIndex(clOrdId: clOrdId) else { return [session.error(id, 10, "ID doesn't exist")] }
            let order = traders[trader].orders[index].id
            return [session.ok(id)] + run { exchange, now in exchange.cancel(order, account: account, at: now) }
        case .cancelAllOrders(_, let side, let price):
            var units: Price?
            if let price, !price.isZero {
                guard let value = priceUnits(price) else { return [session.error(id, 19, "Invalid price")] }
                units = Price(units: value)
            }
            let exchangeSide: ExchangeSide? = side.map { $0 == .buy ? .buy : .sell }
            return [session.ok(id)] + run { exchange, now in
                exchange.cancelAll(account: account, instrument: InstrumentID(0), side: exchangeSide, price: units, at: now)
            }
        case .placeConditionalOrder(let request):
            return placeConditional(request, id: id, trader: trader, session: session)
        case .cancelConditionalOrder(_, let actionId, let allForTrader):
            if allForTrader {
                return [session.ok(id)] + run { exchange, now in exchange.cancelAllTriggers(account: account, at: now) }
            }
            guard let actionId, let conditional = traders[trader].conditionals.first(where: { $0.actionId == actionId }) else {
                return [session.error(id, 10, "ID doesn't exist")]
            }
            return [session.ok(id)] + run { exchange, now in exchange.cancelTrigger(conditional.trigger, account: account, at: now) }
        case .closeContract(_, let contractId, let type, let price, let quantity):
            guard let contract = traders[trader].contract, contract.id == contractId,
                  let position = market.exchange.position(of: account), position.quantity != 0 else {
                return [session.error(id, 34, "Invalid contract ID")]
            }
            guard let lots = quantity.mantissa(atScale: 0), lots > 0, lots <= abs(position.quantity) else {
                return [session.error(id, 20, "Invalid quantity")]
            }
            let orderID = generatedID()
            let request = DigitexOrderRequest(
                symbol: symbol, clOrdId: orderID, type: type, timeInForce: type == .market ? .immediateOrCancel : .goodTillCancelled,
                side: position.quantity > 0 ? .sell : .buy, price: price, quantity: FixedDecimal(lots))
            let closed = push("contractClosed", .object([("symbol", .string(symbol)), ("orderIds", .array([.string(orderID)]))]), to: trader)
            return submit(request, reduceOnly: true, id: id, trader: trader, session: session, prefix: closed)
        case .closePosition(_, let type, let price):
            guard let position = market.exchange.position(of: account), position.quantity != 0 else {
                return [session.error(id, 36, "No contracts")]
            }
            let request = DigitexOrderRequest(
                symbol: symbol, clOrdId: generatedID(), type: type,
                timeInForce: type == .market ? .immediateOrCancel : .goodTillCancelled,
                side: position.quantity > 0 ? .sell : .buy, price: price, quantity: FixedDecimal(abs(position.quantity)))
            return submit(request, reduceOnly: true, id: id, trader: trader, session: session, prefix: [])
        case .getTraderStatus:
            return [session.ok(id)] + push("traderStatus", traderStatus(trader), to: trader)
        case .changeLeverageAll(_, let leverage):
            let result = market.apply { exchange, now in exchange.setLeverage(leverage, account: account, instrument: InstrumentID(0), at: now) }
            if let rejection = result.exchange.lazy.compactMap({ $0.rejection }).first {
                return [session.error(id, Self.code(rejection.reason), DigitexErrorCodes.meanings[Self.code(rejection.reason)] ?? "rejected")]
            }
            return [session.ok(id)] + leveragePush(trader) + render(result.exchange) + publish(result.market)
        case .authenticate, .subscribe, .unsubscribe, .listSubscriptions:
            preconditionFailure("\(command.method) is not a trading request")
        }
    }

    /// Runs one exchange call at the market's time and renders what it caused.
    mutating func run(_ body: (inout Exchange, Timestamp) -> [ExchangeEvent]) -> [SimulatorAction] {
        let result = market.apply(body)
        return render(result.exchange) + publish(result.market)
    }

    private mutating func submit(
        _ request: DigitexOrderRequest, reduceOnly: Bool, id: Int64, trader: Int, session: DigitexSession, prefix: [SimulatorAction]
    ) -> [SimulatorAction] {
        let account = traders[trader].account
        let tag = nextTag
        nextTag += 1
        let built = orderRequest(request, tag: tag, reduceOnly: reduceOnly, trader: trader)
        traders[trader].pending[tag] = built.pending
        guard let order = built.order else {
            traders[trader].pending.removeValue(forKey: tag)
            return [session.ok(id)] + prefix + rejectedOrder(built.pending, code: built.code, trader: trader)
        }
        return [session.ok(id)] + prefix + run { exchange, now in exchange.submit(order, account: account, at: now) }
    }

    private mutating func placeConditional(
        _ request: DigitexConditionalOrderRequest, id: Int64, trader: Int, session: DigitexSession
    ) -> [SimulatorAction] {
        if traders[trader].conditionals.contains(where: { $0.actionId == request.actionId }) {
            return [session.error(id, 3, "ID already exists")]
        }
        let source: TriggerSource
        switch request.triggerPriceType {
        case "SPOT_PRICE": source = .indexPrice
        case "LAST_PRICE": source = .lastPrice
        case "MARK_PRICE": source = .markPrice
        default: return [session.error(id, 3001, "Bad request: pxType \(request.triggerPriceType)")]
        }
        let condition: TriggerCondition
        switch request.condition {
        case .lessOrEqual: condition = .lessOrEqual
        case .greaterOrEqual: condition = .greaterOrEqual
        case .other(let text): return [session.error(id, 3001, "Bad request: condition \(text)")]
        }
        guard let threshold = priceUnits(request.triggerPrice), threshold > 0 else { return [session.error(id, 19, "Invalid price")] }
        let tag = nextTag
        nextTag += 1
        let built = orderRequest(request.order, tag: tag, reduceOnly: !request.mayIncreasePosition, trader: trader)
        guard let order = built.order else { return [session.error(id, built.code, DigitexErrorCodes.meanings[built.code] ?? "rejected")] }
        traders[trader].pending[tag] = built.pending
        traders[trader].conditionals.append(DigitexTrackedConditional(
            trigger: TriggerID(0), actionId: request.actionId, request: request, tag: tag, timeMillis: utcMillisNow))
        let account = traders[trader].account
        return [session.ok(id)] + run { exchange, now in
            exchange.placeTrigger(order, when: source, is: condition, Price(units: threshold), account: account, at: now)
        }
    }

    /// The exchange's order for a Digitex request, or the error code that rejects it.
    private func orderRequest(
        _ request: DigitexOrderRequest, tag: UInt64, reduceOnly: Bool, trader: Int
    ) -> (order: OrderRequest?, pending: DigitexPendingOrder, code: Int64) {
        let side: ExchangeSide = request.side == .buy ? .buy : .sell
        let isMarket = request.type == .market
        let leverage = market.exchange.position(of: traders[trader].account)?.leverage ?? configuration.market.instrument.defaultLeverage
        let lots = request.quantity.mantissa(atScale: 0)
        var price: Price?
        var priceValid = true
        if !isMarket {
            if let units = request.price.flatMap(priceUnits), units > 0 { price = Price(units: units) } else { priceValid = false }
        }
        let pending = DigitexPendingOrder(
            clOrdId: request.clOrdId, side: side, isMarket: isMarket, timeInForce: Self.timeInForceText(request.timeInForce),
            price: price, quantity: lots ?? 0, leverage: leverage)
        guard let lots, lots > 0 else { return (nil, pending, 20) }
        guard priceValid else { return (nil, pending, 19) }
        let timeInForce: ExchangeTimeInForce
        switch request.timeInForce {
        case .goodTillCancelled: timeInForce = .goodTillCancelled
        case .immediateOrCancel: timeInForce = .immediateOrCancel
        case .fillOrKill: timeInForce = .fillOrKill
        case .goodTillFunding: timeInForce = .goodTillFunding
        // Digitex lists GTD without a date parameter: read as good for the day (assumption).
        case .goodForDay, .goodTillDate: timeInForce = .goodForDay
        case .postOnly, .other: return (nil, pending, 3001)
        }
        let order = OrderRequest(
            side: side, kind: price.map { .limit($0) } ?? .market, quantity: Quantity(lots: lots),
            timeInForce: isMarket && timeInForce.rests ? .immediateOrCancel : timeInForce, clientTag: tag, reduceOnly: reduceOnly)
        return (order, pending, 0)
    }

    /// `orderStatus` REJECTED with the error code.
    mutating func rejectedOrder(_ pending: DigitexPendingOrder, code: Int64, trader: Int) -> [SimulatorAction] {
        var members: [(String, JSONOutput)] = [("symbol", .string(configuration.symbol))]
        members += orderMembers(pending, clOrdId: pending.clOrdId, original: pending.clOrdId, old: nil, new: nil,
                                status: "REJECTED", quantity: pending.quantity, openTimeMillis: utcMillisNow)
        members.append(("errCode", .int(code)))
        members += summary(trader, withLeverage: false)
        return push("orderStatus", .object(members), to: trader)
    }

    /// The `leverage` push after a leverage change: every contract and active order re-issued.
    private mutating func leveragePush(_ trader: Int) -> [SimulatorAction] {
        let account = traders[trader].account
        let leverage = market.exchange.position(of: account)?.leverage ?? configuration.market.instrument.defaultLeverage
        var orders: [JSONOutput] = []
        for index in traders[trader].orders.indices {
            let old = traders[trader].orders[index].current
            let new = generatedID()
            traders[trader].orders[index].current = new
            traders[trader].orders[index].details.leverage = leverage
            let order = traders[trader].orders[index]
            orders.append(.object(orderMembers(order.details, clOrdId: new, original: order.original, old: old, new: nil,
                                               status: "ACCEPTED", quantity: order.remaining, openTimeMillis: order.openTimeMillis)))
        }
        // Re-issue the contract: a new link in the same chain.
        traders[trader].observedPosition = 0
        let previous = traders[trader].contract
        traders[trader].contract = previous
        var contracts = contractLinks(trader, flag: nil).filter { link in
            if case .object(let members) = link { return !members.contains { $0.0 == "qty" && $0.1 == .int(0) } }
            return true
        }
        if previous == nil { contracts = contracts.isEmpty ? [] : contracts }
        var members: [(String, JSONOutput)] = [("symbol", .string(configuration.symbol))]
        members += summary(trader)
        members += [("contracts", .array(contracts)), ("activeOrders", .array(orders))]
        return push("leverage", .object(members), to: trader)
    }

    /// The Digitex error code of an exchange rejection.
    static func code(_ reason: Rejection.Reason) -> Int64 {
        switch reason {
        case .unknownAccount: 14
        case .unknownInstrument: 3003
        case .unknownOrder, .unknownTrigger: 10
        case .invalidQuantity: 20
        case .invalidPrice: 19
        case .invalidLeverage: 18
        case .insufficientMargin: 27
        case .nothingToReduce: 36
        case .positionLimit: 53
        case .alreadyExpired: 55
        case .invalidAmendment: 55
        }
    }
}

extension ExchangeEvent {
    var rejection: Rejection? {
        if case .rejected(let rejection) = self { return rejection }
        return nil
    }
}
