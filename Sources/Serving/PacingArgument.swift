import TapeCore

/// Pacing as people write it on a command line: `max`, `realtime`, `Nx` (`10x`, `0.5x`) or
/// `capped:S` (recorded timing, no gap longer than S seconds, e.g. `capped:0.5`).
public enum PacingArgument {
    public static let help = "max, realtime, Nx (e.g. 10x, 0.5x) or capped:S (real time, gaps capped at S seconds)"

    /// The pacing `text` names, or nil when it names none.
    public static func parse(_ text: String) -> Pacing? {
        switch text.lowercased() {
        case "max", "asfastaspossible":
            return .asFastAsPossible
        case "realtime", "real-time", "1x":
            return .realTime
        case let value where value.hasSuffix("x"):
            guard let factor = Double(value.dropLast()), factor.isFinite, factor > 0 else { return nil }
            return .speed(factor)
        case let value where value.hasPrefix("capped:"):
            guard let seconds = Double(value.dropFirst("capped:".count)), seconds.isFinite, seconds >= 0,
                  seconds < 9e9 else { return nil }
            return .realTimeCappingGaps(at: .init(nanoseconds: Int64((seconds * 1e9).rounded())))
        default:
            return nil
        }
    }
}
