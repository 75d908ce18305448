import Foundation
import Replay

extension ReplayConfiguration {
    /// What `tape replay` and `tape verify` replay with: `--symbols` (comma-separated) and `--user`,
    /// and blocks inflated ahead on a second core where there is one. On a tape of simulated
    /// Digitex traffic that made replay 15–24 % faster (docs/BENCHMARKS.md, "Replay"); the frames
    /// still reach the clients in order, so the events and the digest are the same.
    static func commandLine(symbols: String?, user: String?) -> ReplayConfiguration {
        ReplayConfiguration(
            symbols: symbols.map { $0.split(separator: ",").map(String.init) }, notionalUser: user,
            parallelism: min(2, ProcessInfo.processInfo.activeProcessorCount)
        )
    }
}
