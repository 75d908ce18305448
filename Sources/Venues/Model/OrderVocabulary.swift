/// Buy or sell.
public enum Side: String, Hashable, Sendable {
    case buy, sell
}

/// How an order prices itself.
public enum OrderType: Hashable, Sendable {
    case market, limit, stopMarket, stopLimit, takeProfitMarket, takeProfitLimit
    /// A type the venue names that we do not model, kept verbatim.
    case other(String)
}

/// How long an order stays on the book.
public enum TimeInForce: Hashable, Sendable {
    case goodTillCancelled, immediateOrCancel, fillOrKill, goodTillDate, goodForDay
    /// Digitex: cancelled by the engine at the next funding.
    case goodTillFunding
    case postOnly
    case other(String)
}

/// Where an order is in its life; the venue's own spelling maps onto these.
public enum OrderStatus: Hashable, Sendable {
    /// Sent or acknowledged, not yet accepted by the matching engine.
    case pending
    case accepted
    case partiallyFilled
    case filled
    case cancelled
    case rejected
    case expired
    /// Cancelled by the venue (risk, liquidation).
    case terminated
    /// A conditional order fired.
    case triggered
    case modified
    case other(String)

    /// True while the order can still trade.
    public var isOpen: Bool {
        switch self {
        case .pending, .accepted, .partiallyFilled, .modified: true
        case .filled, .cancelled, .rejected, .expired, .terminated, .triggered: false
        case .other: false
        }
    }
}

/// Long, short or nothing.
public enum PositionSide: String, Hashable, Sendable {
    case long, short, flat
}
