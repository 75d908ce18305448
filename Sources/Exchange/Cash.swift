/// An amount of the settlement currency in minor units of 10⁻⁸ (like satoshis), exact.
///
/// Balances, margins, fees, funding and PnL are all `Cash`; no amount of money ever passes through
/// binary floating point.
public struct Cash: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Minor units per whole unit of currency.
    public static let scale: Int64 = 100_000_000

    /// The amount in minor units (10⁻⁸).
    public var minor: Int64

    public init(minor: Int64) {
        self.minor = minor
    }

    /// Whole units of currency, e.g. `Cash(units: 1_000)` for a deposit of 1,000 DGTX.
    public init(units: Int64) {
        self.minor = units * Cash.scale
    }

    public static let zero = Cash(minor: 0)

    public static func < (lhs: Cash, rhs: Cash) -> Bool { lhs.minor < rhs.minor }
    public static func + (lhs: Cash, rhs: Cash) -> Cash { Cash(minor: lhs.minor + rhs.minor) }
    public static func - (lhs: Cash, rhs: Cash) -> Cash { Cash(minor: lhs.minor - rhs.minor) }

    /// Exact decimal text, e.g. `-1.86` or `100665.635`, with no trailing zeros.
    public var description: String {
        let sign = minor < 0 ? "-" : ""
        let magnitude = minor.magnitude
        let whole = magnitude / UInt64(Cash.scale)
        var fraction = magnitude % UInt64(Cash.scale)
        if fraction == 0 { return "\(sign)\(whole)" }
        var digits = 8
        while fraction % 10 == 0 {
            fraction /= 10
            digits -= 1
        }
        let text = String(fraction)
        return "\(sign)\(whole).\(String(repeating: "0", count: digits - text.count))\(text)"
    }
}
