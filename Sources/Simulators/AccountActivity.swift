import Exchange
import TapeCore

/// Orders an account places on its own, on a seeded schedule.
///
/// Roxom, Notional and Satori take orders over REST, which no simulator here serves; their
/// WebSockets only push what happens to an account. So that a bot connected to one of those
/// simulators sees orders, fills and positions move, each authenticated account may trade by
/// itself: every `interval` (with seeded jitter) it either takes liquidity with a market order,
/// joins the best price with a limit order, or cancels what rests. Sides are chosen so the position
/// stays within `maxPosition` lots. Same seed, same times and books, same orders.
public struct AccountActivity: Sendable {
    public struct Configuration: Hashable, Sendable {
        /// Mean time between two actions; each gap is drawn between half and one and a half of it.
        public var interval: Timestamp.Duration
        /// Largest order, in lots.
        public var maxLots: Int64
        /// Largest position the account builds, in lots either way.
        public var maxPosition: Int64

        public init(interval: Timestamp.Duration = .seconds(2), maxLots: Int64 = 3, maxPosition: Int64 = 10) {
            precondition(interval.nanoseconds > 0 && maxLots > 0 && maxPosition >= maxLots, "AccountActivity needs a positive interval and lots within the position limit")
            self.interval = interval
            self.maxLots = maxLots
            self.maxPosition = maxPosition
        }
    }

    /// One thing the account does.
    public enum Step: Hashable, Sendable {
        case submit(OrderRequest)
        /// Cancel every order the account has resting.
        case cancelAll
    }

    public let configuration: Configuration
    private var random: SeededRandom
    /// When the next step is due.
    public private(set) var nextTime: Timestamp

    /// `start` is when the account appeared (it first acts one gap later).
    public init(seed: UInt64, start: Timestamp, configuration: Configuration = Configuration()) {
        self.configuration = configuration
        random = SeededRandom(seed: seed)
        nextTime = start
        nextTime = start + nextGap()
    }

    /// The step due at or before `now` (nil when none is due yet); call again until nil.
    /// `position` is the account's signed position in lots, `bid`/`ask` the best prices.
    public mutating func step(at now: Timestamp, position: Int64, bid: Price?, ask: Price?, instrument: InstrumentID = InstrumentID(0)) -> Step? {
        guard nextTime <= now else { return nil }
        nextTime = nextTime + nextGap()
        let side = chooseSide(position: position)
        let room = configuration.maxPosition - (side == .buy ? position : -position)
        let lots = min(random.int(in: 1...configuration.maxLots), max(room, 1))
        switch random.next(below: 10) {
        case 0..<4:
            return .submit(.market(side, lots, instrument: instrument))
        case 4..<9:
            // Join the best price on our side; with an empty side, step one price unit off the other.
            guard let price = side == .buy ? bid ?? ask.map({ Price(units: $0.units - 1) }) : ask ?? bid.map({ Price(units: $0.units + 1) }),
                  price.units > 0 else { return .submit(.market(side, lots, instrument: instrument)) }
            return .submit(.limit(side, lots, at: price.units, instrument: instrument))
        default:
            return .cancelAll
        }
    }

    /// Buys when short, sells when long, at the limit only reduces; flat or in between, a coin.
    private mutating func chooseSide(position: Int64) -> Side {
        if position >= configuration.maxPosition { return .sell }
        if position <= -configuration.maxPosition { return .buy }
        if position > 0, random.chance(2, in: 3) { return .sell }
        if position < 0, random.chance(2, in: 3) { return .buy }
        return random.chance(1, in: 2) ? .buy : .sell
    }

    private mutating func nextGap() -> Timestamp.Duration {
        let mean = configuration.interval.nanoseconds
        return Timestamp.Duration(nanoseconds: mean / 2 + Int64(random.next(below: UInt64(mean))))
    }
}
