import Exchange
import TapeCore
import Venues

/// Time in force of a Notional order (Hyperliquid's names; `Alo`, post-only, is not simulated).
public enum NotionalTimeInForce: String, Hashable, Sendable {
    /// Rests until cancelled.
    case gtc = "Gtc"
    /// Fills what it can at once; the rest is cancelled.
    case ioc = "Ioc"
}

/// Order entry standing in for the venue's REST API, which the WebSocket does not carry. Each
/// call acts at the market's current time and returns the pushes that follow (`orderUpdates`,
/// `userFills`, `userOrderRejections`, `accountSummary`, `activeAssetData`) for the connections
/// subscribed to them. An address without an account (it never subscribed) gets nothing: the
/// venue's REST API would refuse it.
extension NotionalSimulator {
    /// Market orders are IOC limit orders this far through the opposite best price (Hyperliquid's
    /// SDKs use 5 % slippage; the venue has no true market orders).
    static let marketSlippagePercent: Int64 = 5

    /// Places a limit order (`limitPrice` in USD) or, with `limitPrice` nil, a market order;
    /// `size` is in coins (BTC, a multiple of 0.001).
    public mutating func placeOrder(
        user: String, isBuy: Bool, size: FixedDecimal, limitPrice: FixedDecimal?, timeInForce: NotionalTimeInForce = .gtc,
        reduceOnly: Bool = false, cloid: String? = nil, at now: Timestamp
    ) -> [SimulatorAction] {
        guard let index = accountByUser[user] else { return [] }
        let lots = Self.exactMantissa(size, scale: 3) ?? 0
        var units: Int64?
        if let limitPrice {
            units = Self.exactMantissa(limitPrice, scale: 2) ?? -1
        }
        return submit(index, isBuy: isBuy, lots: lots, limitUnits: units, timeInForce: timeInForce, reduceOnly: reduceOnly, cloid: cloid)
    }

    /// The mantissa at `scale` when the value has no more digits than that (nil otherwise or on overflow).
    static func exactMantissa(_ value: FixedDecimal, scale: UInt8) -> Int64? {
        let normalized = value.normalized
        guard normalized.scale <= scale else { return nil }
        return normalized.mantissa(atScale: scale)
    }

    /// Cancels one resting order by `oid`; an unknown oid changes nothing (REST would answer an error).
    public mutating func cancelOrder(user: String, oid: UInt64, at now: Timestamp) -> [SimulatorAction] {
        guard let index = accountByUser[user], accounts[index].orders.contains(where: { $0.oid == oid }) else { return [] }
        let account = AccountID(accounts[index].account)
        return run { exchange, now in exchange.cancel(OrderID(oid), account: account, at: now) }
    }

    /// Cancels every resting order of an address.
    public mutating func cancelAll(user: String, at now: Timestamp) -> [SimulatorAction] {
        guard let index = accountByUser[user] else { return [] }
        let account = AccountID(accounts[index].account)
        return run { exchange, now in exchange.cancelAll(account: account, instrument: InstrumentID(0), at: now) }
    }

    /// Sets the (cross) leverage of an address; outside 1 … 50 or without the margin for it,
    /// nothing changes (REST would answer an error).
    public mutating func setLeverage(user: String, leverage: Int64, at now: Timestamp) -> [SimulatorAction] {
        guard let index = accountByUser[user] else { return [] }
        let account = AccountID(accounts[index].account)
        return run { exchange, now in exchange.setLeverage(leverage, account: account, instrument: InstrumentID(0), at: now) }
    }

