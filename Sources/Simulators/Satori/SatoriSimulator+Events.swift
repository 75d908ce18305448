import Exchange
import TapeCore
import Venues

/// Exchange events and account changes as Satori pushes: `api_entrust`, `api_position`, `api_account`.
extension SatoriSimulator {
    func traderIndex(_ account: AccountID) -> Int? { traders.firstIndex { $0.account == account.rawValue } }

    /// `{"data":…,"event":…,"success":true}`; account pushes also echo the subscribed symbol (as the docs' example).
    func push(_ event: Event, _ data: JSONOutput, trader: Int) -> [SimulatorAction] {
        subscribers(event, key: traders[trader].key).map { connection, subscription in
            send(connection, envelope(event, data, subscription))
        }
    }

    func envelope(_ event: Event, _ data: JSONOutput, _ subscription: SatoriSession.Subscription) -> JSONOutput {
        var members: [(String, JSONOutput)] = [("data", data), ("event", .string(event.rawValue)), ("success", .bool(true))]
        if event == .account { members.append(("symbol", .string(subscription.echoValue))) }
        return .object(members)
    }

    // MARK: Orders

    /// An `api_entrust` data object; `fill` adds feeAmt / feeCoin / isTaker (TRADE).
    func entrustData(_ order: SatoriTrackedOrder, _ change: String, fill: (fee: Cash, isTaker: Bool)? = nil) -> JSONOutput {
        // `direction` is the position side the order works on: a close order of a long sells.
        let long = order.isClose ? !order.isBuy : order.isBuy
        var members: [(String, JSONOutput)] = [("changeType", .string(change))]
        if let id = order.clientOrderID { members.append(("clientOrderId", .string(id))) }
        members += [
            ("contractPairId", .int(1)), ("currentEntrustId", .int(order.entrustID)),
            ("dealAmount", order.dealNotional == 0 ? .string("0.00") : .string(FixedDecimal(mantissa: order.dealNotional, scale: 5).normalized.description)),
            ("dealQuantity", .string(Self.quantity(order.dealtLots).description)), ("direction", .string(long ? "LONG" : "SHORT")),
        ]
        if let fill { members += [("feeAmt", Self.amount(fill.fee)), ("feeCoin", .string("USD"))] }
        members += [("isClose", .bool(order.isClose)), ("isMarket", .bool(order.isMarket))]
        if let fill { members.append(("isTaker", .bool(fill.isTaker))) }
        members += [
            ("lever", .int(order.leverage)), ("matchType", .int(1)), ("price", .string(Self.price(order.priceUnits).description)),
            ("quantity", .string(Self.quantity(order.lots).description)), ("symbol", .string(configuration.pair)),
        ]
        return .object(members)
    }

    /// One fill of a tracked order: TRADE with the fill's fee; a filled order is forgotten.
    mutating func filled(_ trader: Int, exchangeID: UInt64, lots: Int64, priceUnits: Int64, remaining: Int64, fee: Cash, isTaker: Bool) -> [SimulatorAction] {
        guard let index = traders[trader].orders.firstIndex(where: { $0.exchangeID == exchangeID }) else { return [] }
        traders[trader].orders[index].dealtLots += lots
        traders[trader].orders[index].dealNotional += priceUnits * lots
        let order = traders[trader].orders[index]
        if remaining == 0 { traders[trader].orders.remove(at: index) }
        return push(.entrust, entrustData(order, "TRADE", fill: (fee, isTaker)), trader: trader)
    }

    mutating func cancelled(_ trader: Int, exchangeID: UInt64) -> [SimulatorAction] {
        guard let index = traders[trader].orders.firstIndex(where: { $0.exchangeID == exchangeID }) else { return [] }
        let order = traders[trader].orders.remove(at: index)
        return push(.entrust, entrustData(order, "CANCELED"), trader: trader)
    }

