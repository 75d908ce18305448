import Exchange
import TapeCore
import Venues

/// Exchange events as Notional pushes: `orderUpdates`, `userFills`, `userOrderRejections`, and the
/// account's `accountSummary` and `activeAssetData` whenever they change.
extension NotionalSimulator {
    func accountIndex(_ account: AccountID) -> Int? { accounts.firstIndex { $0.account == account.rawValue } }

    mutating func render(_ events: [ExchangeEvent]) -> [SimulatorAction] {
        var actions: [SimulatorAction] = []
        var accepted: [(account: Int, oid: UInt64)] = []
        for event in events {
            switch event {
            case .orderAccepted(let snapshot):
                guard let index = accountIndex(snapshot.account), var order = accounts[index].pending.removeValue(forKey: snapshot.clientTag) else { continue }
                order.oid = snapshot.id.rawValue
                accounts[index].orders.append(order)
                accepted.append((index, order.oid))
            case .rejected(let refusal):
                guard let index = accountIndex(refusal.account), case .submit(let tag) = refusal.request,
                      let order = accounts[index].pending.removeValue(forKey: tag) else { continue }
                let (status, text) = Self.refusal(refusal.reason)
                actions += rejection(order, account: index, status: status, text)
            case .trade(let trade):
                let signed = trade.takerSide == .buy ? trade.quantity.lots : -trade.quantity.lots
                if let index = accountIndex(trade.takerAccount) {
                    actions += fill(index, oid: trade.taker.rawValue, isBuy: trade.takerSide == .buy, lots: trade.quantity.lots,
                                    priceUnits: trade.price.units, remaining: trade.takerRemaining.lots, crossed: true, fee: trade.takerFee,
                                    closedPnl: trade.takerRealized, startPosition: trade.takerPosition - signed)
                }
                if let index = accountIndex(trade.makerAccount) {
                    actions += fill(index, oid: trade.maker.rawValue, isBuy: trade.takerSide != .buy, lots: trade.quantity.lots,
                                    priceUnits: trade.price.units, remaining: trade.makerRemaining.lots, crossed: false, fee: trade.makerFee,
                                    closedPnl: trade.makerRealized, startPosition: trade.makerPosition + signed)
                }
            case .orderCancelled(let snapshot, let reason):
                guard let index = accountIndex(snapshot.account),
                      let position = accounts[index].orders.firstIndex(where: { $0.oid == snapshot.id.rawValue }) else { continue }
                var order = accounts[index].orders.remove(at: position)
                order.remaining = snapshot.remaining.lots
                if reason == .immediateOrCancelRemainder, snapshot.filled.lots == 0 {
                    actions += rejection(order, account: index, status: "iocCancelRejected",
                                         "Order could not immediately match against any resting orders. asset=0")
                } else {
                    actions += push(message("orderUpdates", .array([orderUpdate(order, status: Self.cancelStatus(reason))])),
                                    type: "orderUpdates", user: accounts[index].user)
                }
            case .leverageChanged, .orderAmended, .markPrice, .indexPrice, .funding, .liquidation, .triggerAccepted, .triggerFired,
                 .triggerCancelled:
                continue
            }
        }
        // Orders that rest after the request are announced once, with what is left of them.
        for (index, oid) in accepted {
            guard let order = accounts[index].orders.first(where: { $0.oid == oid }) else { continue }
            actions += push(message("orderUpdates", .array([orderUpdate(order, status: "open")])), type: "orderUpdates", user: accounts[index].user)
        }
        observeAccounts()
        return actions + refreshed()
    }

    /// An order as `orderUpdates` shows it: `{order:{coin, side, limitPx, sz, oid, timestamp, origSz[, cloid]}, status, statusTimestamp}`.
    func orderUpdate(_ order: NotionalOrder, status: String) -> JSONOutput {
        var fields: [(String, JSONOutput)] = [
            ("coin", .string(coin)), ("side", .string(order.isBuy ? "B" : "A")), ("limitPx", .string(Self.price(order.limitUnits))),
            ("sz", .string(Self.size(order.remaining))), ("oid", .int(Int64(order.oid))), ("timestamp", .int(order.timestamp)),
            ("origSz", .string(Self.size(order.originalLots))),
        ]
        if let cloid = order.cloid { fields.append(("cloid", .string(cloid))) }
        return .object([("order", .object(fields)), ("status", .string(status)), ("statusTimestamp", .int(utcMillisNow))])
    }

