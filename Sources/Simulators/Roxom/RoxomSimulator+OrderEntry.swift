import Exchange
import TapeCore
import Venues

/// How a REST order prices itself.
public enum RoxomOrderKind: Hashable, Sendable {
    case market
    /// A good-till-cancelled limit order at this price (index points).
    case limit(FixedDecimal)
}

/// Order entry, which Roxom takes over REST (api.roxom.com/api/v1/orders): these methods stand in
/// for it. Each first runs the market up to `now`, then returns what the WebSocket carries because
/// of the call (the account's `order`, `position` and `balance` pushes, and public market data).
/// A key that never authenticated has no account: nothing happens (REST would answer 401).
extension RoxomSimulator {
    /// Places an order of `quantity` contracts (a multiple of 0.1). A bad quantity or price, or one
    /// the exchange refuses, is pushed as an `order` with status `rejected` and a `reason`.
    public mutating func placeOrder(
        key: String, side: Venues.Side, quantity: FixedDecimal, kind: RoxomOrderKind = .market, clientOrderID: String? = nil,
        at now: Timestamp
    ) -> [SimulatorAction] {
        var actions = advanceMarket(to: now, maxSteps: 1_000_000)
        guard let trader = traderByKey[key] else { return actions }
        let lots = Self.exact(quantity, scale: 1) ?? 0
        let exchangeSide: ExchangeSide = side == .buy ? .buy : .sell
        switch kind {
        case .market:
            let request = OrderRequest.market(exchangeSide, lots)
            guard lots > 0 else { return actions + rejected(trader, request, clientOrderID: clientOrderID, reason: "invalid quantity") }
            actions += submit(request, trader: trader, clientOrderID: clientOrderID)
        case .limit(let price):
            let units = Self.exact(price, scale: 2) ?? 0
            let request = OrderRequest.limit(exchangeSide, lots, at: units)
            guard lots > 0 else { return actions + rejected(trader, request, clientOrderID: clientOrderID, reason: "invalid quantity") }
            guard units > 0 else { return actions + rejected(trader, request, clientOrderID: clientOrderID, reason: "invalid price") }
            actions += submit(request, trader: trader, clientOrderID: clientOrderID)
        }
        return actions
    }

    /// Cancels one open order by its `orderId`; an unknown id changes nothing (REST would answer 404).
    public mutating func cancelOrder(key: String, orderID: String, at now: Timestamp) -> [SimulatorAction] {
        let actions = advanceMarket(to: now, maxSteps: 1_000_000)
        guard let trader = traderByKey[key], let order = traders[trader].orders.first(where: { $0.orderID == orderID }) else { return actions }
        let account = AccountID(traders[trader].account)
        return actions + run { exchange, now in exchange.cancel(OrderID(order.exchangeID), account: account, at: now) }
    }

    /// Cancels every open order of the account.
    public mutating func cancelAllOrders(key: String, at now: Timestamp) -> [SimulatorAction] {
        let actions = advanceMarket(to: now, maxSteps: 1_000_000)
        guard let trader = traderByKey[key] else { return actions }
        let account = AccountID(traders[trader].account)
        return actions + run { exchange, now in exchange.cancelAll(account: account, instrument: InstrumentID(0), at: now) }
    }

    /// Sets the account's leverage (1 … 50); the position push that follows shows it. Refused
    /// (invalid, or not enough balance for the margin it needs): nothing is pushed.
    public mutating func setLeverage(key: String, leverage: Int64, at now: Timestamp) -> [SimulatorAction] {
        let actions = advanceMarket(to: now, maxSteps: 1_000_000)
        guard traderByKey[key] != nil, let account = account(key: key) else { return actions }
        return actions + run { exchange, now in exchange.setLeverage(leverage, account: account, instrument: InstrumentID(0), at: now) }
    }

    /// The mantissa of `value` at `scale` when it has no more digits than that (0.05 at scale 1: nil).
    static func exact(_ value: FixedDecimal, scale: UInt8) -> Int64? {
        let normalized = value.normalized
        return normalized.scale <= scale ? normalized.mantissa(atScale: scale) : nil
    }

    // MARK: Submitting

    /// Sends an order to the exchange for a trader, tracked under a fresh client tag.
    mutating func submit(_ request: OrderRequest, trader: Int, clientOrderID: String?) -> [SimulatorAction] {
        var request = request
        request.clientTag = nextTag
        nextTag += 1
        traders[trader].pending[request.clientTag] = tracked(request, clientOrderID: clientOrderID)
        let account = AccountID(traders[trader].account)
        return run { exchange, now in exchange.submit(request, account: account, at: now) }
    }

