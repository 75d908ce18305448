/// A leverage level of an instrument with the margins and position limit that go with it.
public struct LeverageTier: Hashable, Sendable {
    public var symbol: String
    public var leverage: FixedDecimal
    public var initialMargin: FixedDecimal?
    public var maintenanceMargin: FixedDecimal?
    public var maxPosition: FixedDecimal?
}
