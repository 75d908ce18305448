/// How fast a replay runs against the wall clock. The replay itself never waits: a driver at the
/// edge (the replay server, `tape replay --pace`) asks how long to wait between two virtual times.
public enum Pacing: Hashable, Sendable {
    /// No waiting: as fast as possible (tests and backtests).
    case asFastAsPossible
    /// The recorded timing.
    case realTime
    /// The recorded timing sped up (2 = twice as fast) or slowed down (0.5).
    case speed(Double)
    /// The recorded timing, but no wait longer than the cap (a live-like demo without dead air).
    case realTimeCappingGaps(at: Timestamp.Duration)

    /// Wall time to wait between a frame at `from` and one at `to` (never negative).
    public func wait(from: Timestamp, to: Timestamp) -> Timestamp.Duration {
        let gap = max(0, to.nanoseconds - from.nanoseconds)
        switch self {
        case .asFastAsPossible:
            return .init(nanoseconds: 0)
        case .realTime:
            return .init(nanoseconds: gap)
        case .speed(let factor):
            precondition(factor > 0, "a replay speed must be positive, not \(factor)")
            // Both are non-negative, so adding a half and truncating rounds to nearest without
            // libm's round(), which Foundation-free programs linking TapeCore would have to bring.
            return .init(nanoseconds: Int64(Double(gap) / factor + 0.5))
        case .realTimeCappingGaps(let cap):
            return .init(nanoseconds: min(gap, cap.nanoseconds))
        }
    }
}
