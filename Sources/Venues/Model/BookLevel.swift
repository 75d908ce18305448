/// One price level of an order book; a size of zero in a delta removes the level.
public struct BookLevel: Hashable, Sendable {
    public var price: FixedDecimal
    public var size: FixedDecimal

    public init(price: FixedDecimal, size: FixedDecimal) {
        self.price = price
        self.size = size
    }
}

/// The whole visible book (or its top N levels), replacing what came before.
public struct BookSnapshot: Hashable, Sendable {
    public var symbol: String
    /// Best first.
    public var bids: [BookLevel]
    /// Best first.
    public var asks: [BookLevel]
    public var sequence: Int64?
    public var venueTimeMillis: Int64?
}

/// Changed levels of a book; apply them to the last snapshot in order.
public struct BookDelta: Hashable, Sendable {
    public var symbol: String
    public var bids: [BookLevel]
    public var asks: [BookLevel]
    public var sequence: Int64?
    public var venueTimeMillis: Int64?
}
