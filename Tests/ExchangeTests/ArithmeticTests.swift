@testable import Exchange
import TapeCore
import Testing

@Suite("Exact arithmetic")
struct ArithmeticTests {
    @Test("mulDiv rounds toward −∞ or +∞ for either sign, past 64-bit products")
    func rounding() {
        #expect(Arithmetic.mulDivFloor(7, 3, 2) == 10)
        #expect(Arithmetic.mulDivCeil(7, 3, 2) == 11)
        #expect(Arithmetic.mulDivFloor(-7, 3, 2) == -11)
        #expect(Arithmetic.mulDivCeil(-7, 3, 2) == -10)
        #expect(Arithmetic.mulDivFloor(-8, 3, 2) == -12)
        // (2⁶² × 10) ÷ 20 overflows 64 bits in the middle only.
        #expect(Arithmetic.mulDivFloor(1 << 62, 10, 20) == 1 << 61)
        #expect(Arithmetic.divCeil(-7, 2) == -3 && Arithmetic.divFloor(-7, 2) == -4)
    }

    @Test("cash prints as exact decimal text")
    func cashText() {
        #expect(Cash(minor: -186_000_000).description == "-1.86")
        #expect(Cash(minor: 10_066_563_500_000).description == "100665.635")
        #expect(Cash(minor: 1).description == "0.00000001")
        #expect(Cash(units: 3).description == "3")
    }

    @Test("seeded draws stay in range and repeat for a seed")
    func seeded() {
        var a = SeededRandom(seed: 1), b = SeededRandom(seed: 1)
        for _ in 0..<1_000 {
            let x = a.next(below: 7)
            #expect(x < 7 && x == b.next(below: 7))
            #expect((-5...5).contains(a.int(in: -5...5)))
            _ = b.int(in: -5...5)
        }
    }
}
