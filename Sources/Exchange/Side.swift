/// The side of an order or of a trade's aggressor.
public enum Side: UInt8, Hashable, Sendable, CustomStringConvertible {
    case buy
    case sell

    /// The side an order of this side matches against.
    public var opposite: Side {
        switch self {
        case .buy: return .sell
        case .sell: return .buy
        }
    }

    /// +1 for a buy, −1 for a sell: the sign a fill adds to a position.
    public var sign: Int64 {
        switch self {
        case .buy: return 1
        case .sell: return -1
        }
    }

    public var description: String {
        switch self {
        case .buy: return "buy"
        case .sell: return "sell"
        }
    }
}
