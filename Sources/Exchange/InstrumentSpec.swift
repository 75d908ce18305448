/// The contract terms of one perpetual: price grid, contract value, limits, leverage, fees, funding.
///
/// Every amount of money the exchange computes is `notional = price × lots × cashPerPriceUnitPerLot`
/// in `Cash` minor units, so the product of the limits below must fit in 63 bits (checked on init).
public struct InstrumentSpec: Hashable, Sendable {
    /// A display name only (e.g. "BTCUSD-PERP"); the engine never looks at it.
    public var symbol: String
    /// Price units per one unit of the quote currency (e.g. 10,000: prices in 1/10,000 USD).
    public var priceUnitsPerQuote: Int64
    /// Order prices must be positive multiples of this (price units).
    public var tickSize: Int64
    /// Settlement cash (minor units, 10⁻⁸) that one lot gains when the price rises one price unit.
    public var cashPerPriceUnitPerLot: Int64
    /// The largest order price accepted (price units).
    public var maxPrice: Int64
    /// The largest order quantity accepted, and the largest position (lots).
    public var maxQuantity: Int64
    /// Leverage allowed: 1 … maxLeverage (whole numbers).
    public var maxLeverage: Int64
    /// The leverage a new account starts with.
    public var defaultLeverage: Int64
    /// Maintenance margin as a fraction of the position's initial margin (Digitex: 1/2).
    public var maintenanceNumerator: Int64
    public var maintenanceDenominator: Int64
    /// Fee on the notional of a fill for the resting side; negative is a rebate.
    public var makerFee: Rate
    /// Fee on the notional of a fill for the aggressing side.
    public var takerFee: Rate
    /// Time between fundings in nanoseconds, aligned to 00:00 UTC (Digitex: 8 h).
    public var fundingIntervalNanos: Int64
    /// The largest funding rate magnitude per interval that the exchange applies.
    public var maxFundingRate: Rate

    public init(
        symbol: String, priceUnitsPerQuote: Int64, tickSize: Int64, cashPerPriceUnitPerLot: Int64,
        maxPrice: Int64, maxQuantity: Int64, maxLeverage: Int64, defaultLeverage: Int64,
        maintenanceNumerator: Int64, maintenanceDenominator: Int64, makerFee: Rate, takerFee: Rate,
        fundingIntervalNanos: Int64, maxFundingRate: Rate
    ) {
        precondition(tickSize > 0 && priceUnitsPerQuote > 0 && cashPerPriceUnitPerLot > 0,
                     "instrument \(symbol): tick size, price scale and contract value must be positive")
        precondition(maxPrice % tickSize == 0, "instrument \(symbol): maxPrice must be a multiple of tickSize")
        precondition(1 <= defaultLeverage && defaultLeverage <= maxLeverage,
                     "instrument \(symbol): default leverage \(defaultLeverage) outside 1…\(maxLeverage)")
        precondition(0 < maintenanceNumerator && maintenanceNumerator < maintenanceDenominator,
                     "instrument \(symbol): maintenance fraction must be in (0, 1)")
        precondition(fundingIntervalNanos > 0, "instrument \(symbol): funding interval must be positive")
        // Position notional at the price limit must leave headroom for sums over many accounts.
        let (notional, overflow) = maxPrice.multipliedReportingOverflow(by: maxQuantity)
        let (cash, overflow2) = notional.multipliedReportingOverflow(by: cashPerPriceUnitPerLot)
        precondition(!overflow && !overflow2 && cash < Int64.max / 64,
                     "instrument \(symbol): maxPrice × maxQuantity × contract value overflows; lower the limits")
        self.symbol = symbol
        self.priceUnitsPerQuote = priceUnitsPerQuote
        self.tickSize = tickSize
        self.cashPerPriceUnitPerLot = cashPerPriceUnitPerLot
        self.maxPrice = maxPrice
        self.maxQuantity = maxQuantity
        self.maxLeverage = maxLeverage
        self.defaultLeverage = defaultLeverage
        self.maintenanceNumerator = maintenanceNumerator
        self.maintenanceDenominator = maintenanceDenominator
        self.makerFee = makerFee
        self.takerFee = takerFee
        self.fundingIntervalNanos = fundingIntervalNanos
        self.maxFundingRate = maxFundingRate
    }

    /// `price × lots × contract value`, in cash minor units.
    @inline(__always)
    func notional(price: Int64, lots: Int64) -> Int64 {
        price * lots * cashPerPriceUnitPerLot
    }

    /// Digitex BTCUSD-PERP as its 2020 trading docs describe it, in DGTX.
    ///
    /// - price: multiples of 5 USD (documented); price units of 1/10,000 USD.
    /// - contract value: 0.1 DGTX per 5 USD tick = 0.02 DGTX per USD per contract. Derived from the
    ///   examples: 10 contracts at 12250 with leverage 5 have paidPx 2450 and positionMargin 490,
    ///   and 490 = 2450 × 10 × 0.02.
    /// - maintenance: half the initial margin. Derived: liquidationPx = entryPx − paidPx / 2,
    ///   rounded to a tick toward the entry (9245 at 20×: 9245 − 231.125 = 9013.875 → 9015).
    /// - funding every 8 h at 00:00, 08:00, 16:00 UTC (documented with GTF).
    /// - fees: the documents show no fee fields; zero here, configurable (assumption).
    /// - leverage up to 100 (assumption: the docs show 5, 10 and 20 and an "invalid leverage" error).
    public static let digitexBTCUSD = InstrumentSpec(
        symbol: "BTCUSD-PERP", priceUnitsPerQuote: 10_000, tickSize: 50_000,
        cashPerPriceUnitPerLot: 200, maxPrice: 100_000 * 10_000, maxQuantity: 100_000,
        maxLeverage: 100, defaultLeverage: 20, maintenanceNumerator: 1, maintenanceDenominator: 2,
        makerFee: .zero, takerFee: .zero, fundingIntervalNanos: 8 * 3_600 * 1_000_000_000,
        maxFundingRate: Rate.basisPoints(75)
    )

    /// A USD-margined linear perpetual with typical terms, for venues whose docs give none
    /// (QFEX, Roxom, Notional, Satori): tick 0.5 USD, lot 0.001 BTC, maker 2 bp, taker 5 bp,
    /// funding every 8 h, maintenance half of initial margin, leverage up to 50. All assumptions.
    public static let linearBTCUSD = InstrumentSpec(
        symbol: "BTC-USD", priceUnitsPerQuote: 100, tickSize: 50,
        cashPerPriceUnitPerLot: 1_000, maxPrice: 1_000_000 * 100, maxQuantity: 1_000_000,
        maxLeverage: 50, defaultLeverage: 10, maintenanceNumerator: 1, maintenanceDenominator: 2,
        makerFee: Rate.basisPoints(2), takerFee: Rate.basisPoints(5),
        fundingIntervalNanos: 8 * 3_600 * 1_000_000_000, maxFundingRate: Rate.basisPoints(75)
    )
}
