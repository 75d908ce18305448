/// A public trade on the venue (anyone's).
public struct Trade: Hashable, Sendable {
    public var symbol: String
    public var price: FixedDecimal
    public var quantity: FixedDecimal
    /// The aggressor's side, when the venue says.
    public var side: Side?
    public var tradeID: String?
    public var venueTimeMillis: Int64?
}
