import Exchange
import TapeCore
import Venues

/// Order entry standing in for Satori's REST API (create / cancel / batch cancel orders,
/// leverage), which the WebSocket does not carry. Each call first runs the market up to `now`,
/// then acts at the market's time and returns the pushes that follow. A refused call pushes
/// nothing (the REST call would fail) and leaves its reason in `lastOrderEntryError`.
extension SatoriSimulator {
    /// Places a limit order (`price` in USD) or, without a price, a market order for `quantity`
    /// ETH. `isClose` makes it a close order (reduce-only: cut to the position, refused when flat).
    public mutating func placeOrder(
        key: String, side: Venues.Side, quantity: FixedDecimal, price: FixedDecimal? = nil, isClose: Bool = false,
        clientOrderID: String? = nil, at now: Timestamp
    ) -> [SimulatorAction] {
        var actions = advanceMarket(to: now, maxSteps: Int.max)
        guard let trader = orderEntryTrader(key) else { return actions }
        guard let lots = Self.exact(quantity, scale: 2), lots > 0 else {
            lastOrderEntryError = "invalid quantity \(quantity): send a positive multiple of 0.01"
            return actions
        }
        var units: Int64 = 0
        if let price {
            guard let value = Self.exact(price, scale: 3), value > 0 else {
                lastOrderEntryError = "invalid price \(price): send a positive price in USD"
                return actions
            }
            units = value
        }
        actions += submit(trader: trader, isBuy: side == .buy, lots: lots, priceUnits: units, isClose: isClose, clientOrderID: clientOrderID)
        return actions
    }

    /// Cancels one open order by its `currentEntrustId`.
    public mutating func cancelOrder(key: String, entrustID: Int64, at now: Timestamp) -> [SimulatorAction] {
        var actions = advanceMarket(to: now, maxSteps: Int.max)
        guard let trader = orderEntryTrader(key) else { return actions }
        guard let order = traders[trader].orders.first(where: { $0.entrustID == entrustID }) else {
            lastOrderEntryError = "order \(entrustID) not found: it was filled, cancelled or belongs to another key"
            return actions
        }
        let account = AccountID(traders[trader].account)
        actions += run { exchange, now in exchange.cancel(OrderID(order.exchangeID), account: account, at: now) }
        return actions
    }

    /// Cancels every open order of the account.
    public mutating func cancelAllOrders(key: String, at now: Timestamp) -> [SimulatorAction] {
        var actions = advanceMarket(to: now, maxSteps: Int.max)
        guard let trader = orderEntryTrader(key) else { return actions }
        actions += cancelAll(trader: trader)
        return actions
    }

    /// Sets the account's leverage (1 … 50); margins are recomputed and the balance pushed.
    public mutating func setLeverage(key: String, leverage: Int64, at now: Timestamp) -> [SimulatorAction] {
        var actions = advanceMarket(to: now, maxSteps: Int.max)
        guard let trader = orderEntryTrader(key) else { return actions }
        let account = AccountID(traders[trader].account)
        actions += run { exchange, now in exchange.setLeverage(leverage, account: account, instrument: InstrumentID(0), at: now) }
        return actions
    }

    /// The mantissa at `scale` when the value has no finer digits, else nil.
    static func exact(_ value: FixedDecimal, scale: UInt8) -> Int64? {
        guard let mantissa = value.mantissa(truncatedToScale: scale), FixedDecimal(mantissa: mantissa, scale: scale) == value else { return nil }
        return mantissa
    }

    private mutating func orderEntryTrader(_ key: String) -> Int? {
        lastOrderEntryError = nil
        guard let trader = traderByKey[key] else {
            lastOrderEntryError = "unknown apiKey \(key): subscribe with it first"
            return nil
        }
        return trader
    }

    mutating func submit(trader: Int, isBuy: Bool, lots: Int64, priceUnits: Int64, isClose: Bool, clientOrderID: String?) -> [SimulatorAction] {
        let account = AccountID(traders[trader].account)
        let leverage = market.exchange.position(of: account)?.leverage ?? configuration.market.instrument.defaultLeverage
        let tag = nextTag
        nextTag += 1
        traders[trader].pending[tag] = SatoriTrackedOrder(
            entrustID: nextEntrustID, clientOrderID: clientOrderID, isBuy: isBuy, isClose: isClose, priceUnits: priceUnits,
            lots: lots, leverage: leverage)
        nextEntrustID += 1
        let request = OrderRequest(
            side: isBuy ? .buy : .sell, kind: priceUnits == 0 ? .market : .limit(Price(units: priceUnits)), quantity: Quantity(lots: lots),
            timeInForce: priceUnits == 0 ? .immediateOrCancel : .goodTillCancelled, clientTag: tag, reduceOnly: isClose)
        return run { exchange, now in exchange.submit(request, account: account, at: now) }
    }

    mutating func cancelAll(trader: Int) -> [SimulatorAction] {
        let account = AccountID(traders[trader].account)
        return run { exchange, now in exchange.cancelAll(account: account, instrument: InstrumentID(0), at: now) }
    }

    /// Acts on the exchange at the market's time; private pushes first, then the public trades.
    mutating func run(_ body: (inout Exchange, Timestamp) -> [ExchangeEvent]) -> [SimulatorAction] {
        let result = market.apply(body)
        return render(result.exchange) + publish(result.market)
    }

    /// Every account with `accountActivity` takes the steps that are due at the market's time.
    mutating func runActivity() -> [SimulatorAction] {
        var actions: [SimulatorAction] = []
        for trader in traders.indices where traders[trader].activity != nil {
            while true {
                let position = market.exchange.position(of: AccountID(traders[trader].account))?.quantity ?? 0
                let book = market.exchange.bestBidAsk()
                guard let step = traders[trader].activity?.step(at: market.now, position: position, bid: book.bid, ask: book.ask) else { break }
                switch step {
                case .submit(let request):
                    let units: Int64
                    switch request.kind {
                    case .market: units = 0
                    case .limit(let price): units = price.units
                    }
                    actions += submit(trader: trader, isBuy: request.side == .buy, lots: request.quantity.lots, priceUnits: units, isClose: false,
                                      clientOrderID: nil)
                case .cancelAll:
                    actions += cancelAll(trader: trader)
                }
            }
        }
        return actions
    }
}
