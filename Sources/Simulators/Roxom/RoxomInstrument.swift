import Exchange

extension InstrumentSpec {
    /// Roxom US500-BTC: a perpetual on the S&P 500 index, priced in index points, margined and
    /// settled in BTC (a quanto contract: one contract gains a fixed amount of BTC per point).
    ///
    /// The documents give no contract terms; these are derived from their examples where they can be:
    /// - price units of 0.01 index point (`avgEntry` "50000.00"), tick 0.25 point (assumption);
    /// - one lot = 0.1 contract (positions show 3 decimals, orders 2; 0.1 keeps the contract value
    ///   an integer number of satoshi per price unit);
    /// - contract value 0.00002 BTC per index point: the positions example has 0.5 contracts at
    ///   50000.00 with leverage 10 and `positionBalance`/`initialMargin` 0.05 BTC, and
    ///   0.5 × 50000 × 0.00002 ÷ 10 = 0.05; so 2 satoshi per price unit per lot;
    /// - maintenance margin 1/10 of the initial margin (the same example: 0.005 of 0.05);
    /// - taker fee 0.5 bp: the order example's `filledFees` 0.00002506 on 0.5 contracts at 50125.50
    ///   (notional 0.501255 BTC); maker fee 0 (assumption);
    /// - leverage 1 … 50, default 10 (the example shows "10.0"); funding every 8 h (assumption).
    public static let roxomUS500BTC = InstrumentSpec(
        symbol: "US500-BTC", priceUnitsPerQuote: 100, tickSize: 25, cashPerPriceUnitPerLot: 2,
        maxPrice: 100_000 * 100, maxQuantity: 1_000_000, maxLeverage: 50, defaultLeverage: 10,
        maintenanceNumerator: 1, maintenanceDenominator: 10, makerFee: .zero, takerFee: Rate(perHundredMillion: 5_000),
        fundingIntervalNanos: 8 * 3_600 * 1_000_000_000, maxFundingRate: Rate.basisPoints(75)
    )
}