    private mutating func tracked(_ request: OrderRequest, clientOrderID: String?) -> RoxomTrackedOrder {
        let units: Int64
        switch request.kind {
        case .market: units = 0
        case .limit(let price): units = price.units
        }
        return RoxomTrackedOrder(
            orderID: uuid(), clientOrderID: clientOrderID, side: request.side == .buy ? .buy : .sell,
            isMarket: request.kind == .market, priceUnits: units, lots: request.quantity.lots, remaining: request.quantity.lots)
    }

    private mutating func rejected(_ trader: Int, _ request: OrderRequest, clientOrderID: String?, reason: String) -> [SimulatorAction] {
        var order = tracked(request, clientOrderID: clientOrderID)
        order.remaining = 0
        return push(orderPush(trader, order, status: "rejected", reason: reason), to: trader)
    }

    /// Runs a call on the exchange and returns its pushes: orders, then each account's position
    /// and balance where they changed, then market data.
    mutating func run(_ body: (inout Exchange, Timestamp) -> [ExchangeEvent]) -> [SimulatorAction] {
        let result = market.apply(body)
        var actions = render(result.exchange)
        for trader in traders.indices { actions += accountChanges(trader, updateType: "ordersettle") }
        return actions + publish(result.market)
    }

    /// Order pushes for exchange events that concern a simulated account.
    mutating func render(_ events: [ExchangeEvent]) -> [SimulatorAction] {
        var actions: [SimulatorAction] = []
        for event in events {
            switch event {
            case .orderAccepted(let snapshot):
                guard let trader = traderIndex(snapshot.account), var order = traders[trader].pending.removeValue(forKey: snapshot.clientTag) else { continue }
                order.exchangeID = snapshot.id.rawValue
                traders[trader].orders.append(order)
                actions += push(orderPush(trader, order, status: "new"), to: trader)
            case .rejected(let rejection):
                guard let trader = traderIndex(rejection.account), case .submit(let tag) = rejection.request,
                      let order = traders[trader].pending.removeValue(forKey: tag) else { continue }
                var refused = order
                refused.remaining = 0
                actions += push(orderPush(trader, refused, status: "rejected", reason: Self.reason(rejection.reason)), to: trader)
            case .trade(let trade):
                if let trader = traderIndex(trade.takerAccount) {
                    actions += filled(trader, exchangeID: trade.taker.rawValue, lots: trade.quantity.lots, priceUnits: trade.price.units,
                                      remaining: trade.takerRemaining.lots, fee: trade.takerFee.minor)
                }
                if let trader = traderIndex(trade.makerAccount) {
                    actions += filled(trader, exchangeID: trade.maker.rawValue, lots: trade.quantity.lots, priceUnits: trade.price.units,
                                      remaining: trade.makerRemaining.lots, fee: trade.makerFee.minor)
                }
            case .orderCancelled(let snapshot, let reason):
                guard let trader = traderIndex(snapshot.account),
                      let index = traders[trader].orders.firstIndex(where: { $0.exchangeID == snapshot.id.rawValue }) else { continue }
                var order = traders[trader].orders.remove(at: index)
                order.remaining = snapshot.remaining.lots
                let status = reason == .expired ? "expired" : "cancelled"
                actions += push(orderPush(trader, order, status: status, reason: Self.reason(reason)), to: trader)
            case .orderAmended, .leverageChanged, .markPrice, .indexPrice, .funding, .liquidation, .triggerAccepted, .triggerFired,
                 .triggerCancelled:
                continue
            }
        }
        return actions
    }

    func traderIndex(_ account: AccountID) -> Int? { traders.firstIndex { $0.account == account.rawValue } }

    /// One fill of a tracked order: the order push (`partiallyfilled` / `filled` with `fillPx` and
    /// this fill's `filledFees`), and the position's life (entries, exits, a new id on opening).
    mutating func filled(_ trader: Int, exchangeID: UInt64, lots: Int64, priceUnits: Int64, remaining: Int64, fee: Int64) -> [SimulatorAction] {
        guard let index = traders[trader].orders.firstIndex(where: { $0.exchangeID == exchangeID }) else { return [] }
        var order = traders[trader].orders[index]
        order.remaining = remaining
        order.executedNotional += priceUnits * lots
        let (entry, exit) = recordFill(trader, signedLots: order.side == .buy ? lots : -lots, priceUnits: priceUnits, fee: fee)
        order.entryPositionID = entry ?? order.entryPositionID
        order.exitPositionID = exit ?? order.exitPositionID
        if remaining == 0 {
            traders[trader].orders.remove(at: index)
        } else {
            traders[trader].orders[index] = order
        }
        let status = remaining == 0 ? "filled" : "partiallyfilled"
        return push(orderPush(trader, order, status: status, fill: (priceUnits, fee)), to: trader)
    }

