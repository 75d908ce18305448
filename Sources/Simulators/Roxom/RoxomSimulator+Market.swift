import Exchange
import TapeCore
import Venues

/// The generated market: public channels, what it does to the accounts' resting orders, positions
/// and balances, and the accounts' own activity.
extension RoxomSimulator {
    public mutating func advanceMarket(to now: Timestamp, maxSteps: Int) -> [SimulatorAction] {
        var actions: [SimulatorAction] = []
        var steps = 0
        while market.now < now && steps < maxSteps {
            let events = market.next()
            steps += 1
            actions += publish(events)
            guard !traders.isEmpty else { continue }
            actions += reconcile()
            actions += activity()
        }
        return actions
    }

    /// Orders the accounts place on their own (`Configuration.accountActivity`), due by the market's time.
    mutating func activity() -> [SimulatorAction] {
        var actions: [SimulatorAction] = []
        for trader in traders.indices {
            while var activity = traders[trader].activity {
                let position = market.exchange.position(of: AccountID(traders[trader].account))?.quantity ?? 0
                let (bid, ask) = market.exchange.bestBidAsk()
                let step = activity.step(at: market.now, position: position, bid: bid, ask: ask)
                traders[trader].activity = activity
                guard let step else { break }
                switch step {
                case .submit(let request):
                    actions += submit(request, trader: trader, clientOrderID: nil)
                case .cancelAll:
                    let account = AccountID(traders[trader].account)
                    actions += run { exchange, now in exchange.cancelAll(account: account, instrument: InstrumentID(0), at: now) }
                }
            }
        }
        return actions
    }

    /// What the generated market did to the accounts since they were last told: fills of resting
    /// orders (as makers, at the order's price), orders it removed (liquidation), funding.
    mutating func reconcile() -> [SimulatorAction] {
        var actions: [SimulatorAction] = []
        let spec = configuration.market.instrument
        for trader in traders.indices {
            let position = market.exchange.position(of: AccountID(traders[trader].account))?.quantity ?? 0
            var unexplained = position - traders[trader].position.lots
            var fills = false
            for order in traders[trader].orders {
                let remaining = market.exchange.order(OrderID(order.exchangeID))?.remaining.lots ?? 0
                guard remaining != order.remaining else { continue }
                let lots = order.remaining - remaining
                let signed = order.side == .buy ? lots : -lots
                if remaining == 0, unexplained == 0 || (unexplained > 0) != (signed > 0) {
                    // Gone without a matching position change: the exchange removed it.
                    traders[trader].orders.removeAll { $0.exchangeID == order.exchangeID }
                    actions += push(orderPush(trader, order, status: "cancelled", reason: "liquidation"), to: trader)
                    continue
                }
                unexplained -= signed
                let notional = order.priceUnits * lots * spec.cashPerPriceUnitPerLot
                let fee = (notional * spec.makerFee.perHundredMillion + Rate.scale - 1) / Rate.scale
                actions += filled(trader, exchangeID: order.exchangeID, lots: lots, priceUnits: order.priceUnits, remaining: remaining, fee: fee)
                fills = true
            }
            let liquidated = position == 0 && traders[trader].position.lots != 0
            actions += accountChanges(trader, updateType: fills ? "ordersettle" : liquidated ? "liquidation" : "funding")
        }
        return actions
    }

