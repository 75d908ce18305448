import TapeCore
import Testing
@testable import Venues

@Suite("FixedDecimal")
struct FixedDecimalTests {
    @Test("parses literals exactly and prints them as written")
    func parsing() throws {
        #expect(FixedDecimal("104705.4583")?.description == "104705.4583")
        #expect(FixedDecimal("-5.2492") == FixedDecimal(mantissa: -52492, scale: 4))
        #expect(FixedDecimal("0.00000482")?.description == "0.00000482")
        #expect(FixedDecimal("4.82e-06") == FixedDecimal("0.00000482"))
        #expect(FixedDecimal("1.5E2") == FixedDecimal(150))
        #expect(FixedDecimal("0") == .zero)
        #expect(FixedDecimal("1752621480060801000")?.mantissa == 1_752_621_480_060_801_000, "19-digit ns timestamps fit")
        #expect(FixedDecimal("9223372036854775807")?.mantissa == .max)
        for bad in ["", "-", "1.", "abc", "1e", "12a", "9223372036854775808", "1e-19"] {
            #expect(FixedDecimal(bad) == nil, "\(bad) should not parse")
        }
    }

    @Test("compares and hashes by value, not by spelling")
    func equality() {
        #expect(FixedDecimal("1.50") == FixedDecimal("1.5"))
        #expect(Set([FixedDecimal("1.50")!, FixedDecimal("1.5")!]).count == 1)
        #expect(FixedDecimal("9.99")! < FixedDecimal("10")!)
        #expect(FixedDecimal("-0.1")! < FixedDecimal("0")!)
        // Aligning these scales overflows; the comparison must still be right.
        #expect(FixedDecimal(mantissa: .max, scale: 0) > FixedDecimal(mantissa: 1, scale: 18))
        #expect(FixedDecimal(mantissa: .min, scale: 0) < FixedDecimal(mantissa: -1, scale: 18))
    }

    @Test("adds, subtracts, multiplies and divides exactly, reporting overflow as nil")
    func arithmetic() {
        let balance = FixedDecimal("104705.4583")!
        #expect(balance.adding(FixedDecimal("-612.055")!) == FixedDecimal("104093.4033"))
        #expect(FixedDecimal("0.1")!.adding(FixedDecimal("0.2")!) == FixedDecimal("0.3"))
        #expect(FixedDecimal("122500")!.divided(by: 10, scale: 8) == FixedDecimal("12250"))
        #expect(FixedDecimal("10")!.divided(by: 3, scale: 2) == FixedDecimal("3.33"))
        #expect(FixedDecimal("1")!.divided(by: .zero, scale: 2) == nil)
        #expect(FixedDecimal("2.5")!.multiplied(by: FixedDecimal("4")!) == FixedDecimal(10))
        #expect(FixedDecimal(mantissa: .max, scale: 0).adding(1) == nil)
        #expect(FixedDecimal(mantissa: .min, scale: 0).subtracting(1) == nil)
    }

    /// The exact-quotient shortcut must give the very digits of the long way, not just an equal
    /// value. Where the long way overflows on its way to N decimals, an exact quotient still comes out.
    @Test("dividing to at most N decimals gives the digits of dividing to N and normalising, or the exact quotient")
    func normalizedQuotient() {
        var random = SeededRandom(seed: 11)
        let mantissas: [Int64] = [0, 1, -1, 3, 10, 7, 122_500, 98_000, -52_492, 1_000_000, .max, .min, .min + 1]
        func pick() -> FixedDecimal {
            let mantissa = random.chance(1, in: 3)
                ? mantissas[Int(random.next(below: UInt64(mantissas.count)))]
                : Int64(bitPattern: random.next()) >> random.next(below: 63)
            return FixedDecimal(mantissa: mantissa, scale: UInt8(random.next(below: 19)))
        }
        var compared = 0, exact = 0
        for _ in 0..<20_000 {
            let dividend = pick(), divisor = pick(), scale = UInt8(random.next(below: 19))
            let short = dividend.divided(by: divisor, normalizedAtMost: scale)
            let long = dividend.divided(by: divisor, scale: scale)?.normalized
            if let long {
                #expect(short?.mantissa == long.mantissa && short?.scale == long.scale, "\(dividend) / \(divisor) at \(scale)")
                compared += 1
            } else if let short {
                #expect(short.multiplied(by: divisor) == dividend && short.scale <= scale, "\(dividend) / \(divisor) at \(scale)")
            }
            if let short, short.scale < scale { exact += 1 }
        }
        #expect(compared > 5_000 && exact > 1_000, "both ways are exercised (\(compared) compared, \(exact) exact)")
        #expect(FixedDecimal(122_500).divided(by: 10, normalizedAtMost: 8).map { ($0.mantissa, $0.scale) }! == (12_250, 0))
        #expect(FixedDecimal(mantissa: .min, scale: 0).divided(by: FixedDecimal(-1), normalizedAtMost: 8) == nil)
    }
}

@Suite("FixedDecimal rescaling")
struct FixedDecimalRescalingTests {
    @Test("truncating to fewer digits drops the rest; widening multiplies or reports overflow")
    func truncation() {
        // Seconds with 7 decimals as QFEX sends them, to milliseconds, without overflowing on the way.
        #expect(FixedDecimal("1769439642.8484282")?.mantissa(truncatedToScale: 3) == 1_769_439_642_848)
        #expect(FixedDecimal("-1.9999")?.mantissa(truncatedToScale: 0) == -1)
        #expect(FixedDecimal("12")?.mantissa(truncatedToScale: 3) == 12_000)
        #expect(FixedDecimal(mantissa: .max, scale: 0).mantissa(truncatedToScale: 1) == nil)
    }

    @Test("an exact mantissa at fewer digits exists only when the dropped digits are zeros")
    func exactAtFewerDigits() {
        #expect(FixedDecimal("1.20")?.mantissa(atScale: 1) == 12)
        #expect(FixedDecimal("3.000")?.mantissa(atScale: 0) == 3)
        #expect(FixedDecimal("0.0001")?.mantissa(atScale: 3) == nil)
        #expect(FixedDecimal("1.25")?.mantissa(atScale: 1) == nil)
        #expect(FixedDecimal("1.25")?.mantissa(atScale: 4) == 12_500)
    }
}
