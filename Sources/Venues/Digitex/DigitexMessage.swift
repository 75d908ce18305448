/// One inbound Digitex message, decoded but not yet applied to any state.
public enum DigitexMessage: Hashable, Sendable {
    /// `{"id":N,"status":"ok"}`, with `result` for `subscriptions`.
    case ok(id: Int64, result: [String]?)
    /// `{"id":N,"status":"error","code":…,"msg":…}`.
    case failed(id: Int64, VenueError)
    case tradingStatus(available: Bool)
    /// A private push about orders, contracts and the trader's account. Shared: the push is large
    /// and would otherwise make every message (order books included) as large to copy; and the
    /// decoder of the order reports writes each push into the box of the last one.
    case account(DigitexChannel, Shared<DigitexAccountPush>)
    /// `{"ch":"error","data":{"code","msg"}}`: a general error that answers no request.
    case error(VenueError)
    case orderBook(BookSnapshot)
    case trades([Trade])
    indirect case candle(Candle)
    case liquidations([Liquidation])
    indirect case ticker(Ticker)
    case fundingInfo(FundingRate)
    /// The `index` channel: mark, fair and spot prices of one index.
    case index([PriceUpdate])
    /// Text `ping`/`pong` heartbeats.
    case ping
    case pong
}

/// The private channels of the trading WebSocket.
public enum DigitexChannel: String, Hashable, Sendable, CaseIterable {
    case orderStatus, orderFilled, orderCancelled, contractClosed, traderStatus, traderBalance
    case position, funding, leverage, condOrderStatus
}

/// The fields shared by every private push: orders, contracts and the account summary.
/// Each channel fills the part it carries; the rest stays empty.
public struct DigitexAccountPush: Hashable, Sendable {
    public var symbol: String
    public var account = DigitexAccountSnapshot()
    /// orderStatus / orderFilled: the one order; orderCancelled: `orders`;
    /// traderStatus / leverage: `activeOrders`.
    public var orders: [DigitexOrder] = []
    /// `contracts`, or `liquidatedContracts` on the position channel.
    public var contracts: [DigitexContract] = []
    public var conditionalOrders: [ConditionalOrder] = []
    /// The trader's own trades that resulted from a fill (`marketTrades`).
    public var marketTrades: [Fill] = []
    public var terminatedOrderIDs: [String] = []
    /// contractClosed: ids of the orders that close the contract.
    public var orderIDs: [String] = []
    /// orderCancelled `orderStatus`, condOrderStatus `status`.
    public var status: OrderStatus?
    public var errorCode: Int64?
    public var payout: FixedDecimal?
    public var payoutPerContract: FixedDecimal?
    public var balanceIncrement: FixedDecimal?
    public var timestampMillis: Int64?
}

/// The account summary that most private pushes repeat in full.
public struct DigitexAccountSnapshot: Hashable, Sendable {
    public var traderBalance: FixedDecimal?
    public var orderMargin: FixedDecimal?
    public var positionMargin: FixedDecimal?
    public var unrealisedPnL: FixedDecimal?
    public var realisedPnL: FixedDecimal?
    public var markPrice: FixedDecimal?
    public var leverage: FixedDecimal?
    public var positionType: PositionSide?
    public var positionContracts: FixedDecimal?
    public var positionVolume: FixedDecimal?
    public var positionLiquidationVolume: FixedDecimal?
    public var positionBankruptcyVolume: FixedDecimal?
}

/// One order of an immutable order chain.
public struct DigitexOrder: Hashable, Sendable {
    public var clOrdId: String
    public var newClOrdId: String?
    public var oldClOrdId: String?
    public var origClOrdId: String?
    public var status: OrderStatus?
    public var type: OrderType?
    public var timeInForce: TimeInForce?
    public var side: Side?
    public var price: FixedDecimal?
    public var paidPrice: FixedDecimal?
    public var quantity: FixedDecimal
    public var originalQuantity: FixedDecimal?
    public var droppedQuantity: FixedDecimal?
    public var leverage: FixedDecimal?
    public var timestampMillis: Int64?
    public var openTimeMillis: Int64?
    public var errorCode: Int64?
    /// closeContract orders name the contract they close.
    public var oldContractId: Int64?

    /// The key the chain is tracked by: the client's original id, which every link repeats.
    public var chainKey: String { origClOrdId ?? oldClOrdId ?? clOrdId }
}

/// One contract of an immutable contract chain.
public struct DigitexContract: Hashable, Sendable {
    public var contractId: Int64
    public var oldContractId: Int64?
    public var origContractId: Int64?
    public var positionType: PositionSide?
    public var quantity: FixedDecimal
    public var entryPrice: FixedDecimal?
    public var paidPrice: FixedDecimal?
    public var liquidationPrice: FixedDecimal?
    public var bankruptcyPrice: FixedDecimal?
    public var exitPrice: FixedDecimal?
    public var leverage: FixedDecimal?
    public var timestampMillis: Int64?
    public var isIncrease: Bool
    public var isFunding: Bool
    public var isLiquidation: Bool
}
