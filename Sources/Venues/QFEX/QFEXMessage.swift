/// One inbound QFEX message (trade or market-data socket), decoded but not applied.
///
/// QFEX documents two shapes for the same pushes: the `v4_*` envelope
/// (`{"type","connection_id","message_id","channel","contents":[…]}`) and single-key responses
/// (`{"position_response":{…}}`). Both decode to the same cases here.
///
/// Cases carrying more than about 64 bytes are `indirect`, as `VenueEvent`'s are: a message is
/// copied on each step from the decoder to the client, and its size is its largest case's.
public enum QFEXMessage: Hashable, Sendable {
    /// `{"type":"auth","result":"success"}` (docs) or `{"authenticated":true}` (official CLI).
    case authenticated(Bool, detail: String?)
    case subscribed(String)
    case unsubscribed(String)
    /// `{"ack_response":true}` / `{"ack":…}`: an answer to a request that returns no data.
    case acknowledged(Bool)
    case error(VenueError)
    indirect case order(QFEXOrderReport)
    indirect case fill(QFEXFillReport)
    case positions([Position])
    case balances([Balance])
    case userLeverage([LeverageTier])
    case availableLeverage([LeverageTier])
    case userOrders([QFEXOrderReport])
    case userTrades([Fill])
    case book(BookSnapshot)
    case trade(Trade)
    case funding(FundingRate)
    case price(PriceUpdate)
    case referenceData([Instrument])
    /// The market-data socket may send several messages as one JSON array.
    case batch([QFEXMessage])
}

/// An `order_response`: the order as it now is.
public struct QFEXOrderReport: Hashable, Sendable {
    public var order: Order
    /// The status text as sent (`ACK`, `CANCELLED`, `NO_SUCH_ORDER`, a reject code, …).
    public var statusText: String
    public var tradeID: String?
}

/// A `fill_response`: one execution and what is left of the order.
public struct QFEXFillReport: Hashable, Sendable {
    public var fill: Fill
    public var remainingQuantity: FixedDecimal?
    public var realisedPnL: FixedDecimal?
}
