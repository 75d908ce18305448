import Foundation
import TapeCore
import Venues
import TapeFormat

/// Where a replay of a damaged tape stopped.
public struct ReplayStop: Equatable, Sendable, CustomStringConvertible {
    /// The first frame that was not replayed.
    public var frame: Int
    /// Byte offset of the damage in the file.
    public var offset: Int
    public var reason: String

    public var description: String { "stopped before frame \(frame) at byte offset \(offset): \(reason)" }
}

/// What a replay produced: the final state, counts, anomalies, the digest, and where it stopped
/// if the tape was damaged.
public struct ReplayResult: Sendable {
    public var tape: String
    public var venue: VenueName
    public var configuration: ReplayConfiguration
    public var frameCount: Int
    public var session: ReplaySession
    public var state: ReplayState
    /// `sha256:` and 64 hex digits; nil when the digest was not asked for.
    public var digest: String?
    public var stop: ReplayStop?

    /// Events by type name, sorted by name, with their counts (types that never occurred left out).
    public var eventCounts: [(type: String, count: Int)] {
        zip(EventType.names, session.eventCounts).filter { $0.1 > 0 }.map { ($0.0, $0.1) }.sorted { $0.type < $1.type }
    }

    /// The summary as lines of text, the same bytes on every run.
    public var summaryLines: [String] {
        var lines: [String] = []
        lines.append("tape        \(tape)")
        lines.append("venue       \(venue.rawValue)")
        lines.append("frames      \(session.framesApplied) of \(frameCount) replayed, up to \(state.time) s of tape time")
        lines.append("timers      \(session.timersFired) fired")
        lines.append("events      \(session.eventCount)")
        for (type, count) in eventCounts { lines.append("  \(type.padding(toLength: 24, withPad: " ", startingAt: 0))\(count)") }
        lines.append("state")
        lines += state.descriptionLines.map { "  " + $0 }
        lines.append("anomalies   \(session.anomalyCount)")
        for anomaly in session.anomalies.prefix(10) {
            if case .anomaly(let detail) = anomaly.event {
                lines.append("  frame \(anomaly.frame.map(String.init) ?? "-") at \(anomaly.time) \(anomaly.connection): \(detail)")
            }
        }
        if session.anomalyCount > 10 { lines.append("  … \(session.anomalyCount - 10) more (see --events)") }
        lines.append("invariants  " + (session.violations.isEmpty ? "hold" : "\(session.violations.count) broken"))
        for violation in session.violations.prefix(10) { lines.append("  \(violation)") }
        if session.noteCount > 0 {
            lines.append("notes       \(session.noteCount)")
            for note in session.notes.prefix(10) { lines.append("  \(note)") }
        }
        if let stop { lines.append("damage      \(stop)") }
        if let digest { lines.append("digest      \(digest)") }
        return lines
    }
}
