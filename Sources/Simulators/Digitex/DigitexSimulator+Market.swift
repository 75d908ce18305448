import Exchange
import TapeCore
import Venues

/// The public feed and what the generated market does to traders' orders and positions.
extension DigitexSimulator {
    public mutating func advanceMarket(to now: Timestamp, maxSteps: Int) -> [SimulatorAction] {
        var actions: [SimulatorAction] = []
        var steps = 0
        while market.now < now && steps < maxSteps {
            let events = market.next()
            steps += 1
            actions += publish(events)
            if !traders.isEmpty { actions += reconcile() }
        }
        return actions
    }

    /// The public channels for one batch of market events, to every subscribed session.
    mutating func publish(_ events: [MarketDataEvent]) -> [SimulatorAction] {
        guard !events.isEmpty, connections.contains(where: { !(sessions[$0]?.feed.isEmpty ?? true) }) else { return [] }
        var bookChanged = false
        var trades: [JSONOutput] = []
        var tickers: [JSONOutput] = []
        var pricesChanged = false
        var funding: JSONOutput?
        var liquidations: [JSONOutput] = []
        let symbol = JSONOutput.string(configuration.symbol)
        for event in events {
            switch event {
            case .bookSnapshot, .bookDelta:
                bookChanged = true
            case .trade(let time, _, let price, let quantity, let aggressor):
                trades.append(.object([("px", usd(price)), ("qty", .int(quantity.lots)), ("side", .string(sideText(aggressor))), ("ts", .int(millis(time)))]))
            case .ticker(let ticker):
                tickers.append(tickerJSON(ticker))
            case .indexPrice, .markPrice:
                pricesChanged = true
            case .fundingRate(let time, let rate, _):
                funding = .object([("symbol", symbol), ("ts", .int(millis(time))),
                                   ("rate", .number(FixedDecimal(mantissa: rate.perHundredMillion, scale: 8).normalized))])
            case .liquidation(let time, let position, let price):
                liquidations.append(.object([("ts", .int(millis(time))), ("qty", .int(abs(position))), ("px", usd(price)),
                                             ("type", .string(position > 0 ? "LONG" : "SHORT"))]))
            }
        }
        var frames: [(wants: (DigitexFeed) -> Bool, bytes: [UInt8])] = []
        func frame(_ channel: String, _ data: JSONOutput) -> [UInt8] {
            JSONOutput.object([("ch", .string(channel)), ("data", data)]).bytes
        }
        if bookChanged {
            var depths: [Int] = []
            for connection in connections { for depth in sessions[connection]?.feed.bookDepths ?? [] where !depths.contains(depth) { depths.append(depth) } }
            for depth in depths.sorted() {
                let bytes = frame("orderbook_\(depth)", orderBook(depth: depth))
                frames.append(({ $0.bookDepths.contains(depth) }, bytes))
            }
        }
        if !trades.isEmpty {
            frames.append(({ $0.trades }, frame("trades", .object([("symbol", symbol), ("trades", .array(trades))]))))
        }
        for ticker in tickers { frames.append(({ $0.ticker }, frame("ticker", ticker))) }
        if pricesChanged {
            let prices = market.exchange.prices()
            var members: [(String, JSONOutput)] = [("indexSymbol", .string(".DGTXBTCUSD")), ("ts", .int(utcMillisNow))]
            if let mark = prices.mark { members.append(("markPx", usd(mark))) }
            if let index = prices.index { members += [("fairPx", usd(index)), ("spotPx", usd(index))] }
            frames.append(({ $0.index }, frame("index", .object(members))))
        }
        if let funding { frames.append(({ $0.fundingInfo }, frame("fundingInfo", funding))) }
        if !liquidations.isEmpty {
            frames.append(({ $0.liquidations }, frame("liquidations", .object([("symbol", symbol), ("positions", .array(liquidations))]))))
        }
        var actions: [SimulatorAction] = []
        for connection in connections {
            guard let feed = sessions[connection]?.feed, !feed.isEmpty else { continue }
            for (wants, bytes) in frames where wants(feed) { actions.append(.send(connection, .text, bytes)) }
        }
        return actions
    }

    private func orderBook(depth: Int) -> JSONOutput {
        func levels(_ side: ExchangeSide) -> JSONOutput {
            .array(market.exchange.depth(side, levels: depth).map { .array([usd($0.price), .int($0.quantity.lots)]) })
        }
        return .object([("symbol", .string(configuration.symbol)), ("ts", .int(utcMillisNow)), ("bids", levels(.buy)), ("asks", levels(.sell))])
    }

    private func tickerJSON(_ ticker: ExchangeTicker) -> JSONOutput {
        var members: [(String, JSONOutput)] = [("symbol", .string(configuration.symbol)), ("closeTime", .int(millis(ticker.time)))]
        if let bid = ticker.bid { members += [("bidPx", usd(bid)), ("bidQty", .int(ticker.bidQuantity.lots))] }
        if let ask = ticker.ask { members += [("askPx", usd(ask)), ("askQty", .int(ticker.askQuantity.lots))] }
        if let last = ticker.last { members += [("lastPx", usd(last)), ("lastQty", .int(ticker.lastQuantity.lots))] }
        if let mark = market.exchange.prices().mark { members.append(("markPx", usd(mark))) }
        members += [
            ("volume24h", .int(ticker.volume)), ("fundingRate", .number(FixedDecimal(mantissa: ticker.fundingRate.perHundredMillion, scale: 8).normalized)),
            ("nextFundingTime", .int(millis(ticker.nextFunding))), ("openInterest", .int(ticker.openInterest)),
        ]
        return .object(members)
    }

