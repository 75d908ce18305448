import TapeCore

extension MarketDataGenerator {
    /// Index = fair price; mark = index + half the book's premium, capped at 0.5 % of the index
    /// (a fair-price mark in the spirit of Digitex markPx/fairPx); funding rate = premium ÷ 3,
    /// capped by the instrument.
    mutating func publishPrices(into out: inout [MarketDataEvent]) {
        let index = fair
        let (bid, ask) = exchange.bestBidAsk()
        var mark = index
        if let bid, let ask {
            let premium = (bid.units + ask.units) / 2 - index
            let cap = index / 200
            mark = index + min(max(premium / 2, -cap), cap)
        }
        var events = exchange.updateIndexPrice(Price(units: index), at: now)
        events += exchange.updateMarkPrice(Price(units: mark), at: now)
        exchange.setFundingRate(Rate(perHundredMillion: (mark - index) * Rate.scale / index / 3))
        translate(events, into: &out)
        let rate = exchange.fundingRate().perHundredMillion
        if rate != lastFundingRate {
            out.append(.fundingRate(time: now, rate: Rate(perHundredMillion: rate), next: exchange.prices().nextFunding))
            lastFundingRate = rate
        }
        nextIndex = now.nanoseconds + config.indexIntervalNanos
    }

    /// Turns the exchange's events into public ones: trades, prices and liquidations.
    mutating func translate(_ events: [ExchangeEvent], into out: inout [MarketDataEvent]) {
        for event in events {
            switch event {
            case .trade(let trade):
                out.append(.trade(time: trade.time, id: trade.id, price: trade.price, quantity: trade.quantity, aggressor: trade.takerSide))
                volume += trade.quantity.lots
                lastQuantity = trade.quantity.lots
            case .markPrice(_, let price, let time):
                out.append(.markPrice(time: time, price: price))
            case .indexPrice(_, let price, let time):
                out.append(.indexPrice(time: time, price: price))
            case .liquidation(let liquidation):
                out.append(.liquidation(time: liquidation.time, position: liquidation.position, price: liquidation.bankruptcyPrice))
            case .orderAccepted, .rejected, .orderCancelled, .orderAmended, .leverageChanged, .funding,
                 .triggerAccepted, .triggerFired, .triggerCancelled:
                break
            }
        }
    }

    /// Deltas for the levels within the published depth that changed (bids then asks, best
    /// first; quantity 0 for a level that left), then a full snapshot when one is due. Within
    /// one step the deltas may pass through a crossed state (bids are listed before asks); the
    /// book is uncrossed after each step's last delta.
    mutating func publishBook(into out: inout [MarketDataEvent]) {
        let depth = config.publishedDepth
        let bids = exchange.depth(.buy, levels: depth)
        let asks = exchange.depth(.sell, levels: depth)
        Self.diff(old: published.bids, new: bids, side: .buy, time: now, into: &out)
        Self.diff(old: published.asks, new: asks, side: .sell, time: now, into: &out)
        if now.nanoseconds >= nextSnapshot {
            out.append(.bookSnapshot(time: now, bids: bids, asks: asks))
            nextSnapshot = now.nanoseconds + config.snapshotIntervalNanos
        }
        published = (bids, asks)
    }

    /// Deltas between two best-first ladders (bids descending, asks ascending).
    static func diff(old: [BookLevel], new: [BookLevel], side: Side, time: Timestamp, into out: inout [MarketDataEvent]) {
        func better(_ a: Price, _ b: Price) -> Bool { side == .buy ? a > b : a < b }
        var i = 0, j = 0
        while i < old.count || j < new.count {
            if j == new.count || (i < old.count && better(old[i].price, new[j].price)) {
                out.append(.bookDelta(time: time, side: side, price: old[i].price, quantity: Quantity(lots: 0)))
                i += 1
            } else if i == old.count || better(new[j].price, old[i].price) {
                out.append(.bookDelta(time: time, side: side, price: new[j].price, quantity: new[j].quantity))
                j += 1
            } else {
                if old[i].quantity != new[j].quantity {
                    out.append(.bookDelta(time: time, side: side, price: new[j].price, quantity: new[j].quantity))
                }
                i += 1
                j += 1
            }
        }
    }

    func ticker() -> Ticker {
        let bid = exchange.depth(.buy, levels: 1).first
        let ask = exchange.depth(.sell, levels: 1).first
        let prices = exchange.prices()
        return Ticker(
            time: now, bid: bid?.price, bidQuantity: bid?.quantity ?? Quantity(lots: 0), ask: ask?.price,
            askQuantity: ask?.quantity ?? Quantity(lots: 0), last: prices.last, lastQuantity: Quantity(lots: lastQuantity),
            volume: volume, openInterest: exchange.openInterest(), fundingRate: exchange.fundingRate(),
            nextFunding: prices.nextFunding)
    }
}