    /// Moves the position's life by one fill; returns the ids of the positions it entered and exited.
    private mutating func recordFill(_ trader: Int, signedLots: Int64, priceUnits: Int64, fee: Int64) -> (entry: String?, exit: String?) {
        var life = traders[trader].position
        let before = life.lots
        let after = before + signedLots
        var entry: String?
        var exit: String?
        if before != 0, (before > 0) != (signedLots > 0) {
            let closing = min(abs(signedLots), abs(before))
            life.exitLots += closing
            life.exitNotional += priceUnits * closing
            life.exitFees += fee
            exit = life.id
            if after == 0 || (after > 0) != (before > 0) { life.closedNanos = utcNanosNow }
            if after != 0, (after > 0) != (before > 0) {
                life = newPosition(isLong: after > 0)
                life.entryLots = abs(after)
                life.entryNotional = priceUnits * abs(after)
                entry = life.id
            }
        } else {
            if before == 0 { life = newPosition(isLong: signedLots > 0) }
            life.entryLots += abs(signedLots)
            life.entryNotional += priceUnits * abs(signedLots)
            life.entryFees += fee
            entry = life.id
        }
        life.lots = after
        traders[trader].position = life
        return (entry, exit)
    }

    private mutating func newPosition(isLong: Bool) -> RoxomPositionLife {
        var life = RoxomPositionLife()
        life.id = uuid()
        life.openedNanos = utcNanosNow
        life.isLong = isLong
        return life
    }

    /// `position` and `balance` pushes for what changed on the account since the last ones.
    mutating func accountChanges(_ trader: Int, updateType: String) -> [SimulatorAction] {
        let account = AccountID(traders[trader].account)
        let position = market.exchange.position(of: account)
        let quantity = position?.quantity ?? 0
        var actions: [SimulatorAction] = []
        if quantity != traders[trader].position.lots {
            // Moved without a fill we saw: liquidated (taken over by the exchange).
            if quantity == 0 {
                traders[trader].position.closedNanos = utcNanosNow
                traders[trader].position.lots = 0
            } else {
                _ = recordFill(trader, signedLots: quantity - traders[trader].position.lots, priceUnits: position?.averageEntryPrice.units ?? 0, fee: 0)
            }
        }
        let signature = [quantity, position?.margin.minor ?? 0, position?.entryNotional.minor ?? 0, position?.realized.minor ?? 0,
                         position?.funding.minor ?? 0, position?.leverage ?? 0]
        if signature != traders[trader].pushedPosition, traders[trader].position.id != nil {
            actions += push(positionPush(trader), to: trader)
        }
        traders[trader].pushedPosition = signature
        let balance = balance(of: trader)
        if balance != traders[trader].pushedBalance {
            actions += push(balancePush(trader, before: traders[trader].pushedBalance, updateType: updateType), to: trader)
            traders[trader].pushedBalance = balance
        }
        return actions
    }

    func balance(of trader: Int) -> Int64 {
        market.exchange.account(AccountID(traders[trader].account))?.balance.minor ?? 0
    }

    static func reason(_ reason: Rejection.Reason) -> String {
        switch reason {
        case .unknownAccount: "unknown account"
        case .unknownInstrument: "invalid symbol"
        case .unknownOrder, .unknownTrigger: "order not found"
        case .invalidQuantity: "invalid quantity"
        case .invalidPrice: "invalid price"
        case .invalidLeverage: "invalid leverage"
        case .insufficientMargin: "insufficient balance"
        case .nothingToReduce: "reduce only"
        case .positionLimit: "position limit exceeded"
        case .alreadyExpired: "expired"
        case .invalidAmendment: "invalid amendment"
        }
    }

    static func reason(_ reason: CancelReason) -> String {
        switch reason {
        case .requested: "user"
        case .immediateOrCancelRemainder: "ioc"
        case .fillOrKillUnfilled: "fok"
        case .expired: "expired"
        case .liquidation: "liquidation"
        case .selfTradePrevention: "selftrade"
        case .insufficientMargin: "insufficient balance"
        case .reduceOnlyExhausted: "reduce only"
        }
    }
}
