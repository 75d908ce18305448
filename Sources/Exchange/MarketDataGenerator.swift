import TapeCore

/// Deterministic synthetic market data: a seeded market drives a real `Exchange` and publishes
/// what a venue would (book snapshots and deltas, trades, tickers, index, mark, funding rate).
///
/// The fair price is a random walk whose volatility switches between calm (σ = 1/20 tick per
/// step), volatile (1/6 tick) and burst (1/2 tick, ten times faster, 50–300 steps) regimes; liquidity providers quote and cancel around it; takers cross the spread, leaning
/// toward the fair price. Only integer arithmetic and `SeededRandom`: the same seed gives the
/// same events, byte for byte, on every machine.
public struct MarketDataGenerator: Sendable {
    enum Regime {
        case calm
        case volatile
        /// Fast, aggressive trading for a number of steps.
        case burst(stepsLeft: Int)
    }

    public let config: MarketDataConfig
    /// The exchange the market trades on; simulators route their users' orders through `apply`.
    public internal(set) var exchange: Exchange
    private var random: SeededRandom
    var regime = Regime.calm
    var fair: Int64
    var time: Int64 = 0
    var nextIndex: Int64 = 0
    var nextTicker: Int64 = 0
    var nextSnapshot: Int64 = 0
    var lastFundingRate: Int64 = .min
    var volume: Int64 = 0
    var lastQuantity: Int64 = 0
    var published: (bids: [BookLevel], asks: [BookLevel]) = ([], [])
    private let providers: [AccountID]
    private let takers: [AccountID]
    private let instrument = InstrumentID(0)

    public init(seed: UInt64, config: MarketDataConfig = MarketDataConfig()) {
        self.config = config
        random = SeededRandom(seed: seed)
        fair = config.startPrice.units
        var exchange = Exchange(config: ExchangeConfig(instruments: [config.instrument], utcNanosAtZero: config.utcNanosAtZero))
        let deposit = Cash(units: 1_000_000_000)
        providers = (0..<config.providers).map { _ in exchange.openAccount(deposit: deposit) }
        takers = (0..<config.takers).map { _ in exchange.openAccount(deposit: deposit) }
        for account in providers + takers {
            _ = exchange.setLeverage(config.instrument.maxLeverage, account: account, instrument: InstrumentID(0), at: .zero)
        }
        self.exchange = exchange
    }

    /// The simulated time of the latest event.
    public var now: Timestamp { Timestamp(nanoseconds: time) }

    /// Runs one market action (after the first call, which opens the book) and returns what
    /// the venue publishes because of it, in order.
    public mutating func next() -> [MarketDataEvent] {
        var out: [MarketDataEvent] = []
        if time == 0 && nextSnapshot == 0 {
            openBook()
            publishPrices(into: &out)
        } else {
            time += wait()
            moveFair()
            if time >= nextIndex { publishPrices(into: &out) }
            let events = act()
            translate(events, into: &out)
        }
        publishBook(into: &out)
        if time >= nextTicker {
            out.append(.ticker(ticker()))
            nextTicker = time + config.tickerIntervalNanos
        }
        return out
    }

    /// Events until simulated time reaches `end`.
    public mutating func run(until end: Timestamp) -> [MarketDataEvent] {
        var out: [MarketDataEvent] = []
        while time < end.nanoseconds { out += next() }
        return out
    }

    /// Lets a simulator act on the same exchange (e.g. a user's order) at the market's current
    /// time; returns the exchange's events and what the venue publishes because of them.
    public mutating func apply(_ body: (inout Exchange, Timestamp) -> [ExchangeEvent]) -> (exchange: [ExchangeEvent], market: [MarketDataEvent]) {
        let events = body(&exchange, now)
        var out: [MarketDataEvent] = []
        translate(events, into: &out)
        publishBook(into: &out)
        return (events, out)
    }

    // MARK: - The market

    private mutating func wait() -> Int64 {
        let mean: Int64
        switch regime {
        case .calm: mean = config.meanStepNanos
        case .volatile: mean = config.meanStepNanos / 2
        case .burst: mean = max(1, config.meanStepNanos / 10)
        }
        return random.int(in: 1...(2 * mean))
    }

