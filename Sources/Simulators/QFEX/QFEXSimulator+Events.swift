import Exchange
import TapeCore
import Venues

/// Exchange events as QFEX account messages, the market as QFEX market data.
extension QFEXSimulator {
    func traderIndex(_ account: AccountID) -> Int? { traders.firstIndex { $0.account == account.rawValue } }

    func orderJSON(_ order: QFEXTrackedOrder, status: String) -> JSONOutput {
        .object([
            ("order_id", .string(order.orderID)), ("symbol", .string(configuration.symbol)), ("status", .string(status)),
            ("quantity", base(order.lots)), ("price", usd(order.priceUnits)), ("take_profit", .int(0)), ("stop_loss", .int(0)),
            ("side", .string(order.side == .buy ? "BUY" : "SELL")), ("type", .string(order.type)),
            ("time_in_force", .string(order.timeInForce)), ("client_order_id", .string(order.clientOrderID)),
            ("quantity_remaining", base(order.remaining)),
        ])
    }

    func orderResponse(_ order: QFEXTrackedOrder, status: String) -> JSONOutput { single("order_response", orderJSON(order, status: status)) }

    mutating func render(_ events: [ExchangeEvent]) -> [SimulatorAction] {
        var actions: [SimulatorAction] = []
        for event in events {
            switch event {
            case .orderAccepted(let snapshot):
                guard let trader = traderIndex(snapshot.account), var order = traders[trader].pending.removeValue(forKey: snapshot.clientTag) else { continue }
                order.exchangeID = snapshot.id.rawValue
                traders[trader].orders.append(order)
                actions += push(orderResponse(order, status: "ACK"), to: trader)
            case .rejected(let rejection):
                guard let trader = traderIndex(rejection.account), case .submit(let tag) = rejection.request,
                      let order = traders[trader].pending.removeValue(forKey: tag) else { continue }
                actions += push(orderResponse(order, status: Self.status(rejection.reason)), to: trader)
            case .trade(let trade):
                if let trader = traderIndex(trade.takerAccount) {
                    actions += filled(trader, exchangeID: trade.taker.rawValue, lots: trade.quantity.lots, priceUnits: trade.price.units,
                                      remaining: trade.takerRemaining.lots, aggressor: trade.takerSide, fee: trade.takerFee, realised: trade.takerRealized)
                }
                if let trader = traderIndex(trade.makerAccount) {
                    actions += filled(trader, exchangeID: trade.maker.rawValue, lots: trade.quantity.lots, priceUnits: trade.price.units,
                                      remaining: trade.makerRemaining.lots, aggressor: trade.takerSide, fee: trade.makerFee, realised: trade.makerRealized)
                }
            case .orderCancelled(let snapshot, let reason):
                guard let trader = traderIndex(snapshot.account),
                      let index = traders[trader].orders.firstIndex(where: { $0.exchangeID == snapshot.id.rawValue }) else { continue }
                let order = traders[trader].orders.remove(at: index)
                actions += push(orderResponse(order, status: reason == .expired ? "EXPIRED" : "CANCELLED"), to: trader)
            case .leverageChanged, .orderAmended, .markPrice, .indexPrice, .funding, .liquidation, .triggerAccepted, .triggerFired,
                 .triggerCancelled:
                continue
            }
        }
        for trader in traders.indices {
            traders[trader].observedPosition = market.exchange.position(of: AccountID(traders[trader].account))?.quantity ?? 0
        }
        return actions
    }