    /// The pushes for the exchange's answer to our own call (an order-entry method or an account's
    /// own activity), then every account's position and balance changes.
    mutating func render(_ events: [ExchangeEvent]) -> [SimulatorAction] {
        var actions: [SimulatorAction] = []
        var liquidated: [Int] = []
        // Only accounts that an event names can have changed (trades name both sides; funding,
        // liquidation, leverage and expiries name theirs).
        var touched: [Int] = []
        func touch(_ account: AccountID) {
            if let trader = traderIndex(account), !touched.contains(trader) { touched.append(trader) }
        }
        for event in events {
            switch event {
            case .orderAccepted(let snapshot), .orderCancelled(let snapshot, _), .orderAmended(let snapshot, _): touch(snapshot.account)
            case .rejected(let rejection): touch(rejection.account)
            case .trade(let trade): touch(trade.takerAccount); touch(trade.makerAccount)
            case .leverageChanged(let account, _, _): touch(account)
            case .funding(let payment): touch(payment.account)
            case .liquidation(let liquidation): touch(liquidation.account)
            case .markPrice, .indexPrice, .triggerAccepted, .triggerFired, .triggerCancelled: break
            }
            switch event {
            case .orderAccepted(let snapshot):
                guard let trader = traderIndex(snapshot.account), var order = traders[trader].pending.removeValue(forKey: snapshot.clientTag) else { continue }
                order.exchangeID = snapshot.id.rawValue
                // A close order is cut to the position at submission: the venue shows what it accepted.
                order.lots = snapshot.remaining.lots + snapshot.filled.lots
                traders[trader].orders.append(order)
                actions += push(.entrust, entrustData(order, "ENTRUST"), trader: trader)
            case .rejected(let rejection):
                if case .submit(let tag) = rejection.request, let trader = traderIndex(rejection.account) {
                    traders[trader].pending.removeValue(forKey: tag)
                }
                lastOrderEntryError = rejection.reason.description
            case .trade(let trade):
                if let trader = traderIndex(trade.takerAccount) {
                    actions += filled(trader, exchangeID: trade.taker.rawValue, lots: trade.quantity.lots, priceUnits: trade.price.units,
                                      remaining: trade.takerRemaining.lots, fee: trade.takerFee, isTaker: true)
                }
                if let trader = traderIndex(trade.makerAccount) {
                    actions += filled(trader, exchangeID: trade.maker.rawValue, lots: trade.quantity.lots, priceUnits: trade.price.units,
                                      remaining: trade.makerRemaining.lots, fee: trade.makerFee, isTaker: false)
                }
            case .orderCancelled(let snapshot, _):
                if let trader = traderIndex(snapshot.account) { actions += cancelled(trader, exchangeID: snapshot.id.rawValue) }
            case .liquidation(let liquidation):
                if let trader = traderIndex(liquidation.account) { liquidated.append(trader) }
            case .orderAmended, .leverageChanged, .markPrice, .indexPrice, .funding, .triggerAccepted, .triggerFired, .triggerCancelled:
                continue
            }
        }
        for trader in touched.sorted() {
            for index in traders[trader].orders.indices where !traders[trader].orders[index].rested {
                guard market.exchange.order(OrderID(traders[trader].orders[index].exchangeID)) != nil else { continue }
                traders[trader].orders[index].rested = true
                actions += push(.entrust, entrustData(traders[trader].orders[index], "NEW"), trader: trader)
            }
            actions += syncPosition(trader, liquidated: liquidated.contains(trader)) + syncAccount(trader)
        }
        return actions
    }