    /// A refused order: `userOrderRejections` with the venue's error text, and `orderUpdates` with the status.
    func rejection(_ order: NotionalOrder, account index: Int, status: String, _ reason: String) -> [SimulatorAction] {
        let user = accounts[index].user
        let entry = JSONOutput.object([
            ("coin", .string(coin)), ("side", .string(order.isBuy ? "B" : "A")), ("limitPx", .string(Self.price(order.limitUnits))),
            ("sz", .string(Self.size(order.originalLots))), ("cloid", order.cloid.map { .string($0) } ?? .null),
            ("error", .string(reason)), ("time", .int(order.timestamp)),
        ])
        return push(message("userOrderRejections", .object([("user", .string(user)), ("rejections", .array([entry]))])),
                    type: "userOrderRejections", user: user)
            + push(message("orderUpdates", .array([orderUpdate(order, status: status)])), type: "orderUpdates", user: user)
    }

    /// One fill of one of our orders: a `userFills` update, and `orderUpdates` "filled" when nothing is left.
    mutating func fill(
        _ index: Int, oid: UInt64, isBuy: Bool, lots: Int64, priceUnits: Int64, remaining: Int64, crossed: Bool, fee: Cash,
        closedPnl: Cash, startPosition: Int64
    ) -> [SimulatorAction] {
        let user = accounts[index].user
        var actions: [SimulatorAction] = []
        let signed = isBuy ? lots : -lots
        let end = startPosition + signed
        let direction: String
        if isBuy {
            direction = startPosition >= 0 ? "Open Long" : (end <= 0 ? "Close Short" : "Short > Long")
        } else {
            direction = startPosition <= 0 ? "Open Short" : (end >= 0 ? "Close Long" : "Long > Short")
        }
        let tid = nextTradeID
        nextTradeID += 1
        let entry = JSONOutput.object([
            ("coin", .string(coin)), ("px", .string(Self.price(priceUnits))), ("sz", .string(Self.size(lots))),
            ("side", .string(isBuy ? "B" : "A")), ("time", .int(utcMillisNow)), ("startPosition", .string(Self.size(startPosition))),
            ("dir", .string(direction)), ("closedPnl", .string(Self.money(closedPnl))), ("hash", .string(Self.hash(tid))),
            ("oid", .int(Int64(oid))), ("crossed", .bool(crossed)), ("fee", .string(Self.money(fee))), ("tid", .int(tid)),
            ("feeToken", .string("USDC")),
        ])
        accounts[index].fills.append(entry)
        if accounts[index].fills.count > Self.fillHistory { accounts[index].fills.removeFirst(accounts[index].fills.count - Self.fillHistory) }
        actions += push(message("userFills", .object([("user", .string(user)), ("fills", .array([entry]))])), type: "userFills", user: user)
        if let position = accounts[index].orders.firstIndex(where: { $0.oid == oid }) {
            accounts[index].orders[position].remaining = remaining
            if remaining == 0 {
                let order = accounts[index].orders.remove(at: position)
                actions += push(message("orderUpdates", .array([orderUpdate(order, status: "filled")])), type: "orderUpdates", user: user)
            }
        }
        return actions
    }

    /// Resting orders that the generated market filled (at their price, as makers) or removed, found
    /// by comparing with the exchange: the core reports the generator's trades to the generator only.
    /// `liquidated` are the positions (signed lots) the step liquidated: an account whose observed
    /// position is one of them and is now flat lost its orders to the liquidation, not to fills.
    mutating func reconcile(liquidated: [Int64] = []) -> [SimulatorAction] {
        var actions: [SimulatorAction] = []
        var changed = false
        let spec = configuration.market.instrument
        for index in accounts.indices where !accounts[index].orders.isEmpty {
            let account = AccountID(accounts[index].account)
            let position = market.exchange.position(of: account)?.quantity ?? 0
            var unexplained = position - accounts[index].observedPosition
            var quantity = accounts[index].observedPosition
            var basis = accounts[index].observedBasis
            let wiped = position == 0 && quantity != 0 && liquidated.contains(quantity)
            for order in accounts[index].orders {
                let remaining = market.exchange.order(OrderID(order.oid))?.remaining.lots ?? 0
                guard remaining != order.remaining else { continue }
                changed = true
                let lots = order.remaining - remaining
                let signed = order.isBuy ? lots : -lots
                if remaining == 0, wiped || unexplained == 0 || (unexplained > 0) != (signed > 0) {
                    // Gone without a matching position change: cancelled by the exchange (a liquidation).
                    if let at = accounts[index].orders.firstIndex(where: { $0.oid == order.oid }) { accounts[index].orders.remove(at: at) }
                    actions += push(message("orderUpdates", .array([orderUpdate(order, status: "liquidatedCanceled")])),
                                    type: "orderUpdates", user: accounts[index].user)
                    continue
                }
                unexplained -= signed
                let notional = order.limitUnits * lots * spec.cashPerPriceUnitPerLot
                let fee = Cash(minor: Self.mulDiv(notional, spec.makerFee.perHundredMillion, Rate.scale, roundingUp: true))
                let realized = Self.applyFill(quantity: &quantity, basis: &basis, isBuy: order.isBuy, lots: lots, notional: notional)
                actions += fill(index, oid: order.oid, isBuy: order.isBuy, lots: lots, priceUnits: order.limitUnits, remaining: remaining,
                                crossed: false, fee: fee, closedPnl: Cash(minor: realized), startPosition: quantity - signed)
            }
        }
        guard changed else { return actions }
        observeAccounts()
        return actions + refreshed()
    }

