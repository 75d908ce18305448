/// Why an order left the book or never rested.
public enum CancelReason: Hashable, Sendable {
    /// The owner asked (cancel or cancel-all).
    case requested
    /// The unfilled remainder of an immediate-or-cancel or market order.
    case immediateOrCancelRemainder
    /// A fill-or-kill order that could not fill entirely at once.
    case fillOrKillUnfilled
    /// A GTF, GFD or GTD order reached its expiry.
    case expired
    /// The owner's position was liquidated (Digitex: TERMINATED).
    case liquidation
    /// The order met a resting order of its own account; the resting one is cancelled.
    case selfTradePrevention
    /// A fill would have needed more margin than the account had; the rest is cancelled.
    case insufficientMargin
    /// A reduce-only order that would now increase the position.
    case reduceOnlyExhausted
}
