import Exchange
import TapeCore
import Venues

/// Turns exchange events into the private pushes of the traders they concern.
extension DigitexSimulator {
    func traderIndex(_ account: AccountID) -> Int? {
        // Traders are few; accounts of the generator's participants are not traders.
        traders.firstIndex { $0.account == account }
    }

    mutating func render(_ events: [ExchangeEvent]) -> [SimulatorAction] {
        var actions: [SimulatorAction] = []
        /// Orders cancelled together (cancel-all) go out as one push; liquidations list theirs.
        var cancelled: [(trader: Int, status: String, orders: [JSONOutput])] = []
        var terminated: [Int: [String]] = [:]
        func flushCancelled() {
            for group in cancelled {
                var members: [(String, JSONOutput)] = [
                    ("symbol", .string(configuration.symbol)), ("timestamp", .int(utcMillisNow)),
                    ("orderStatus", .string(group.status)), ("orders", .array(group.orders)),
                ]
                members += summary(group.trader)
                actions += push("orderCancelled", .object(members), to: group.trader)
            }
            cancelled = []
        }
        for event in events {
            if case .orderCancelled = event {} else { flushCancelled() }
            switch event {
            case .orderAccepted(let order):
                guard let trader = traderIndex(order.account), let pending = traders[trader].pending.removeValue(forKey: order.clientTag) else { continue }
                let tracked = DigitexTrackedOrder(
                    id: order.id, original: pending.clOrdId, current: pending.clOrdId, details: pending,
                    remaining: order.remaining.lots, openTimeMillis: millis(order.time))
                traders[trader].orders.append(tracked)
                var members: [(String, JSONOutput)] = [("symbol", .string(configuration.symbol))]
                members += orderMembers(pending, clOrdId: pending.clOrdId, original: pending.clOrdId, old: nil, new: nil,
                                        status: "ACCEPTED", quantity: order.remaining.lots, openTimeMillis: tracked.openTimeMillis)
                members += summary(trader, withLeverage: false)
                actions += push("orderStatus", .object(members), to: trader)
            case .rejected(let rejection):
                guard let trader = traderIndex(rejection.account) else { continue }
                switch rejection.request {
                case .submit(let tag):
                    guard let pending = traders[trader].pending.removeValue(forKey: tag) else { continue }
                    actions += rejectedOrder(pending, code: Self.code(rejection.reason), trader: trader)
                case .placeTrigger(let tag):
                    guard let index = traders[trader].conditionals.firstIndex(where: { $0.tag == tag }) else { continue }
                    let conditional = traders[trader].conditionals.remove(at: index)
                    traders[trader].pending.removeValue(forKey: tag)
                    actions += push("condOrderStatus", .object([
                        ("symbol", .string(configuration.symbol)), ("status", .string("REJECTED")),
                        ("errCode", .int(Self.code(rejection.reason))),
                        ("conditionalOrders", .array([conditionalJSON(conditional.request, actionId: conditional.actionId, old: nil, time: conditional.timeMillis)])),
                    ]), to: trader)
                case .cancel, .cancelAll, .amend, .setLeverage, .cancelTrigger:
                    continue
                }
            case .trade(let trade):
                if let trader = traderIndex(trade.takerAccount) {
                    actions += filled(trader, order: trade.taker, remaining: trade.takerRemaining.lots, side: trade.takerSide,
                                      price: trade.price, quantity: trade.quantity.lots, isMaker: false)
                }
                if let trader = traderIndex(trade.makerAccount) {
                    actions += filled(trader, order: trade.maker, remaining: trade.makerRemaining.lots, side: trade.takerSide.opposite,
                                      price: trade.price, quantity: trade.quantity.lots, isMaker: true)
                }
            case .orderCancelled(let order, let reason):
                guard let trader = traderIndex(order.account),
                      let index = traders[trader].orders.firstIndex(where: { $0.id == order.id }) else { continue }
                let tracked = traders[trader].orders.remove(at: index)
                if reason == .liquidation {
                    terminated[trader, default: []].append(tracked.current)
                    continue
                }
                let status = reason == .expired ? "EXPIRED" : "CANCELLED"
                let link = JSONOutput.object(orderMembers(
                    tracked.details, clOrdId: generatedID(), original: tracked.original, old: tracked.current, new: nil,
                    status: status, quantity: tracked.remaining, openTimeMillis: tracked.openTimeMillis))
                if let last = cancelled.indices.last, cancelled[last].trader == trader, cancelled[last].status == status {
                    cancelled[last].orders.append(link)
                } else {
                    cancelled.append((trader, status, [link]))
                }
            case .triggerAccepted(let trigger):
                guard let trader = traderIndex(trigger.account),
                      let index = traders[trader].conditionals.firstIndex(where: { $0.tag == trigger.order.clientTag }) else { continue }
                traders[trader].conditionals[index].trigger = trigger.id
                let conditional = traders[trader].conditionals[index]
                actions += conditionalPush(trader, status: "ACCEPTED", conditional, old: nil)
            case .triggerFired(let trigger, _), .triggerCancelled(let trigger):
                guard let trader = traderIndex(trigger.account),
                      let index = traders[trader].conditionals.firstIndex(where: { $0.trigger == trigger.id }) else { continue }
                let conditional = traders[trader].conditionals.remove(at: index)
                let fired: Bool
                if case .triggerFired = event { fired = true } else { fired = false }
                if !fired { traders[trader].pending.removeValue(forKey: conditional.tag) }
                actions += conditionalPush(trader, status: fired ? "TRIGGERED" : "CANCELLED", conditional, old: conditional.actionId)
            case .funding(let payment):
                guard let trader = traderIndex(payment.account) else { continue }
                actions += fundingPush(trader, amount: payment.amount, lots: abs(payment.position))
            case .liquidation(let liquidation):
                guard let trader = traderIndex(liquidation.account) else { continue }
                actions += liquidationPush(trader, terminated: terminated.removeValue(forKey: trader) ?? [], change: liquidation.realized)
            case .leverageChanged, .orderAmended, .markPrice, .indexPrice:
                continue
            }
        }
        flushCancelled()
        return actions
    }

