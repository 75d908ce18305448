/// One inbound Roxom message. Roxom's WebSocket only streams: orders are placed over REST.
///
/// Cases carrying more than about 64 bytes are `indirect`, as `VenueEvent`'s are: a message is
/// copied on each step from the decoder to the client, and its size is its largest case's.
public enum RoxomMessage: Hashable, Sendable {
    /// `{"type":"position","data":[…]}`: every position it lists, complete.
    case positions([Position])
    indirect case order(RoxomOrderUpdate)
    indirect case balance(RoxomBalanceUpdate)
    /// `{"topic":"depth.SYM","type":"snapshot"|"delta",…}`.
    case bookSnapshot(BookSnapshot)
    case bookDelta(BookDelta)
    /// `{"topic":"trade.SYM",…}`: one public trade, `side` the aggressor's.
    case trade(Trade)
    /// `{"topic":"level1.SYM",…}` (best bid and ask) or `{"topic":"ticker.SYM",…}` (last, mark,
    /// funding, open interest, volume): the fields each carries, the rest nil.
    indirect case ticker(Ticker)
    /// `{"event":"subscribe",…}`: the docs say an ack is sent but never show one verbatim.
    case subscribed
    /// `{"event":"error","code":…,"msg":…}`; 600010 means the upgrade headers failed authentication.
    case error(VenueError)
}

/// An order push: the order's state after a change, with the last fill's price when it traded.
public struct RoxomOrderUpdate: Hashable, Sendable {
    public var orderID: String
    public var clientOrderID: String?
    public var symbol: String
    public var statusText: String
    public var status: OrderStatus
    public var side: Side?
    public var orderType: OrderType?
    public var orderSize: FixedDecimal?
    public var limitPrice: FixedDecimal?
    public var remainingQuantity: FixedDecimal
    public var executedQuantity: FixedDecimal
    public var averagePrice: FixedDecimal?
    public var fillPrice: FixedDecimal?
    public var filledFees: FixedDecimal?
    public var timestampNanos: Int64?
}

/// A balance push: the balance before and after one change, and why.
public struct RoxomBalanceUpdate: Hashable, Sendable {
    public var balance: Balance
    public var before: FixedDecimal?
    public var amount: FixedDecimal?
    /// `ordersettle`, …, verbatim.
    public var updateType: String?
}