    mutating func filled(
        _ trader: Int, exchangeID: UInt64, lots: Int64, priceUnits: Int64, remaining: Int64, aggressor: ExchangeSide, fee: Cash, realised: Cash
    ) -> [SimulatorAction] {
        guard let index = traders[trader].orders.firstIndex(where: { $0.exchangeID == exchangeID }) else { return [] }
        traders[trader].orders[index].remaining = remaining
        let order = traders[trader].orders[index]
        if remaining == 0 { traders[trader].orders.remove(at: index) }
        let seconds = FixedDecimal(mantissa: utcNanosNow / 1_000, scale: 6).normalized
        let tradeID = uuid()
        let fill = JSONOutput.object([
            ("trade_id", .string(tradeID)), ("symbol", .string(configuration.symbol)), ("price", usd(priceUnits)),
            ("quantity", base(lots)), ("side", .string(order.side == .buy ? "BUY" : "SELL")),
            ("aggressor_side", .string(aggressor == .buy ? "BUY" : "SELL")), ("order_id", .string(order.orderID)),
            ("fee", cash(fee)), ("order_type", .string(order.type)), ("tif", .string(order.timeInForce)),
            ("order_price", usd(order.priceUnits)), ("client_order_id", .string(order.clientOrderID)),
            ("remaining_quantity", base(remaining)), ("take_profit", .int(0)), ("stop_loss", .int(0)),
            ("execution_type", .string("TRADE")), ("timestamp", .number(seconds)), ("realised_pnl", cash(realised)),
        ])
        traders[trader].trades.append(.object([
            ("trade_id", .string(tradeID)), ("symbol", .string(configuration.symbol)), ("price", usd(priceUnits)),
            ("quantity", base(lots)), ("aggressor_side", .string(aggressor == .buy ? "BUY" : "SELL")),
            ("order_id", .string(order.orderID)), ("client_order_id", .string(order.clientOrderID)), ("fee", cash(fee)),
            ("timestamp", .number(seconds)),
        ]))
        if traders[trader].trades.count > 1_000 { traders[trader].trades.removeFirst(traders[trader].trades.count - 1_000) }
        return push(single("fill_response", fill), to: trader, channel: "fills")
            + push(orderResponse(order, status: remaining == 0 ? "FILLED" : "PARTIALLY_FILLED"), to: trader)
    }

    func positionResponse(_ trader: Int) -> JSONOutput {
        let account = AccountID(traders[trader].account)
        guard let position = market.exchange.position(of: account) else { return single("err", .string("no position")) }
        let spec = configuration.market.instrument
        let openOrders = market.exchange.openOrders(of: account)
        return single("position_response", .object([
            ("id", .string("position-\(traders[trader].account)")), ("symbol", .string(configuration.symbol)),
            ("position", base(position.quantity)), ("margin_alloc", cash(position.margin)), ("realised_pnl", cash(position.realized)),
            ("unrealised_pnl", cash(position.unrealized)), ("net_funding", cash(position.funding)),
            ("open_orders", .int(Int64(openOrders.count))), ("open_quantity", base(openOrders.reduce(0) { $0 + $1.remaining.lots })),
            ("leverage", .int(position.leverage)),
            ("initial_margin", .number(FixedDecimal(1).divided(by: FixedDecimal(position.leverage), scale: 8)?.normalized ?? .zero)),
            ("maintenance_margin", .number(FixedDecimal(spec.maintenanceNumerator)
                .divided(by: FixedDecimal(position.leverage * spec.maintenanceDenominator), scale: 8)?.normalized ?? .zero)),
            ("average_price", usd(position.averageEntryPrice.units)),
        ]))
    }

    func balanceResponse(_ trader: Int) -> JSONOutput {
        let account = AccountID(traders[trader].account)
        guard let money = market.exchange.account(account), let position = market.exchange.position(of: account) else {
            return single("err", .string("no account"))
        }
        let id = "account-\(traders[trader].account)"
        return single("balance_response", .object([
            ("id", .string(id)), ("user_id", .string(id)), ("deposit", cash(money.deposited)), ("realised_pnl", cash(position.realized)),
            ("order_margin", cash(money.orderMargin)), ("position_margin", cash(money.positionMargin)),
            ("unrealised_pnl", cash(position.unrealized)), ("net_funding", cash(position.funding)),
            ("available_balance", cash(money.available)),
        ]))
    }

    static func status(_ reason: Rejection.Reason) -> String {
        switch reason {
        case .unknownAccount: "UNKNOWN_ACCOUNT"
        case .unknownInstrument: "INVALID_SYMBOL"
        case .unknownOrder, .unknownTrigger: "NO_SUCH_ORDER"
        case .invalidQuantity: "INVALID_QUANTITY"
        case .invalidPrice: "INVALID_PRICE"
        case .invalidLeverage: "INVALID_LEVERAGE"
        case .insufficientMargin: "INSUFFICIENT_MARGIN"
        case .nothingToReduce: "REDUCE_ONLY_REJECTED"
        case .positionLimit: "POSITION_LIMIT"
        case .alreadyExpired: "ORDER_WOULD_EXPIRE"
        case .invalidAmendment: "INVALID_MODIFY"
        }
    }
}
