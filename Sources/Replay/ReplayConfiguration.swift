import Venues
import Foundation
import TapeFormat

/// How a tape is replayed. Everything here is part of "the same configuration" in the
/// determinism promise: change it and the digest may change.
public struct ReplayConfiguration: Sendable, Equatable {
    /// Instruments (Notional: coins) the clients know; private frames for others are anomalies.
    /// Nil: the tape's `symbols` label (comma-separated), else its `symbol` label, else the
    /// symbols of the venue's documented examples (`VenueName.defaultSymbols`).
    public var symbols: [String]?
    /// The Notional account address. Nil: the tape's `user` label, else empty.
    public var notionalUser: String?
    /// Check the clients' invariants after every frame (slower); otherwise at the end only.
    public var checksInvariantsEveryFrame = false
    /// Threads the replay runs on: its own, which drives the clients, and `parallelism − 1` that
    /// decode blocks ahead of it (1: none). On two cores, 2 keeps one thread on each: a second
    /// decoding thread would only take turns with the clients' (Satori's replay: 0.60–0.67× the
    /// raw read with two, 0.73–0.75× with one).
    public var parallelism = 1

    public init(symbols: [String]? = nil, notionalUser: String? = nil, checksInvariantsEveryFrame: Bool = false, parallelism: Int = 1) {
        self.symbols = symbols
        self.notionalUser = notionalUser
        self.checksInvariantsEveryFrame = checksInvariantsEveryFrame
        self.parallelism = parallelism
    }

    /// How the replay's cursor reads the tape.
    var cursorOptions: FrameCursor.Options { FrameCursor.Options(readAheadThreads: parallelism - 1) }

    func symbols(for venue: VenueName, header: TapeHeader) -> [String] {
        if let symbols { return symbols }
        if let list = header.labels["symbols"] {
            return list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        if let symbol = header.labels["symbol"] { return [symbol] }
        return venue.defaultSymbols
    }

    func user(header: TapeHeader) -> String { notionalUser ?? header.labels["user"] ?? "" }
}