    /// After a generated market step: traders' resting orders that the market filled (as makers,
    /// at their price) or that the exchange cancelled (liquidation, a close order with nothing
    /// left to close), then positions and balances (fills, funding, liquidation).
    mutating func reconcile(_ events: [MarketDataEvent]) -> [SimulatorAction] {
        var actions: [SimulatorAction] = []
        let liquidations = events.compactMap { event -> Int64? in
            if case .liquidation(_, let position, _) = event { return position }
            return nil
        }
        let spec = configuration.market.instrument
        // A flat account without orders is changed by nothing the market does.
        for trader in traders.indices where !traders[trader].orders.isEmpty || traders[trader].positionLots != 0 {
            let account = AccountID(traders[trader].account)
            let position = market.exchange.position(of: account)?.quantity ?? 0
            let before = traders[trader].positionLots
            let liquidated = position == 0 && before != 0 && liquidations.contains(before)
            var unexplained = position - before
            for order in traders[trader].orders {
                let remaining = market.exchange.order(OrderID(order.exchangeID))?.remaining.lots ?? 0
                let open = order.lots - order.dealtLots
                guard remaining != open else { continue }
                let lots = open - remaining
                let signed = order.isBuy ? lots : -lots
                if liquidated || (remaining == 0 && (unexplained == 0 || (unexplained > 0) != (signed > 0))) {
                    actions += cancelled(trader, exchangeID: order.exchangeID)
                    continue
                }
                unexplained -= signed
                let notional = order.priceUnits * lots * spec.cashPerPriceUnitPerLot
                actions += filled(trader, exchangeID: order.exchangeID, lots: lots, priceUnits: order.priceUnits, remaining: remaining,
                                  fee: Self.fee(notional: notional, rate: spec.makerFee), isTaker: false)
            }
            actions += syncPosition(trader, liquidated: liquidated) + syncAccount(trader)
        }
        return actions
    }

    /// The exchange's fee on a fill: notional × rate, rounded up.
    static func fee(notional: Int64, rate: Rate) -> Cash {
        let product = notional.multipliedFullWidth(by: rate.perHundredMillion)
        let (quotient, remainder) = Rate.scale.dividingFullWidth(product)
        return Cash(minor: quotient + (remainder > 0 ? 1 : 0))
    }

    // MARK: Positions

    /// The average entry price as the venue writes `openingPrice` (entry notional ÷ size, to 0.0001 USD).
    public static func openingPrice(_ position: PositionSnapshot, instrument: InstrumentSpec = SatoriSimulator.instrument) -> FixedDecimal {
        let lots = position.quantity.magnitude
        guard lots > 0 else { return .zero }
        let divisor = Int64(lots) * instrument.cashPerPriceUnitPerLot * instrument.priceUnitsPerQuote
        return FixedDecimal(mantissa: position.entryNotional.minor, scale: 0).divided(by: FixedDecimal(divisor), scale: 4)?.normalized
            ?? FixedDecimal(mantissa: position.averageEntryPrice.units, scale: 3).normalized
    }

    /// Pushes the change of a trader's position since the last push: NEW, INCREASE, REDUCE,
    /// CLOSE (flat; a flip is CLOSE then NEW with a new positionId) or LIQUIDATE.
    mutating func syncPosition(_ trader: Int, liquidated: Bool) -> [SimulatorAction] {
        let snapshot = market.exchange.position(of: AccountID(traders[trader].account))
        let lots = snapshot?.quantity ?? 0
        let before = traders[trader].positionLots
        guard lots != before else { return [] }
        var actions: [SimulatorAction] = []
        if before != 0, lots == 0 || (lots > 0) != (before > 0) {
            let liquidation = liquidated && lots == 0
            actions += push(.position, positionData(trader, change: liquidation ? "LIQUIDATE" : "CLOSE", snapshot: nil, operate: before.magnitude,
                                                    showsSize: liquidation), trader: trader)
            traders[trader].positionLots = 0
            traders[trader].positionID = 0
        }
        guard lots != 0, let snapshot else { return actions }
        let prior = traders[trader].positionLots
        let change: String
        if prior == 0 {
            change = "NEW"
            traders[trader].positionID = nextPositionID
            nextPositionID += 1
        } else {
            change = lots.magnitude > prior.magnitude ? "INCREASE" : "REDUCE"
        }
        traders[trader].positionLots = lots
        traders[trader].openingPrice = Self.openingPrice(snapshot, instrument: configuration.market.instrument)
        actions += push(.position, positionData(trader, change: change, snapshot: snapshot, operate: (lots - prior).magnitude), trader: trader)
        return actions
    }

