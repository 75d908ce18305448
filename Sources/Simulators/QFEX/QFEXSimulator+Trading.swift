import Exchange
import TapeCore
import Venues

/// Requests on the trade socket.
extension QFEXSimulator {
    static let tradeChannels = ["orders", "order_responses", "positions", "balances", "fills"]

    mutating func tradeRequest(_ command: QFEXCommand, connection: ConnectionID, at now: Timestamp) -> [SimulatorAction] {
        guard var session = sessions[connection] else { return [] }
        if case .authenticate(let credentials) = command {
            guard session.key == nil else { return [error(connection, "already authenticated")] }
            guard let key = authenticate(credentials) else { return [send(connection, single("authenticated", .bool(false)))] }
            session.key = key
            sessions[connection] = session
            if traderByKey[key] == nil {
                var account = AccountID.insurance
                let deposit = configuration.deposit
                _ = market.apply { exchange, _ in
                    account = exchange.openAccount(deposit: deposit)
                    return []
                }
                traders.append(QFEXTrader(key: key, account: account.rawValue))
                traderByKey[key] = traders.count - 1
            }
            return [
                .cancelTimer(SimulatorTimer(connection, .authenticationDeadline)),
                send(connection, .object([("type", .string("auth")), ("result", .string("success"))])),
            ]
        }
        guard let key = session.key, let trader = traderByKey[key] else { return [error(connection, "not authenticated: send auth first")] }
        let account = AccountID(traders[trader].account)
        switch command {
        case .authenticate:
            preconditionFailure("auth handled above")
        case .subscribe(let channels):
            var actions: [SimulatorAction] = []
            for channel in channels {
                guard Self.tradeChannels.contains(channel) else {
                    actions.append(error(connection, "unknown channel \(channel)"))
                    continue
                }
                if !session.channels.contains(channel) { session.channels.append(channel) }
                actions.append(send(connection, single("subscribed", .string(channel))))
            }
            sessions[connection] = session
            return actions
        case .unsubscribe(let channels):
            session.channels.removeAll { channels.contains($0) }
            sessions[connection] = session
            return channels.map { send(connection, single("unsubscribed", .string($0))) }
        case .subscribeMarketData, .unsubscribeMarketData:
            return [error(connection, "market data is served on the mds socket")]
        case .addOrder(let request):
            return addOrder(request, trader: trader, connection: connection)
        case .cancelOrder(let symbol, let reference):
            let matches = traders[trader].orders.filter {
                switch reference {
                case .orderID(let id): $0.orderID == id
                case .clientOrderID(let id): !id.isEmpty && $0.clientOrderID == id
                }
            }
            guard symbol == configuration.symbol, !matches.isEmpty else {
                let id: String
                switch reference {
                case .orderID(let value), .clientOrderID(let value): id = value
                }
                return [send(connection, single("order_response", .object([
                    ("order_id", .string(id)), ("symbol", .string(symbol)), ("status", .string("NO_SUCH_ORDER")),
                    ("quantity", .int(0)), ("price", .int(0)), ("side", .string("BUY")), ("client_order_id", .string("")),
                    ("quantity_remaining", .int(0)),
                ])))]
            }
            var actions: [SimulatorAction] = []
            for order in matches {
                actions += run { exchange, now in exchange.cancel(OrderID(order.exchangeID), account: account, at: now) }
            }
            return actions
        case .cancelAllOrders:
            return run { exchange, now in exchange.cancelAll(account: account, instrument: InstrumentID(0), at: now) }
        case .modifyOrder(let modify):
            guard let index = traders[trader].orders.firstIndex(where: { $0.orderID == modify.orderID }),
                  let units = modify.price.mantissa(atScale: 2), let lots = modify.quantity.mantissa(atScale: 3), lots > 0 else {
                return [send(connection, orderResponse(QFEXTrackedOrder(
                    orderID: modify.orderID, clientOrderID: "", side: modify.side, type: "LIMIT", timeInForce: "GTC", priceUnits: 0, lots: 0,
                    remaining: 0), status: "NO_SUCH_ORDER"))]
            }
            let order = traders[trader].orders[index]
            let filled = order.lots - order.remaining
            guard lots > filled else {
                return [send(connection, orderResponse(order, status: "INVALID_QUANTITY"))]
            }
            let result = market.apply { exchange, now in
                exchange.amend(OrderID(order.exchangeID), account: account, price: Price(units: units),
                               quantity: Quantity(lots: lots - filled), at: now)
            }
            if result.exchange.contains(where: { if case .rejected = $0 { true } else { false } }) {
                return [send(connection, orderResponse(order, status: "REJECTED"))]
            }
            if let position = traders[trader].orders.firstIndex(where: { $0.orderID == modify.orderID }) {
                traders[trader].orders[position].priceUnits = units
                traders[trader].orders[position].lots = lots
                traders[trader].orders[position].remaining = lots - filled
            }
            var actions = traders[trader].orders.first(where: { $0.orderID == modify.orderID })
                .map { push(orderResponse($0, status: "MODIFIED"), to: trader) } ?? []
            actions += render(result.exchange) + publish(result.market)
            return actions
        case .getUserOrders(let limit, let offset):
            let start = Int(max(0, offset ?? 0))
            let count = Int(max(0, limit ?? 100))
            let page = traders[trader].orders.dropFirst(start).prefix(count)
            return [send(connection, .object([
                ("user_orders", .array(page.map { orderJSON($0, status: $0.remaining < $0.lots ? "PARTIALLY_FILLED" : "ACK") })),
                ("count", .int(Int64(page.count))),
            ]))]
        case .getUserTrades(let limit, let offset):
            let start = Int(max(0, offset ?? 0))
            let count = Int(max(0, limit ?? 100))
            let page = traders[trader].trades.reversed().dropFirst(start).prefix(count)
            return [send(connection, .object([("user_trades", .array(Array(page))), ("count", .int(Int64(page.count)))]))]
        case .getUserLeverage:
            let leverage = market.exchange.position(of: account)?.leverage ?? configuration.market.instrument.defaultLeverage
            return [send(connection, single("user_leverage_response", .array([tier(leverage)])))]
        case .getAvailableLeverageLevels:
            let levels = [1, 2, 5, 10, 20, 50].filter { $0 <= configuration.market.instrument.maxLeverage }
            return [send(connection, single("available_leverage_levels_response", .array(levels.map { tier(Int64($0)) })))]
        case .setUserLeverage(let symbol, let leverage):
            guard symbol == configuration.symbol, let value = leverage.mantissa(atScale: 0) else {
                return [send(connection, single("ack_response", .bool(false)))]
            }
            let result = market.apply { exchange, now in exchange.setLeverage(value, account: account, instrument: InstrumentID(0), at: now) }
            let refused = result.exchange.contains { if case .rejected = $0 { true } else { false } }
            return [send(connection, single("ack_response", .bool(!refused)))]
        case .cancelOnDisconnect(let enabled):
            session.cancelOnDisconnect = enabled
            sessions[connection] = session
            return []
        }
    }

