import TapeCore

/// Public market data as a venue publishes it, ready for a dialect to render (Digitex
/// orderbook / trades / ticker / index / fundingInfo / liquidations).
public enum MarketDataEvent: Hashable, Sendable, CustomStringConvertible {
    /// The top levels of both sides, best first.
    case bookSnapshot(time: Timestamp, bids: [BookLevel], asks: [BookLevel])
    /// One level within the published depth changed; quantity 0 removes it.
    case bookDelta(time: Timestamp, side: Side, price: Price, quantity: Quantity)
    /// A trade, with the side of the aggressor.
    case trade(time: Timestamp, id: UInt64, price: Price, quantity: Quantity, aggressor: Side)
    /// Best bid and ask, last trade, volume and open interest.
    case ticker(Ticker)
    case indexPrice(time: Timestamp, price: Price)
    case markPrice(time: Timestamp, price: Price)
    /// The funding rate the next funding will apply, and when.
    case fundingRate(time: Timestamp, rate: Rate, next: Timestamp)
    /// A position taken over by the exchange (signed lots) at its bankruptcy price.
    case liquidation(time: Timestamp, position: Int64, price: Price)

    /// One canonical line per event: stable across runs and machines, used for digests.
    public var description: String {
        switch self {
        case .bookSnapshot(let time, let bids, let asks):
            func levels(_ side: [BookLevel]) -> String { side.map { "\($0.price)x\($0.quantity)" }.joined(separator: ",") }
            return "\(time) book bids=\(levels(bids)) asks=\(levels(asks))"
        case .bookDelta(let time, let side, let price, let quantity):
            return "\(time) delta \(side) \(price) \(quantity)"
        case .trade(let time, let id, let price, let quantity, let aggressor):
            return "\(time) trade #\(id) \(aggressor) \(quantity)@\(price)"
        case .ticker(let ticker):
            return "\(ticker.time) ticker bid=\(ticker.bid.map(\.description) ?? "-")x\(ticker.bidQuantity) ask=\(ticker.ask.map(\.description) ?? "-")x\(ticker.askQuantity) last=\(ticker.last.map(\.description) ?? "-")x\(ticker.lastQuantity) volume=\(ticker.volume) oi=\(ticker.openInterest) funding=\(ticker.fundingRate)"
        case .indexPrice(let time, let price):
            return "\(time) index \(price)"
        case .markPrice(let time, let price):
            return "\(time) mark \(price)"
        case .fundingRate(let time, let rate, let next):
            return "\(time) funding rate=\(rate) next=\(next)"
        case .liquidation(let time, let position, let price):
            return "\(time) liquidation \(position)@\(price)"
        }
    }
}

/// A ticker as Digitex publishes it (bidPx, askPx, lastPx, volume, openInterest, fundingRate).
public struct Ticker: Hashable, Sendable {
    public var time: Timestamp
    public var bid: Price?
    public var bidQuantity: Quantity
    public var ask: Price?
    public var askQuantity: Quantity
    public var last: Price?
    public var lastQuantity: Quantity
    /// Lots traded since the generator started.
    public var volume: Int64
    public var openInterest: Int64
    public var fundingRate: Rate
    public var nextFunding: Timestamp
}