    mutating func filled(
        _ trader: Int, order: OrderID, remaining: Int64, side: ExchangeSide, price: Price, quantity: Int64, isMaker: Bool
    ) -> [SimulatorAction] {
        guard let index = traders[trader].orders.firstIndex(where: { $0.id == order }) else { return [] }
        let tracked = traders[trader].orders[index]
        let next = generatedID()
        var members: [(String, JSONOutput)] = [("symbol", .string(configuration.symbol))]
        members += orderMembers(tracked.details, clOrdId: tracked.current, original: tracked.original, old: nil, new: next,
                                status: remaining == 0 ? "FILLED" : "PARTIALLY_FILLED", quantity: remaining,
                                openTimeMillis: tracked.openTimeMillis)
        members.append(("droppedQty", .int(0)))
        members += summary(trader, withLeverage: false)
        members.append(("contracts", .array(contractLinks(trader, flag: nil))))
        members.append(("marketTrades", .array([.object([
            ("side", .string(sideText(side))), ("px", usd(price)),
            ("paidPx", paidPrice(price, leverage: tracked.details.leverage)), ("qty", .int(quantity)),
            ("leverage", .int(tracked.details.leverage)), ("isMaker", .int(isMaker ? 1 : 0)),
        ])])))
        if remaining == 0 {
            traders[trader].orders.remove(at: index)
        } else {
            traders[trader].orders[index].current = next
            traders[trader].orders[index].remaining = remaining
        }
        return push("orderFilled", .object(members), to: trader)
    }

    /// One `orderCancelled` push for several of a trader's orders (they leave the tracked set).
    mutating func cancelledPush(_ trader: Int, orders ids: [OrderID], status: String) -> [SimulatorAction] {
        var links: [JSONOutput] = []
        for id in ids {
            guard let index = traders[trader].orders.firstIndex(where: { $0.id == id }) else { continue }
            let tracked = traders[trader].orders.remove(at: index)
            links.append(.object(orderMembers(
                tracked.details, clOrdId: generatedID(), original: tracked.original, old: tracked.current, new: nil,
                status: status, quantity: tracked.remaining, openTimeMillis: tracked.openTimeMillis)))
        }
        guard !links.isEmpty else { return [] }
        var members: [(String, JSONOutput)] = [
            ("symbol", .string(configuration.symbol)), ("timestamp", .int(utcMillisNow)),
            ("orderStatus", .string(status)), ("orders", .array(links)),
        ]
        members += summary(trader)
        return push("orderCancelled", .object(members), to: trader)
    }

    private mutating func conditionalPush(_ trader: Int, status: String, _ conditional: DigitexTrackedConditional, old: String?) -> [SimulatorAction] {
        let actionId = old == nil ? conditional.actionId : generatedID()
        return push("condOrderStatus", .object([
            ("symbol", .string(configuration.symbol)), ("status", .string(status)),
            ("conditionalOrders", .array([conditionalJSON(conditional.request, actionId: actionId, old: old, time: utcMillisNow)])),
        ]), to: trader)
    }

    mutating func fundingPush(_ trader: Int, amount: Cash, lots: Int64) -> [SimulatorAction] {
        var members: [(String, JSONOutput)] = [("symbol", .string(configuration.symbol)), ("timestamp", .int(utcMillisNow))]
        members += summary(trader)
        let perContract = lots > 0
            ? FixedDecimal(mantissa: amount.minor, scale: 8).divided(by: FixedDecimal(lots), scale: 8)?.normalized ?? .zero : .zero
        members += [
            ("payout", dgtx(amount)), ("payoutPerContract", .number(perContract)), ("positionMarginChange", dgtx(amount)),
            ("contracts", .array(contractLinks(trader, flag: "isFunding"))),
        ]
        return push("funding", .object(members), to: trader)
    }

    mutating func liquidationPush(_ trader: Int, terminated: [String], change: Cash) -> [SimulatorAction] {
        var members: [(String, JSONOutput)] = [("symbol", .string(configuration.symbol)), ("timestamp", .int(utcMillisNow))]
        members += summary(trader)
        members += [
            ("liquidatedContracts", .array(contractLinks(trader, flag: "isLiquidation"))),
            ("terminatedOrders", .array(terminated.map { .string($0) })), ("traderBalanceIncrement", dgtx(change)),
        ]
        return push("position", .object(members), to: trader)
    }
}
