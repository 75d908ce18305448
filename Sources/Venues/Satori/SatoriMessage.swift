/// One inbound Satori message.
///
/// Cases carrying more than about 64 bytes are `indirect`, as `VenueEvent`'s are: a message is
/// copied on each step from the decoder to the client, and its size is its largest case's.
public enum SatoriMessage: Hashable, Sendable {
    /// `{"event":"<event>_res","success":…,"msg":…}`.
    case subscribeAnswer(event: String, success: Bool, message: String?)
    indirect case position(SatoriPositionUpdate)
    indirect case order(SatoriOrderUpdate)
    indirect case account(SatoriAccountUpdate)
    /// `api_trade`: one public trade, `direction` the taker's (the shape our simulator sends: the
    /// docs' push example was cut off).
    case trade(Trade)
}

/// `changeType` of position pushes.
public enum SatoriPositionChange: String, Hashable, Sendable {
    case new = "NEW", increase = "INCREASE", reduce = "REDUCE", close = "CLOSE", liquidate = "LIQUIDATE"
}

public struct SatoriPositionUpdate: Hashable, Sendable {
    public var change: SatoriPositionChange
    public var positionID: Int64
    public var position: Position
    public var closableQuantity: FixedDecimal?
    /// 3 one-way isolated, 4 one-way cross.
    public var positionType: Int64?
}

/// `changeType` of order pushes.
public enum SatoriOrderChange: String, Hashable, Sendable {
    case entrust = "ENTRUST", new = "NEW", trade = "TRADE", canceled = "CANCELED"
}

public struct SatoriOrderUpdate: Hashable, Sendable {
    public var change: SatoriOrderChange
    public var entrustID: Int64
    public var clientOrderID: String?
    public var symbol: String
    public var side: Side
    public var isClose: Bool
    public var isMarket: Bool
    public var price: FixedDecimal?
    public var quantity: FixedDecimal
    /// Cumulative filled quantity and notional.
    public var dealQuantity: FixedDecimal
    public var dealAmount: FixedDecimal
    public var leverage: FixedDecimal?
    public var fee: FixedDecimal?
    public var isTaker: Bool?
}

public struct SatoriAccountUpdate: Hashable, Sendable {
    public var balance: Balance
    /// Monotonic per account flow; a smaller one than already seen is a stale (historic) balance.
    public var logID: Int64
}
