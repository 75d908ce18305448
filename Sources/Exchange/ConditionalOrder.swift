import TapeCore

/// Which price a conditional order watches.
public enum TriggerSource: Hashable, Sendable {
    /// The mark price (`updateMarkPrice`).
    case markPrice
    /// The index price (`updateIndexPrice`; Digitex SPOT_PRICE, the only one it supports).
    case indexPrice
    /// The last trade price on the exchange (Digitex LAST_PRICE).
    case lastPrice
}

/// How the watched price is compared with the threshold.
public enum TriggerCondition: Hashable, Sendable {
    /// Fires when price ≥ threshold (Digitex GREATER_EQUAL).
    case greaterOrEqual
    /// Fires when price ≤ threshold (Digitex LESS_EQUAL).
    case lessOrEqual

    func holds(_ price: Int64, _ threshold: Int64) -> Bool {
        switch self {
        case .greaterOrEqual: return price >= threshold
        case .lessOrEqual: return price <= threshold
        }
    }
}

/// A conditional (trigger) order: when `source` meets `condition` against `threshold`, `order`
/// is submitted for `account` (take-profit and stop-loss are this with `reduceOnly`).
public struct TriggerSnapshot: Hashable, Sendable {
    public var id: TriggerID
    public var account: AccountID
    public var source: TriggerSource
    public var condition: TriggerCondition
    public var threshold: Price
    public var order: OrderRequest
    /// When it was placed.
    public var time: Timestamp
}