    /// After a generated step: the generator's orders may have filled traders' resting orders,
    /// expired them, fired their conditional orders, paid funding or liquidated them. The core
    /// reports those events to the generator only, so each trader's state is compared with what
    /// the last push told it, and the difference goes out as the pushes Digitex would send.
    mutating func reconcile() -> [SimulatorAction] {
        var actions: [SimulatorAction] = []
        for trader in traders.indices {
            let account = traders[trader].account
            guard let position = market.exchange.position(of: account) else { continue }
            let idle = traders[trader].orders.isEmpty && traders[trader].conditionals.isEmpty
                && position.quantity == 0 && traders[trader].observedPosition == 0
            if idle { continue }
            var unexplained = position.quantity - traders[trader].observedPosition
            var vanished: [Int] = []
            var fills: [(index: Int, lots: Int64, remaining: Int64)] = []
            for (index, order) in traders[trader].orders.enumerated() {
                let remaining = market.exchange.order(order.id)?.remaining.lots ?? 0
                guard remaining != order.remaining else { continue }
                if remaining == 0 { vanished.append(index) }
                fills.append((index, order.remaining - remaining, remaining))
            }
            // Orders that vanished without a matching position change expired (GTF, GFD).
            let explained = fills.reduce(Int64(0)) { $0 + $1.lots * traders[trader].orders[$1.index].details.side.sign }
            var expired: [Int] = []
            if explained != unexplained {
                for index in vanished {
                    expired.append(index)
                    fills.removeAll { $0.index == index }
                }
            }
            let expiredIDs = expired.map { traders[trader].orders[$0].id }
            // Fills of resting orders are at their own price (the maker's); apply the last index first
            // so that removing a filled order does not move the others.
            for fill in fills.sorted(by: { $0.index > $1.index }) {
                let order = traders[trader].orders[fill.index]
                guard let price = order.details.price else { continue }
                unexplained -= fill.lots * order.details.side.sign
                actions += filled(trader, order: order.id, remaining: fill.remaining, side: order.details.side,
                                  price: price, quantity: fill.lots, isMaker: true)
            }
            if !expiredIDs.isEmpty { actions += cancelledPush(trader, orders: expiredIDs, status: "EXPIRED") }
            // Fired conditional orders and anything else unexplained: a full snapshot puts the client right.
            let waiting = market.exchange.waitingTriggers
            var fired = false
            while let index = traders[trader].conditionals.firstIndex(where: { conditional in !waiting.contains { $0.id == conditional.trigger } }) {
                let conditional = traders[trader].conditionals.remove(at: index)
                actions += push("condOrderStatus", .object([
                    ("symbol", .string(configuration.symbol)), ("status", .string("TRIGGERED")),
                    ("conditionalOrders", .array([conditionalJSON(conditional.request, actionId: generatedID(), old: conditional.actionId, time: utcMillisNow)])),
                ]), to: trader)
                traders[trader].pending.removeValue(forKey: conditional.tag)
                fired = true
            }
            guard let after = market.exchange.position(of: account) else { continue }
            if after.funding != traders[trader].observedFunding, after.quantity == traders[trader].observedPosition, after.quantity != 0 {
                actions += fundingPush(trader, amount: after.funding - traders[trader].observedFunding, lots: abs(after.quantity))
            } else if after.quantity == 0, traders[trader].observedPosition != 0, !fired {
                // Taken over by the exchange: the position push of a liquidation.
                let terminated = traders[trader].orders.map(\.current)
                traders[trader].orders.removeAll()
                actions += liquidationPush(trader, terminated: terminated, change: .zero)
            } else if fired || after.quantity != traders[trader].observedPosition || after.funding != traders[trader].observedFunding {
                adoptUnseenOrders(trader)
                actions += push("traderStatus", traderStatus(trader), to: trader)
                traders[trader].observedFunding = after.funding
            }
        }
        return actions
    }

    /// Orders a fired conditional order placed: tracked under the conditional order's clOrdId.
    private mutating func adoptUnseenOrders(_ trader: Int) {
        let account = traders[trader].account
        for order in market.exchange.openOrders(of: account) where !traders[trader].orders.contains(where: { $0.id == order.id }) {
            let details = DigitexPendingOrder(
                clOrdId: generatedID(), side: order.side, isMarket: order.price == nil, timeInForce: "GTC", price: order.price,
                quantity: order.remaining.lots + order.filled.lots,
                leverage: market.exchange.position(of: account)?.leverage ?? configuration.market.instrument.defaultLeverage)
            traders[trader].orders.append(DigitexTrackedOrder(
                id: order.id, original: details.clOrdId, current: details.clOrdId, details: details,
                remaining: order.remaining.lots, openTimeMillis: millis(order.time)))
        }
    }
}