    /// An `api_position` data object; without a snapshot, the position just closed: size 0, or
    /// with `showsSize` (LIQUIDATE) the size that was taken over, so that the push says what was lost.
    func positionData(_ trader: Int, change: String, snapshot: PositionSnapshot?, operate: UInt64, showsSize: Bool = false) -> JSONOutput {
        let lots = traders[trader].positionLots
        let size = lots.magnitude
        let closing = traders[trader].orders.filter { $0.isClose && $0.isBuy == (lots < 0) }.reduce(Int64(0)) { $0 + $1.lots - $1.dealtLots }
        let spec = configuration.market.instrument
        let margin = snapshot?.margin ?? .zero
        let maintenance = Cash(minor: (margin.minor * spec.maintenanceNumerator + spec.maintenanceDenominator - 1) / spec.maintenanceDenominator)
        let open = snapshot != nil
        return .object([
            ("canClosedQuantity", .string(Self.quantity(open ? max(0, Int64(size) - closing) : 0).description)),
            ("changeType", .string(change)), ("contractPairId", .int(1)),
            ("currentQuantity", .string(Self.quantity(open || showsSize ? Int64(size) : 0).description)),
            ("direction", .string(lots > 0 ? "LONG" : "SHORT")),
            ("marginAmount", Self.amount(margin)), ("marginCallAmount", Self.amount(maintenance)),
            ("openingPrice", .string(traders[trader].openingPrice.description)),
            ("operateQuantity", .string(Self.quantity(Int64(operate)).description)),
            ("positionId", .int(traders[trader].positionID)), ("positionType", .int(3)), ("symbol", .string(configuration.pair)),
        ])
    }

    // MARK: Balance

    /// Pushes a trader's balance when it changed (to the venue's 10⁻⁶ USD) with the next `logId`.
    mutating func syncAccount(_ trader: Int) -> [SimulatorAction] {
        guard let money = market.exchange.account(AccountID(traders[trader].account)) else { return [] }
        let available = Self.micros(money.available)
        let frozen = Self.micros(money.orderMargin)
        guard available != traders[trader].available || frozen != traders[trader].frozen else { return [] }
        let operate = available + frozen - traders[trader].available - traders[trader].frozen
        traders[trader].available = available
        traders[trader].frozen = frozen
        traders[trader].logID += 1
        return push(.account, accountData(trader, operate: operate), trader: trader)
    }

    /// An `api_account` data object: available and frozen (order margin) USD, and the change.
    func accountData(_ trader: Int, operate: Int64) -> JSONOutput {
        .object([
            ("availableAmount", Self.amount(micros: traders[trader].available)), ("coinId", .int(4)),
            ("frozenAmount", Self.amount(micros: traders[trader].frozen)), ("logId", .int(traders[trader].logID)),
            ("operateAmount", Self.amount(micros: operate)), ("symbol", .string("USD")),
        ])
    }

    /// What a new subscription finds: the balance, an open position (as NEW with operateQuantity 0,
    /// as the docs' example), the open orders (as NEW); nothing for trades.
    func snapshot(_ event: Event, trader: Int, to connection: ConnectionID, subscription: SatoriSession.Subscription) -> [SimulatorAction] {
        switch event {
        case .account:
            return [send(connection, envelope(.account, accountData(trader, operate: 0), subscription))]
        case .position:
            guard traders[trader].positionLots != 0,
                  let snapshot = market.exchange.position(of: AccountID(traders[trader].account)) else { return [] }
            return [send(connection, envelope(.position, positionData(trader, change: "NEW", snapshot: snapshot, operate: 0), subscription))]
        case .entrust:
            return traders[trader].orders.map { send(connection, envelope(.entrust, entrustData($0, "NEW"), subscription)) }
        case .trade:
            return []
        }
    }
}