    /// Validates the wire values, then sends the order to the exchange; refusals are pushed as
    /// `userOrderRejections` and a rejected `orderUpdates` entry.
    mutating func submit(
        _ index: Int, isBuy: Bool, lots: Int64, limitUnits: Int64?, timeInForce: NotionalTimeInForce, reduceOnly: Bool, cloid: String?
    ) -> [SimulatorAction] {
        var order = NotionalOrder(cloid: cloid, isBuy: isBuy, limitUnits: max(limitUnits ?? 0, 0), originalLots: max(lots, 0),
                                  remaining: max(lots, 0), timestamp: utcMillisNow)
        guard lots > 0 else { return reject(order, account: index, status: "rejected", "Order has invalid size.") }
        var tif = timeInForce
        if let limitUnits {
            guard limitUnits > 0 else { return reject(order, account: index, status: "rejected", "Order has invalid price.") }
        } else {
            let (bid, ask) = market.exchange.bestBidAsk()
            let tick = configuration.market.instrument.tickSize
            guard let best = isBuy ? ask : bid else {
                return reject(order, account: index, status: "iocCancelRejected",
                              "Order could not immediately match against any resting orders. asset=0")
            }
            let bound = isBuy ? best.units * (100 + Self.marketSlippagePercent) / 100 : best.units * (100 - Self.marketSlippagePercent) / 100
            order.limitUnits = isBuy ? bound / tick * tick : (bound + tick - 1) / tick * tick
            tif = .ioc
        }
        let tag = nextTag
        nextTag += 1
        accounts[index].pending[tag] = order
        let request = OrderRequest(side: isBuy ? .buy : .sell, kind: .limit(Price(units: order.limitUnits)), quantity: Quantity(lots: lots),
                                   timeInForce: tif == .gtc ? .goodTillCancelled : .immediateOrCancel, clientTag: tag, reduceOnly: reduceOnly)
        let account = AccountID(accounts[index].account)
        return run { exchange, now in exchange.submit(request, account: account, at: now) }
    }

    func reject(_ order: NotionalOrder, account index: Int, status: String, _ reason: String) -> [SimulatorAction] {
        rejection(order, account: index, status: status, reason)
    }

    /// One exchange call at the market's time, rendered.
    mutating func run(_ body: (inout Exchange, Timestamp) -> [ExchangeEvent]) -> [SimulatorAction] {
        let result = market.apply(body)
        return render(result.exchange)
    }

    /// Every address with `accountActivity` takes the steps that are due by the market's time.
    mutating func stepActivities() -> [SimulatorAction] {
        var actions: [SimulatorAction] = []
        for index in accounts.indices where accounts[index].activity != nil {
            while true {
                let account = AccountID(accounts[index].account)
                let position = market.exchange.position(of: account)?.quantity ?? 0
                let (bid, ask) = market.exchange.bestBidAsk()
                guard let step = accounts[index].activity?.step(at: market.now, position: position, bid: bid, ask: ask) else { break }
                switch step {
                case .submit(let request):
                    var units: Int64?
                    if case .limit(let price) = request.kind { units = price.units }
                    actions += submit(index, isBuy: request.side == .buy, lots: request.quantity.lots, limitUnits: units,
                                      timeInForce: .gtc, reduceOnly: false, cloid: nil)
                case .cancelAll:
                    actions += run { exchange, now in exchange.cancelAll(account: account, instrument: InstrumentID(0), at: now) }
                }
            }
        }
        return actions
    }

    public mutating func advanceMarket(to now: Timestamp, maxSteps: Int) -> [SimulatorAction] {
        var actions: [SimulatorAction] = []
        var steps = 0
        while market.now < now && steps < maxSteps {
            let funding = market.exchange.prices().nextFunding
            let events = market.next()
            steps += 1
            guard !accounts.isEmpty else { continue }
            let liquidated = events.compactMap { if case .liquidation(_, let position, _) = $0 { position } else { nil } }
            actions += reconcile(liquidated: liquidated)
            actions += stepActivities()
            // Accounts change by our own orders (refreshed as they are rendered), by fills of resting
            // orders (reconcile refreshes), and otherwise only with the mark (PnL, liquidation) or funding.
            let moved = events.contains {
                switch $0 {
                case .markPrice, .fundingRate, .liquidation: true
                case .bookSnapshot, .bookDelta, .trade, .ticker, .indexPrice: false
                }
            }
            if moved || market.exchange.prices().nextFunding != funding {
                observeAccounts()  // a liquidation moves positions without our orders
                actions += refreshed()
            }
        }
        return actions
    }
}
