/// SeededRandom: a tiny seeded generator with the same sequence on every machine and every run.
///
/// Simulation code uses this, never `SystemRandomNumberGenerator`, so that a seed reproduces a
/// session exactly. Bounded draws use Lemire's multiply-and-reject method (no modulo bias).
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform integer in 0 ..< bound (bound > 0).
    public mutating func next(below bound: UInt64) -> UInt64 {
        precondition(bound > 0, "SeededRandom.next(below:) needs a positive bound")
        var product = next().multipliedFullWidth(by: bound)
        if product.low < bound {
            let threshold = (0 &- bound) % bound
            while product.low < threshold {
                product = next().multipliedFullWidth(by: bound)
            }
        }
        return product.high
    }

    /// A uniform integer in `range`.
    public mutating func int(in range: ClosedRange<Int64>) -> Int64 {
        range.lowerBound + Int64(next(below: UInt64(range.upperBound - range.lowerBound) + 1))
    }

    /// True with probability `numerator / denominator`.
    public mutating func chance(_ numerator: UInt64, in denominator: UInt64) -> Bool {
        next(below: denominator) < numerator
    }

    /// An integer whose distribution is a bell around 0 with standard deviation ≈ `scale`
    /// (the sum of four uniforms, Irwin–Hall): integers only, so identical on every machine.
    public mutating func bell(scale: Int64) -> Int64 {
        guard scale > 0 else { return 0 }
        // Each uniform on [−s√3, s√3] has variance s²; four of them summed and halved: variance s².
        let half = scale * 1_732 / 1_000
        var sum: Int64 = 0
        for _ in 0..<4 { sum += int(in: -half...half) }
        return sum / 2
    }
}
