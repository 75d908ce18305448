import Exchange
import TapeCore
import Testing

/// The generator's events as canonical bytes: one line per event.
func bytes(seed: UInt64, until end: Timestamp, config: MarketDataConfig = MarketDataConfig()) -> [UInt8] {
    var generator = MarketDataGenerator(seed: seed, config: config)
    return Array(generator.run(until: end).map(\.description).joined(separator: "\n").utf8)
}

/// FNV-1a, 64 bits.
func digest(_ bytes: [UInt8]) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
    return hash
}

@Suite("Market-data generator")
struct MarketDataGeneratorTests {
    @Test("the same seed gives byte-identical events; another seed gives different ones")
    func determinism() {
        let first = bytes(seed: 42, until: seconds(120))
        let again = bytes(seed: 42, until: seconds(120))
        let other = bytes(seed: 43, until: seconds(120))
        #expect(first.count > 100_000)
        #expect(first == again)
        #expect(digest(first) == digest(again))
        #expect(digest(first) != digest(other))
    }

    @Test("snapshots plus deltas rebuild every later snapshot; books are never crossed")
    func deltasRebuildTheBook() {
        var generator = MarketDataGenerator(seed: 9, config: MarketDataConfig(publishedDepth: 10, snapshotIntervalNanos: 20_000_000_000))
        var bids: [Price: Quantity] = [:], asks: [Price: Quantity] = [:]
        var snapshots = 0, deltas = 0
        var stepTime = Timestamp.zero
        func uncrossed() -> Bool {
            guard let bestBid = bids.keys.max(), let bestAsk = asks.keys.min() else { return true }
            return bestBid < bestAsk
        }
        for event in generator.run(until: seconds(180)) {
            if case .bookDelta(let time, _, _, _) = event, time != stepTime {
                #expect(uncrossed(), "book crossed after the step at \(stepTime)")
                stepTime = time
            }
            switch event {
            case .bookSnapshot(_, let b, let a):
                if snapshots > 0 {
                    // Compare as sorted ladders, never in dictionary order.
                    #expect(bids.keys.sorted(by: >) == b.map(\.price))
                    #expect(b.allSatisfy { bids[$0.price] == $0.quantity })
                    #expect(a.allSatisfy { asks[$0.price] == $0.quantity } && a.count == asks.count)
                }
                if let bestBid = b.first?.price, let bestAsk = a.first?.price { #expect(bestBid < bestAsk) }
                bids = Dictionary(uniqueKeysWithValues: b.map { ($0.price, $0.quantity) })
                asks = Dictionary(uniqueKeysWithValues: a.map { ($0.price, $0.quantity) })
                snapshots += 1
            case .bookDelta(_, let side, let price, let quantity):
                deltas += 1
                switch side {
                case .buy: bids[price] = quantity.lots == 0 ? nil : quantity
                case .sell: asks[price] = quantity.lots == 0 ? nil : quantity
                }
            case .trade, .ticker, .indexPrice, .markPrice, .fundingRate, .liquidation:
                break
            }
        }
        #expect(snapshots >= 9)
        #expect(deltas > 1_000)
    }

    @Test("the market trades, moves, publishes tickers and index prices, and keeps the exchange's invariants")
    func structure() {
        var generator = MarketDataGenerator(seed: 5)
        let events = generator.run(until: seconds(600))
        let trades = events.compactMap { if case .trade(_, _, let price, let quantity, _) = $0 { return (price, quantity) } else { return nil } }
        let index = events.compactMap { if case .indexPrice(_, let price) = $0 { return price } else { return nil } }
        let tickers = events.filter { if case .ticker = $0 { return true } else { return false } }
        #expect(trades.count > 1_000)
        #expect(Set(trades.map(\.0)).count > 5)
        #expect(index.count >= 590 && index.count <= 610)
        #expect(tickers.count >= 590)
        #expect(index.min()! < index.max()!)
        #expect(generator.exchange.invariantViolation() == nil)
        // Time only moves forward through the stream.
        var last = Timestamp.zero
        for event in events {
            let time: Timestamp
            switch event {
            case .bookSnapshot(let t, _, _), .bookDelta(let t, _, _, _), .trade(let t, _, _, _, _), .indexPrice(let t, _),
                 .markPrice(let t, _), .fundingRate(let t, _, _), .liquidation(let t, _, _):
                time = t
            case .ticker(let ticker):
                time = ticker.time
            }
            #expect(time >= last)
            last = time
        }
    }

    @Test("a simulator's own order trades against the generated book and shows up in the public data")
    func applyUserOrder() {
        var generator = MarketDataGenerator(seed: 3)
        _ = generator.run(until: seconds(5))
        var user = AccountID(0)
        let result = generator.apply { exchange, now in
            user = exchange.openAccount(deposit: Cash(units: 1_000_000))
            return exchange.submit(.market(.buy, 5), account: user, at: now)
        }
        #expect(result.exchange.trades.reduce(0) { $0 + $1.quantity.lots } == 5)
        #expect(result.market.contains { if case .trade = $0 { return true } else { return false } })
        #expect(generator.exchange.position(of: user)?.quantity == 5)
    }
}
