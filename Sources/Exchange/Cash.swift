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

/// A rate in parts per 10⁸ (so 0.0003 is `Rate(perHundredMillion: 30_000)`), for fees and funding.
public struct Rate: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Parts per 10⁸ that make one.
    public static let scale: Int64 = 100_000_000

    /// The rate in parts per 10⁸; negative for a rebate or a funding paid by shorts.
    public var perHundredMillion: Int64

    public init(perHundredMillion: Int64) {
        self.perHundredMillion = perHundredMillion
    }

    /// A rate in basis points (1 bp = 0.0001), e.g. `Rate(basisPoints: 5)` for 0.05 %.
    public static func basisPoints(_ points: Int64) -> Rate {
        Rate(perHundredMillion: points * 10_000)
    }

    public static let zero = Rate(perHundredMillion: 0)

    public static func < (lhs: Rate, rhs: Rate) -> Bool { lhs.perHundredMillion < rhs.perHundredMillion }

    public var description: String { Cash(minor: perHundredMillion).description }
}

/// Exact integer arithmetic with 128-bit intermediates and an explicit rounding direction.
enum Arithmetic {
    /// `a × b ÷ c` rounded down (toward −∞); `c` must be positive.
    static func mulDivFloor(_ a: Int64, _ b: Int64, _ c: Int64) -> Int64 {
        precondition(c > 0, "mulDiv by non-positive divisor \(c)")
        let product = a.multipliedFullWidth(by: b)
        let (quotient, remainder) = c.dividingFullWidth(product)
        // dividingFullWidth truncates toward zero; move negative inexact results down.
        return remainder < 0 ? quotient - 1 : quotient
    }

    /// `a × b ÷ c` rounded up (toward +∞); `c` must be positive.
    static func mulDivCeil(_ a: Int64, _ b: Int64, _ c: Int64) -> Int64 {
        precondition(c > 0, "mulDiv by non-positive divisor \(c)")
        let product = a.multipliedFullWidth(by: b)
        let (quotient, remainder) = c.dividingFullWidth(product)
        return remainder > 0 ? quotient + 1 : quotient
    }

    /// `a ÷ b` rounded up; `b` must be positive.
    static func divCeil(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b, r = a % b
        return r > 0 ? q + 1 : q
    }

    /// `a ÷ b` rounded down; `b` must be positive.
    static func divFloor(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b, r = a % b
        return r < 0 ? q - 1 : q
    }
}