    /// The key that the credentials prove, or nil.
    private mutating func authenticate(_ credentials: QFEXCredentials) -> String? {
        let open = configuration.credentials.isEmpty
        switch credentials {
        case .apiKey(let key):
            guard !key.isEmpty, open || configuration.credentials.contains(where: { $0.key == key }) else { return nil }
            return key
        case .jwt(let token, _):
            return open && !token.isEmpty ? "jwt:\(token)" : nil
        case .hmac(let publicKey, let signature, let nonce, let unixSeconds, _):
            let horizon = Timestamp(nanoseconds: market.now.nanoseconds - 15 * 60 * 1_000_000_000)
            nonces.removeAll { $0.time < horizon }
            guard !nonce.isEmpty, !nonces.contains(where: { $0.nonce == nonce }) else { return nil }
            if !open {
                guard let secret = configuration.credentials.first(where: { $0.key == publicKey })?.secret,
                      case .hmac(_, let expected, _, _, _) = QFEXCredentials.signed(
                          publicKey: publicKey, secretKey: secret, nonce: nonce, unixSeconds: unixSeconds),
                      expected == signature.lowercased() else { return nil }
            }
            nonces.append((nonce, market.now))
            return publicKey
        }
    }

    private mutating func addOrder(_ request: QFEXOrderRequest, trader: Int, connection: ConnectionID) -> [SimulatorAction] {
        let orderID = uuid()
        let lots = request.quantity.mantissa(atScale: 3) ?? 0
        let units = request.price.mantissa(atScale: 2) ?? -1
        var tracked = QFEXTrackedOrder(
            orderID: orderID, clientOrderID: request.clientOrderID ?? "", side: request.side, type: request.orderType,
            timeInForce: request.timeInForce, priceUnits: max(units, 0), lots: lots, remaining: lots)
        func reject(_ status: String) -> [SimulatorAction] { push(orderResponse(tracked, status: status), to: trader) }
        guard request.symbol == configuration.symbol else { return reject("INVALID_SYMBOL") }
        guard lots > 0 else { return reject("INVALID_QUANTITY") }
        let timeInForce: ExchangeTimeInForce
        switch request.timeInForce {
        case "GTC": timeInForce = .goodTillCancelled
        case "IOC": timeInForce = .immediateOrCancel
        case "FOK": timeInForce = .fillOrKill
        case "GFD": timeInForce = .goodForDay
        default: return reject("INVALID_TIME_IN_FORCE")
        }
        let kind: OrderRequest.Kind
        switch request.orderType {
        case "LIMIT":
            guard units > 0 else { return reject("INVALID_PRICE") }
            kind = .limit(Price(units: units))
        case "MARKET":
            kind = .market
            tracked.priceUnits = 0
        default:
            return reject("INVALID_ORDER_TYPE")
        }
        let tag = nextTag
        nextTag += 1
        traders[trader].pending[tag] = tracked
        let side: ExchangeSide = request.side == .buy ? .buy : .sell
        let order = OrderRequest(side: side, kind: kind, quantity: Quantity(lots: lots),
                                 timeInForce: kind == .market ? .immediateOrCancel : timeInForce, clientTag: tag)
        let account = AccountID(traders[trader].account)
        return run { exchange, now in exchange.submit(order, account: account, at: now) }
    }

    private func tier(_ leverage: Int64) -> JSONOutput {
        let spec = configuration.market.instrument
        let initial = FixedDecimal(1).divided(by: FixedDecimal(leverage), scale: 8)?.normalized ?? .zero
        let maintenance = FixedDecimal(spec.maintenanceNumerator).divided(by: FixedDecimal(leverage * spec.maintenanceDenominator), scale: 8)?.normalized ?? .zero
        return .object([
            ("symbol", .string(configuration.symbol)), ("initial_margin", .number(initial)),
            ("maintenance_margin", .number(maintenance)), ("max_position", base(spec.maxQuantity)), ("leverage", .string("\(leverage)")),
        ])
    }

    mutating func run(_ body: (inout Exchange, Timestamp) -> [ExchangeEvent]) -> [SimulatorAction] {
        let result = market.apply(body)
        return render(result.exchange) + publish(result.market)
    }
}
