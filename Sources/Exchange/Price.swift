/// A price in an instrument's price units (an integer, e.g. 1/10,000 of a US dollar), never a float.
///
/// Order prices must be multiples of the instrument's tick size; mark, index and bankruptcy prices
/// may sit between ticks, which is why the unit is finer than the tick.
public struct Price: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The price in the instrument's price units.
    public var units: Int64

    public init(units: Int64) {
        self.units = units
    }

    public static func < (lhs: Price, rhs: Price) -> Bool { lhs.units < rhs.units }

    public var description: String { String(units) }
}
