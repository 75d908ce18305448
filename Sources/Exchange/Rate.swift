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