    /// The exchange's average-cost rule (docs/EXCHANGE.md): realised PnL of a fill, updating size and basis.
    static func applyFill(quantity: inout Int64, basis: inout Int64, isBuy: Bool, lots: Int64, notional: Int64) -> Int64 {
        let sign: Int64 = isBuy ? 1 : -1
        let closing = min(lots, isBuy ? max(0, -quantity) : max(0, quantity))
        var realized: Int64 = 0
        var closeNotional: Int64 = 0
        if closing > 0 {
            let held = abs(quantity)
            closeNotional = closing == lots ? notional : mulDiv(notional, closing, lots)
            let removed = closing == held ? basis : mulDiv(basis, closing, held)
            realized = quantity > 0 ? closeNotional - removed : removed - closeNotional
            basis -= removed
            quantity += sign * closing
        }
        if lots > closing {
            basis += notional - closeNotional
            quantity += sign * (lots - closing)
        }
        return realized
    }

    /// a × b ÷ c without overflowing the product, rounded down (or up); `c` is positive.
    static func mulDiv(_ a: Int64, _ b: Int64, _ c: Int64, roundingUp: Bool = false) -> Int64 {
        precondition(c > 0, "mulDiv by non-positive divisor \(c)")
        let (quotient, remainder) = c.dividingFullWidth(a.multipliedFullWidth(by: b))
        if roundingUp { return remainder > 0 ? quotient + 1 : quotient }
        return remainder < 0 ? quotient - 1 : quotient
    }

    mutating func observeAccounts() {
        for index in accounts.indices {
            let position = market.exchange.position(of: AccountID(accounts[index].account))
            accounts[index].observedPosition = position?.quantity ?? 0
            accounts[index].observedBasis = position?.entryNotional.minor ?? 0
        }
    }

    /// `accountSummary` and `activeAssetData` for every watched account whose content changed.
    mutating func refreshed() -> [SimulatorAction] {
        var actions: [SimulatorAction] = []
        for index in accounts.indices {
            let user = accounts[index].user
            if subscribed("accountSummary", account: index) {
                let figures = figures(index)
                if figures != accounts[index].lastFigures {
                    accounts[index].lastFigures = figures
                    let (body, comparable) = summary(figures)
                    if comparable != accounts[index].lastSummary {
                        accounts[index].lastSummary = comparable
                        actions += push(message("accountSummary", .object([("user", .string(user)), ("summary", body)])), type: "accountSummary", user: user)
                    }
                }
            }
            if subscribed("activeAssetData", account: index) {
                let inputs = assetInputs(index)
                if inputs != accounts[index].lastAssetInputs {
                    accounts[index].lastAssetInputs = inputs
                    let data = assetData(index, inputs)
                    let bytes = data.bytes
                    if bytes != accounts[index].lastAssetData {
                        accounts[index].lastAssetData = bytes
                        actions += push(message("activeAssetData", data), type: "activeAssetData", user: user, coin: coin)
                    }
                }
            }
        }
        return actions
    }

    static func refusal(_ reason: Rejection.Reason) -> (status: String, text: String) {
        switch reason {
        case .invalidQuantity: ("rejected", "Order has invalid size.")
        case .invalidPrice: ("tickRejected", "Price must be divisible by tick size. asset=0")
        case .insufficientMargin: ("perpMarginRejected", "Insufficient margin to place order. asset=0")
        case .nothingToReduce: ("reduceOnlyRejected", "Reduce only order would increase position. asset=0")
        case .positionLimit: ("rejected", "Order would exceed the position limit. asset=0")
        case .unknownAccount, .unknownInstrument, .unknownOrder, .unknownTrigger, .invalidLeverage, .alreadyExpired, .invalidAmendment:
            ("rejected", "Order rejected: \(reason)")
        }
    }

    static func cancelStatus(_ reason: CancelReason) -> String {
        switch reason {
        case .requested, .immediateOrCancelRemainder, .fillOrKillUnfilled, .expired: "canceled"
        case .liquidation: "liquidatedCanceled"
        case .selfTradePrevention: "selfTradeCanceled"
        case .insufficientMargin: "marginCanceled"
        case .reduceOnlyExhausted: "reduceOnlyCanceled"
        }
    }
}