    private mutating func moveFair() {
        let tick = config.instrument.tickSize
        let scale: Int64
        switch regime {
        case .calm:
            scale = tick / 20
            if random.chance(1, in: 2_000) { regime = .volatile } else if random.chance(1, in: 3_000) {
                regime = .burst(stepsLeft: Int(random.int(in: 50...300)))
            }
        case .volatile:
            scale = tick / 6
            if random.chance(1, in: 500) { regime = .calm }
        case .burst(let left):
            scale = tick / 2
            regime = left <= 1 ? .calm : .burst(stepsLeft: left - 1)
        }
        fair = max(100 * tick, fair + random.bell(scale: scale))
    }

    private var isBurst: Bool {
        switch regime {
        case .burst: return true
        case .calm, .volatile: return false
        }
    }

    /// One action: a provider quotes or cancels, or a taker crosses the spread.
    private mutating func act() -> [ExchangeEvent] {
        let roll = random.next(below: 100)
        let (quote, cancel): (UInt64, UInt64)
        switch regime {
        case .calm: (quote, cancel) = (55, 85)
        case .volatile: (quote, cancel) = (45, 75)
        case .burst: (quote, cancel) = (30, 50)
        }
        if roll < quote { return quoteOnce() }
        if roll < cancel { return cancelOnce() }
        return takeOnce()
    }

    private mutating func quoteOnce() -> [ExchangeEvent] {
        let account = providers[Int(random.next(below: UInt64(providers.count)))]
        let open = exchange.openOrders(of: account, in: instrument)
        if open.count >= config.maxOrdersPerProvider, let farthest = farthestFromFair(open) {
            return exchange.cancel(farthest, account: account, at: now)
        }
        let tick = config.instrument.tickSize
        let bidTop = max(tick, (fair - tick / 2) / tick * tick)
        let offset = Int64(random.next(below: 3)) + (random.chance(1, in: 3) ? Int64(random.next(below: 12)) : 0)
        let side: Side = random.chance(1, in: 2) ? .buy : .sell
        let price = side == .buy ? max(tick, bidTop - offset * tick) : bidTop + tick + offset * tick
        let lots = 1 + Int64(random.next(below: 50)) + (random.chance(1, in: 10) ? Int64(random.next(below: 500)) : 0)
        return exchange.submit(.limit(side, lots, at: price), account: account, at: now)
    }

    private mutating func cancelOnce() -> [ExchangeEvent] {
        let account = providers[Int(random.next(below: UInt64(providers.count)))]
        let open = exchange.openOrders(of: account, in: instrument)
        guard !open.isEmpty else { return quoteOnce() }
        let target = random.chance(1, in: 2) ? farthestFromFair(open)! : open[Int(random.next(below: UInt64(open.count)))].id
        return exchange.cancel(target, account: account, at: now)
    }

    private mutating func takeOnce() -> [ExchangeEvent] {
        let account = takers[Int(random.next(below: UInt64(takers.count)))]
        let (bid, ask) = exchange.bestBidAsk(instrument: instrument)
        let mid = (bid?.units ?? fair) / 2 + (ask?.units ?? fair) / 2
        let leanBuy: UInt64 = fair > mid ? 70 : 30
        let side: Side = random.next(below: 100) < leanBuy ? .buy : .sell
        let lots = 1 + Int64(random.next(below: isBurst ? 100 : 30))
        if random.chance(7, in: 10) { return exchange.submit(.market(side, lots), account: account, at: now) }
        let tick = config.instrument.tickSize
        let reach = Int64(random.next(below: 4)) * tick
        guard let best = side == .buy ? ask : bid else { return exchange.submit(.market(side, lots), account: account, at: now) }
        let limit = side == .buy ? best.units + reach : max(tick, best.units - reach)
        return exchange.submit(.limit(side, lots, at: limit, .immediateOrCancel), account: account, at: now)
    }

    private func farthestFromFair(_ orders: [OrderSnapshot]) -> OrderID? {
        var best: (OrderID, Int64)?
        for order in orders {
            let distance = abs((order.price?.units ?? fair) - fair)
            if best == nil || distance > best!.1 { best = (order.id, distance) }
        }
        return best?.0
    }

    /// Fills both sides with a few levels so the first snapshot is a book.
    private mutating func openBook() {
        for _ in 0..<(config.publishedDepth * 4) { _ = quoteOnce() }
    }
}
