/// One execution of one of our orders.
public struct Fill: Hashable, Sendable {
    public var symbol: String
    /// The order that traded, by the id it had when it traded.
    public var venueOrderID: String
    public var clientOrderID: String?
    public var side: Side?
    public var price: FixedDecimal
    public var quantity: FixedDecimal
    public var isMaker: Bool?
    public var fee: FixedDecimal?
    public var tradeID: String?
    public var venueTimeMillis: Int64?

    public init(
        symbol: String, venueOrderID: String, clientOrderID: String? = nil, side: Side? = nil,
        price: FixedDecimal, quantity: FixedDecimal, isMaker: Bool? = nil, fee: FixedDecimal? = nil,
        tradeID: String? = nil, venueTimeMillis: Int64? = nil
    ) {
        self.symbol = symbol
        self.venueOrderID = venueOrderID
        self.clientOrderID = clientOrderID
        self.side = side
        self.price = price
        self.quantity = quantity
        self.isMaker = isMaker
        self.fee = fee
        self.tradeID = tradeID
        self.venueTimeMillis = venueTimeMillis
    }
}
