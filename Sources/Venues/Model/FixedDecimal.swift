/// An exact decimal number: an `Int64` mantissa and a count of digits after the point.
///
/// Money never goes through binary floating point: prices, sizes and balances are parsed from
/// the JSON literal as written, compared exactly (`1.50 == 1.5`) and added without rounding.
/// Arithmetic that could overflow comes in checked form (`adding(_:)` returns nil), because
/// venue data is input and a huge value must be reported, not trap.
public struct FixedDecimal: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The digits as an integer: `12.50` has mantissa 1250 and scale 2.
    public let mantissa: Int64
    /// How many of the mantissa's digits are after the point (0…18).
    public let scale: UInt8

    /// The largest scale we keep; 10^18 is the largest power of ten in an Int64.
    public static let maxScale: UInt8 = 18
    public static let zero = FixedDecimal(mantissa: 0, scale: 0)

    public init(mantissa: Int64, scale: UInt8) {
        precondition(scale <= FixedDecimal.maxScale, "scale \(scale) above \(FixedDecimal.maxScale)")
        self.mantissa = mantissa
        self.scale = scale
    }

    public init(_ integer: Int64) {
        self.init(mantissa: integer, scale: 0)
    }

    /// Parses a JSON number literal (`-12.5`, `3`, `4.82e-06`) or the same inside a string;
    /// nil when it is not a number or does not fit an Int64 mantissa.
    public init?(_ text: String) {
        var text = text
        guard let value = text.withUTF8({ FixedDecimal(utf8: $0) }) else { return nil }
        self = value
    }

    /// Parses the bytes of a number literal without allocating.
    public init?(utf8 bytes: UnsafeBufferPointer<UInt8>) {
        var index = 0
        let count = bytes.count
        var negative = false
        if index < count, bytes[index] == UInt8(ascii: "-") {
            negative = true
            index += 1
        }
        var mantissa: Int64 = 0
        var scale = 0
        var sawPoint = false
        while index < count {
            let byte = bytes[index]
            if byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                // Up to 19 digits fit (nanosecond timestamps need them); overflow is a parse failure.
                let (shifted, overflowed) = mantissa.multipliedReportingOverflow(by: 10)
                let (next, carried) = shifted.addingReportingOverflow(Int64(byte &- UInt8(ascii: "0")))
                guard !overflowed, !carried else { return nil }
                mantissa = next
                if sawPoint { scale += 1 }
            } else if byte == UInt8(ascii: "."), !sawPoint {
                sawPoint = true
            } else {
                break
            }
            index += 1
        }
        let digitsEnd = index
        guard digitsEnd > (negative ? 1 : 0), bytes[digitsEnd - 1] != UInt8(ascii: ".") else { return nil }
        if index < count {
            guard bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") else { return nil }
            index += 1
            var exponentNegative = false
            if index < count, bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
                exponentNegative = bytes[index] == UInt8(ascii: "-")
                index += 1
            }
            var exponent = 0
            let exponentStart = index
            while index < count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
                exponent = exponent * 10 + Int(bytes[index] - UInt8(ascii: "0"))
                guard exponent < 100 else { return nil }
                index += 1
            }
            guard index == count, index > exponentStart else { return nil }
            scale += exponentNegative ? exponent : -exponent
        }
        while scale < 0 {
            let (shifted, overflow) = mantissa.multipliedReportingOverflow(by: 10)
            guard !overflow else { return nil }
            mantissa = shifted
            scale += 1
        }
        guard scale <= Int(FixedDecimal.maxScale) else { return nil }
        self.init(mantissa: negative ? -mantissa : mantissa, scale: UInt8(scale))
    }

    /// The same value with trailing zeros after the point removed (`1.50` → `1.5`).
    public var normalized: FixedDecimal {
        var mantissa = mantissa
        var scale = scale
        while scale > 0, mantissa % 10 == 0 {
            mantissa /= 10
            scale -= 1
        }
        return FixedDecimal(mantissa: mantissa, scale: scale)
    }

    public var isZero: Bool { mantissa == 0 }

    /// The value with the other sign, for readers that take a minus sign and then a value read
    /// without one (far from `Int64.min`, the one mantissa with no negation).
    var negated: FixedDecimal { FixedDecimal(mantissa: -mantissa, scale: scale) }

    /// The absolute value, or nil for the one mantissa that has none (`Int64.min`).
    public var magnitude: FixedDecimal? {
        guard mantissa != .min else { return nil }
        return FixedDecimal(mantissa: mantissa < 0 ? -mantissa : mantissa, scale: scale)
    }
    public var isNegative: Bool { mantissa < 0 }

    /// The mantissa at `target` digits after the point, exactly; nil when it does not fit: the
    /// value has more significant digits than that (`1.25` at scale 1; `1.20` is 12), or widening
    /// overflows. Venue input with too many decimals is thus refused, never rounded.
    public func mantissa(atScale target: UInt8) -> Int64? {
        if target < scale {
            let exact = normalized
            return exact.scale <= target ? exact.mantissa(atScale: target) : nil
        }
        var value = mantissa
        for _ in 0..<(target - scale) {
            let (shifted, overflow) = value.multipliedReportingOverflow(by: 10)
            if overflow { return nil }
            value = shifted
        }
        return value
    }

    /// The mantissa at `target` digits after the point, truncating toward zero when `target` is
    /// smaller than `scale`; nil when widening overflows. (`1.8484` at scale 3 is 1848.)
    public func mantissa(truncatedToScale target: UInt8) -> Int64? {
        guard target < scale else { return mantissa(atScale: target) }
        var value = mantissa
        for _ in 0..<(scale - target) { value /= 10 }
        return value
    }

    /// `self + other`, or nil on overflow.
    public func adding(_ other: FixedDecimal) -> FixedDecimal? {
        let target = max(scale, other.scale)
        guard let left = mantissa(atScale: target), let right = other.mantissa(atScale: target) else { return nil }
        let (sum, overflow) = left.addingReportingOverflow(right)
        return overflow ? nil : FixedDecimal(mantissa: sum, scale: target)
    }

    /// `self - other`, or nil on overflow.
    public func subtracting(_ other: FixedDecimal) -> FixedDecimal? {
        guard other.mantissa != .min else { return nil }
        return adding(FixedDecimal(mantissa: -other.mantissa, scale: other.scale))
    }

    /// `self * other`, or nil when the product does not fit exactly.
    public func multiplied(by other: FixedDecimal) -> FixedDecimal? {
        let (product, overflow) = mantissa.multipliedReportingOverflow(by: other.mantissa)
        let scale = Int(scale) + Int(other.scale)
        guard !overflow else { return nil }
        if scale <= Int(FixedDecimal.maxScale) { return FixedDecimal(mantissa: product, scale: UInt8(scale)) }
        let reduced = FixedDecimal(mantissa: product, scale: FixedDecimal.maxScale).normalized
        return reduced
    }

    /// `self / other` truncated toward zero at `resultScale` digits; nil on division by zero or overflow.
    public func divided(by other: FixedDecimal, scale resultScale: UInt8) -> FixedDecimal? {
        guard other.mantissa != 0 else { return nil }
        // self/other = (m1/10^s1)/(m2/10^s2); result mantissa = m1 * 10^(r + s2 - s1) / m2.
        let shift = Int(resultScale) + Int(other.scale) - Int(scale)
        var numerator = mantissa
        var denominator = other.mantissa
        if shift >= 0 {
            for _ in 0..<shift {
                let (next, overflow) = numerator.multipliedReportingOverflow(by: 10)
                if overflow { return nil }
                numerator = next
            }
        } else {
            for _ in 0..<(-shift) {
                let (next, overflow) = denominator.multipliedReportingOverflow(by: 10)
                if overflow { return nil }
                denominator = next
            }
        }
        let (quotient, overflow) = numerator.dividedReportingOverflow(by: denominator)
        return overflow ? nil : FixedDecimal(mantissa: quotient, scale: resultScale)
    }

    /// `divided(by:scale:)` then `normalized`: the quotient truncated at `resultScale` digits,
    /// without trailing zeros. A quotient that is exact with the digits the operands have (a
    /// volume over a whole number of contracts) is found in one division, not by going to
    /// `resultScale` digits and stripping the zeros again one by one (and comes out even where
    /// the way through `resultScale` digits would overflow).
    public func divided(by other: FixedDecimal, normalizedAtMost resultScale: UInt8) -> FixedDecimal? {
        if scale >= other.scale, scale - other.scale <= resultScale, other.mantissa != 0 {
            let (quotient, overflow) = mantissa.dividedReportingOverflow(by: other.mantissa)
            if !overflow, quotient &* other.mantissa == mantissa {
                return FixedDecimal(mantissa: quotient, scale: scale - other.scale).normalized
            }
        }
        return divided(by: other, scale: resultScale)?.normalized
    }

    /// Values of one scale (nearly every pair an account compares: a balance with the last one)
    /// compare by mantissa where they are compared, without a call.
    @inline(__always)
    public static func == (lhs: FixedDecimal, rhs: FixedDecimal) -> Bool {
        if lhs.scale == rhs.scale { return lhs.mantissa == rhs.mantissa }
        return compare(lhs, rhs) == 0
    }

    public func hash(into hasher: inout Hasher) {
        let canonical = normalized
        hasher.combine(canonical.mantissa)
        hasher.combine(canonical.scale)
    }

    @inline(__always)
    public static func < (lhs: FixedDecimal, rhs: FixedDecimal) -> Bool {
        if lhs.scale == rhs.scale { return lhs.mantissa < rhs.mantissa }
        return compare(lhs, rhs) < 0
    }

    /// -1, 0 or 1; exact even when aligning the scales would overflow.
    private static func compare(_ lhs: FixedDecimal, _ rhs: FixedDecimal) -> Int {
        if lhs.scale == rhs.scale { return lhs.mantissa < rhs.mantissa ? -1 : (lhs.mantissa > rhs.mantissa ? 1 : 0) }
        let target = max(lhs.scale, rhs.scale)
        if let left = lhs.mantissa(atScale: target), let right = rhs.mantissa(atScale: target) {
            return left < right ? -1 : (left > right ? 1 : 0)
        }
        // Aligning overflowed, so the one that overflowed is the larger in magnitude: decide by sign first.
        if lhs.mantissa.signum() != rhs.mantissa.signum() { return lhs.mantissa.signum() < rhs.mantissa.signum() ? -1 : 1 }
        let lhsOverflows = lhs.mantissa(atScale: target) == nil
        let magnitudeOrder = lhsOverflows ? 1 : -1
        return lhs.mantissa < 0 ? -magnitudeOrder : magnitudeOrder
    }

    /// Plain decimal notation with the scale as parsed (`12.50` stays `12.50`).
    public var description: String {
        let digits = String(mantissa.magnitude)
        let sign = mantissa < 0 ? "-" : ""
        guard scale > 0 else { return sign + digits }
        let padded = digits.count <= Int(scale) ? String(repeating: "0", count: Int(scale) - digits.count + 1) + digits : digits
        let point = padded.index(padded.endIndex, offsetBy: -Int(scale))
        return sign + padded[..<point] + "." + padded[point...]
    }
}

extension FixedDecimal: ExpressibleByIntegerLiteral {
    public init(integerLiteral value: Int64) {
        self.init(value)
    }
}
