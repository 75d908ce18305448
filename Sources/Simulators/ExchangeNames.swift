import Exchange

// The Exchange and Venues modules both define Side, TimeInForce, Trade, Ticker, BookLevel,
// Liquidation and FundingPayment. This file imports only Exchange, so these names are unambiguous
// here; the rest of the target uses the aliases for the exchange's types and `Venues.` for the others.
typealias ExchangeSide = Side
typealias ExchangeTimeInForce = TimeInForce
typealias ExchangeTrade = Trade
typealias ExchangeLiquidation = Liquidation
typealias ExchangeFundingPayment = FundingPayment
typealias ExchangeTicker = Ticker
