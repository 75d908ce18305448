/// An account (trader) at the exchange; ids are dense, in the order accounts were opened.
public struct AccountID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var rawValue: UInt32
    public init(_ rawValue: UInt32) { self.rawValue = rawValue }
    /// The exchange's own account: it takes over liquidated positions, holds funding rounding and
    /// is never margin-checked or liquidated.
    public static let insurance = AccountID(0)
    public static func < (lhs: AccountID, rhs: AccountID) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { "account \(rawValue)" }
}

/// An instrument listed on the exchange, by its index in `ExchangeConfig.instruments`.
public struct InstrumentID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var rawValue: Int32
    public init(_ rawValue: Int32) { self.rawValue = rawValue }
    public static func < (lhs: InstrumentID, rhs: InstrumentID) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { "instrument \(rawValue)" }
}

/// An order as the exchange knows it; assigned by the exchange, increasing, never reused.
///
/// Venues with immutable order chains (Digitex) render a new wire id per change from this id plus
/// the change count; the core keeps one id for an order's life.
public struct OrderID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var rawValue: UInt64
    public init(_ rawValue: UInt64) { self.rawValue = rawValue }
    public static func < (lhs: OrderID, rhs: OrderID) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { "order \(rawValue)" }
}

/// A conditional (trigger) order; assigned by the exchange, increasing, never reused.
public struct TriggerID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var rawValue: UInt64
    public init(_ rawValue: UInt64) { self.rawValue = rawValue }
    public static func < (lhs: TriggerID, rhs: TriggerID) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { "trigger \(rawValue)" }
}