    /// Market data for one batch of market events, to every connection subscribed to it.
    mutating func publish(_ events: [MarketDataEvent]) -> [SimulatorAction] {
        let symbol = configuration.symbol
        let listeners = connections.filter { !(sessions[$0]?.subscriptions.isEmpty ?? true) }
        guard !events.isEmpty, !listeners.isEmpty else { return [] }
        func wanted(_ channel: String) -> Bool { listeners.contains { sessions[$0]?.wants(channel, symbol: symbol) ?? false } }
        let depth = wanted("depth")
        var frames: [(channel: String, bytes: [UInt8])] = []
        var bids: [(Int64, Int64)] = []
        var asks: [(Int64, Int64)] = []
        var deltaTime = market.now
        var bookChanged = false
        for event in events {
            switch event {
            case .bookSnapshot(let time, let snapshotBids, let snapshotAsks):
                bookChanged = true
                guard depth else { continue }
                // Deltas before a snapshot are superseded by it.
                bids = []
                asks = []
                frames.append(("depth", depthFrame("snapshot", time: time, bids: snapshotBids.map { ($0.price.units, $0.quantity.lots) },
                                                   asks: snapshotAsks.map { ($0.price.units, $0.quantity.lots) })))
            case .bookDelta(let time, let side, let price, let quantity):
                bookChanged = true
                deltaTime = time
                guard depth else { continue }
                // One entry per price in a delta: the last change wins.
                if side == .buy {
                    bids.removeAll { $0.0 == price.units }
                    bids.append((price.units, quantity.lots))
                } else {
                    asks.removeAll { $0.0 == price.units }
                    asks.append((price.units, quantity.lots))
                }
            case .trade(let time, let id, let price, let quantity, let aggressor):
                guard wanted("trade") else { continue }
                frames.append(("trade", envelope("trade", type: "snapshot", time: time, [
                    ("symbol", .string(symbol)), ("tradeId", .string(String(id))), ("price", self.price(price.units)),
                    ("qty", orderSize(quantity.lots)), ("side", .string(aggressor == .buy ? "buy" : "sell")),
                    ("timestamp", .int(utc(time))),
                ])))
            case .ticker(let ticker):
                guard wanted("ticker") else { continue }
                frames.append(("ticker", tickerFrame(ticker)))
            case .indexPrice, .markPrice, .fundingRate, .liquidation:
                continue
            }
        }
        if !bids.isEmpty || !asks.isEmpty { frames.append(("depth", depthFrame("delta", time: deltaTime, bids: bids, asks: asks))) }
        if bookChanged, wanted("level1") {
            let bid = market.exchange.depth(.buy, levels: 1).first
            let ask = market.exchange.depth(.sell, levels: 1).first
            let top: [Int64] = [bid?.price.units ?? 0, bid?.quantity.lots ?? 0, ask?.price.units ?? 0, ask?.quantity.lots ?? 0]
            if top != publishedTop {
                publishedTop = top
                frames.append(("level1", level1()))
            }
        }
        var actions: [SimulatorAction] = []
        for connection in listeners {
            guard let session = sessions[connection] else { continue }
            for frame in frames where session.wants(frame.channel, symbol: symbol) { actions.append(.send(connection, .text, frame.bytes)) }
        }
        return actions
    }

    /// The published depth now, as a `snapshot` (what a new `depth` subscription starts with).
    func depthSnapshot() -> [UInt8] {
        let levels = configuration.market.publishedDepth
        let bids = market.exchange.depth(.buy, levels: levels).map { ($0.price.units, $0.quantity.lots) }
        let asks = market.exchange.depth(.sell, levels: levels).map { ($0.price.units, $0.quantity.lots) }
        return depthFrame("snapshot", time: market.now, bids: bids, asks: asks)
    }

    /// `level1.SYMBOL`: best bid and ask as `[price, size]` (an empty array for an empty side).
    func level1() -> [UInt8] {
        func best(_ side: ExchangeSide) -> JSONOutput {
            guard let level = market.exchange.depth(side, levels: 1).first else { return .array([]) }
            return .array([price(level.price.units), orderSize(level.quantity.lots)])
        }
        return envelope("level1", type: "snapshot", time: market.now, [
            ("symbol", .string(configuration.symbol)), ("bid", best(.buy)), ("ask", best(.sell)), ("timestamp", .int(utc(market.now))),
        ])
    }

    private func depthFrame(_ type: String, time: Timestamp, bids: [(Int64, Int64)], asks: [(Int64, Int64)]) -> [UInt8] {
        func levels(_ side: [(Int64, Int64)]) -> JSONOutput { .array(side.map { .array([price($0.0), orderSize($0.1)]) }) }
        return envelope("depth", type: type, time: time, [
            ("symbol", .string(configuration.symbol)), ("bid", levels(bids)), ("ask", levels(asks)), ("timestamp", .int(utc(time))),
        ])
    }

    private func tickerFrame(_ ticker: ExchangeTicker) -> [UInt8] {
        let prices = market.exchange.prices()
        return envelope("ticker", type: "snapshot", time: ticker.time, [
            ("symbol", .string(configuration.symbol)), ("lastPrice", ticker.last.map { price($0.units) } ?? .null),
            ("bestBid", ticker.bid.map { price($0.units) } ?? .null), ("bestAsk", ticker.ask.map { price($0.units) } ?? .null),
            ("markPrice", prices.mark.map { price($0.units) } ?? .null), ("indexPrice", prices.index.map { price($0.units) } ?? .null),
            ("volume", orderSize(ticker.volume)), ("openInterest", orderSize(ticker.openInterest)),
            ("fundingRate", .string(FixedDecimal(mantissa: ticker.fundingRate.perHundredMillion, scale: 8).description)),
            ("nextFundingTime", .int(utc(ticker.nextFunding))), ("timestamp", .int(utc(ticker.time))),
        ])
    }

    /// `{"topic":"<channel>.<symbol>","type":…,"createdTime":ns,"data":{…}}`.
    private func envelope(_ channel: String, type: String, time: Timestamp, _ data: [(String, JSONOutput)]) -> [UInt8] {
        JSONOutput.object([
            ("topic", .string("\(channel).\(configuration.symbol)")), ("type", .string(type)), ("createdTime", .int(utc(time))),
            ("data", .object(data)),
        ]).bytes
    }

    func utc(_ time: Timestamp) -> Int64 { configuration.market.utcNanosAtZero + time.nanoseconds }
}
