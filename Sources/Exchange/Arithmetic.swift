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
