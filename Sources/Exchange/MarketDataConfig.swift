/// How a `MarketDataGenerator` shapes its market.
public struct MarketDataConfig: Hashable, Sendable {
    public var instrument: InstrumentSpec
    /// The fair (index) price at the start, in price units.
    public var startPrice: Price
    /// Accounts that quote resting orders around the fair price.
    public var providers: Int
    /// Accounts that cross the spread.
    public var takers: Int
    /// Levels per side in snapshots; deltas are reported within this depth.
    public var publishedDepth: Int
    /// Average time between market actions in calm regimes (bursts are ten times faster).
    public var meanStepNanos: Int64
    public var tickerIntervalNanos: Int64
    /// How often index, mark and funding rate are published.
    public var indexIntervalNanos: Int64
    public var snapshotIntervalNanos: Int64
    /// Resting orders a provider keeps at most; beyond it, it cancels its farthest.
    public var maxOrdersPerProvider: Int
    /// UTC nanoseconds at `Timestamp.zero` (funding at 00:00, 08:00, 16:00 UTC).
    public var utcNanosAtZero: Int64

    public init(
        instrument: InstrumentSpec = .digitexBTCUSD, startPrice: Price = Price(units: 98_450_000), providers: Int = 6,
        takers: Int = 3, publishedDepth: Int = 25, meanStepNanos: Int64 = 20_000_000,
        tickerIntervalNanos: Int64 = 1_000_000_000, indexIntervalNanos: Int64 = 1_000_000_000,
        snapshotIntervalNanos: Int64 = 60_000_000_000, maxOrdersPerProvider: Int = 40, utcNanosAtZero: Int64 = 0
    ) {
        precondition(providers > 0 && takers > 0 && publishedDepth > 0 && meanStepNanos > 0,
                     "MarketDataConfig: providers, takers, depth and step must be positive")
        self.instrument = instrument
        self.startPrice = startPrice
        self.providers = providers
        self.takers = takers
        self.publishedDepth = publishedDepth
        self.meanStepNanos = meanStepNanos
        self.tickerIntervalNanos = tickerIntervalNanos
        self.indexIntervalNanos = indexIntervalNanos
        self.snapshotIntervalNanos = snapshotIntervalNanos
        self.maxOrdersPerProvider = maxOrdersPerProvider
        self.utcNanosAtZero = utcNanosAtZero
    }
}
