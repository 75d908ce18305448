/// A quantity in whole lots (contracts) of an instrument.
public struct Quantity: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The number of lots.
    public var lots: Int64

    public init(lots: Int64) {
        self.lots = lots
    }

    public static func < (lhs: Quantity, rhs: Quantity) -> Bool { lhs.lots < rhs.lots }

    public var description: String { String(lots) }
}
