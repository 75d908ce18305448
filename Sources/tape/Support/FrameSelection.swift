import ArgumentParser
import TapeCore
import TapeFormat

/// The frame filters shared by `cat` and `export`.
struct FrameSelection: ParsableArguments {
    @Option(name: .customLong("connection"), help: "Keep frames of this connection id (repeatable).")
    var connections: [UInt32] = []

    @Option(help: "Keep frames in this direction: in (venue to client) or out.")
    var direction: String?

    @Option(name: .customLong("kind"), help: "Keep frames of this kind (repeatable): text, binary, ping, pong, close, opened, closed, lost, error, annotation.")
    var kinds: [String] = []

    @Option(help: "Keep frames at or after this time, in seconds since the tape's start (e.g. 12.5).")
    var from: String?

    @Option(help: "Keep frames at or before this time, in seconds since the tape's start.")
    var to: String?

    @Option(help: "Keep frames numbered at least this (frames are numbered from 0).")
    var fromFrame: Int?

    @Option(help: "Keep frames numbered at most this.")
    var toFrame: Int?

    @Option(help: "Keep frames whose payload contains this text.")
    var contains: String?

    func validate() throws {
        _ = try filter()
    }

    func filter() throws -> FrameFilter {
        var filter = FrameFilter()
        filter.connections = Set(connections.map(ConnectionID.init))
        if let direction {
            guard let parsed = Direction(name: direction) else {
                throw ValidationError("--direction must be 'in' or 'out', not '\(direction)'")
            }
            filter.directions = [parsed]
        }
        for name in kinds {
            guard let kind = FrameKind(name: name) else {
                throw ValidationError("unknown --kind '\(name)'; use one of \(FrameKind.allCases.map(\.description).joined(separator: ", "))")
            }
            filter.kinds.insert(kind)
        }
        let lower = try from.map { try parseSeconds($0, flag: "--from") } ?? Timestamp(nanoseconds: 0)
        let upper = try to.map { try parseSeconds($0, flag: "--to") } ?? Timestamp(nanoseconds: .max)
        guard lower <= upper else { throw ValidationError("--from must not be later than --to") }
        if from != nil || to != nil { filter.timeRange = lower...upper }
        if fromFrame != nil || toFrame != nil {
            let first = fromFrame ?? 0
            let last = toFrame ?? .max
            guard first >= 0, first <= last else { throw ValidationError("--from-frame must be ≥ 0 and ≤ --to-frame") }
            filter.frameRange = first...last
        }
        if let contains { filter.payloadContains = Array(contains.utf8) }
        return filter
    }

    /// Opens a cursor at the earliest frame the filter can match, so a late range is a seek, not a scan.
    func cursor(on reader: TapeReader, filter: FrameFilter) -> FrameCursor {
        var options = FrameCursor.Options()
        options.skipDamaged = true
        if let frameRange = filter.frameRange { return reader.cursor(fromFrame: frameRange.lowerBound, options: options) }
        if let timeRange = filter.timeRange { return reader.cursor(fromTime: timeRange.lowerBound, options: options) }
        return reader.cursor(options: options)
    }

    /// True once no later frame can match (past the end of the time or frame range).
    func isPastEnd(_ recorded: RecordedFrame, filter: FrameFilter) -> Bool {
        if let range = filter.frameRange, recorded.number > range.upperBound { return true }
        if let range = filter.timeRange, recorded.frame.time > range.upperBound { return true }
        return false
    }
}

/// Parses "12", "12.5" or "0.000000001" seconds exactly into a timestamp.
func parseSeconds(_ text: String, flag: String) throws -> Timestamp {
    let parts = text.split(separator: ".", omittingEmptySubsequences: false)
    guard (1...2).contains(parts.count), let whole = Int64(parts[0]), whole >= 0,
          parts.count == 1 || (parts[1].count <= 9 && parts[1].allSatisfy(\.isNumber))
    else {
        throw ValidationError("\(flag) takes seconds since the tape's start, like 12 or 12.5, not '\(text)'")
    }
    let fraction = parts.count == 2 ? parts[1] + String(repeating: "0", count: 9 - parts[1].count) : "0"
    return Timestamp(nanoseconds: whole * 1_000_000_000 + (Int64(fraction) ?? 0))
}
