import Foundation
import Replay
import TapeCore
import Venues
import TapeFormat

/// Builds small tapes from documented message sequences (JSON lines, one message a line), for
/// tests and examples while there are no venue recordings.
///
/// Frame 0 opens connection 0 (`opened`, outbound, with the venue's URL); each message follows,
/// `spacing` apart, outbound when the venue's command decoder reads it as a request
/// (`VenueName.isRequest`) and inbound otherwise; a `closed` frame ends the tape.
public enum SequenceTape {
    /// Wall-clock start written into generated tapes: fixed, so the same lines give the same tape.
    public static let wallClockStart: Int64 = 1_597_736_000_000_000_000

    /// The frames a sequence turns into.
    public static func frames(venue: VenueName, lines: [[UInt8]], spacing: Timestamp.Duration = .milliseconds(1),
                              url: String? = nil) -> [Frame] {
        let connection = ConnectionID(0)
        var frames = [Frame(time: .zero, direction: .outbound, connection: connection, kind: .opened,
                            payload: ConnectionOpened(url: url ?? "wss://\(venue.rawValue).example").payload)]
        var time = Timestamp.zero
        for line in lines where !line.isEmpty {
            time = time + spacing
            frames.append(Frame(time: time, direction: venue.isRequest(line) ? .outbound : .inbound,
                                connection: connection, kind: .text, payload: venue.redactionRules.redact(line)))
        }
        frames.append(Frame(time: time + spacing, direction: .inbound, connection: connection, kind: .closed, payload: []))
        return frames
    }

    /// Reads JSON lines from files (blank lines skipped) and writes a tape of them to `path`
    /// (replacing it). `labels` go into the header.
    @discardableResult
    public static func write(venue: VenueName, files: [String], to path: String, labels: [String: String] = [:],
                             spacing: Timestamp.Duration = .milliseconds(1)) throws -> Int {
        var lines: [[UInt8]] = []
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw TapeError(.cannotOpen, file: file, "cannot read the sequence file", remedy: "check the path")
            }
            lines += data.split(separator: UInt8(ascii: "\n")).map { Array($0) }.filter { !$0.allSatisfy { $0 == 0x20 || $0 == 0x0D } }
        }
        return try write(venue: venue, lines: lines, to: path, labels: labels, spacing: spacing)
    }

    /// Writes a tape of `lines` to `path` (replacing it).
    @discardableResult
    public static func write(venue: VenueName, lines: [[UInt8]], to path: String, labels: [String: String] = [:],
                             spacing: Timestamp.Duration = .milliseconds(1)) throws -> Int {
        let frames = frames(venue: venue, lines: lines, spacing: spacing)
        var options = TapeWriter.Options()
        options.overwrite = true
        let header = TapeHeader(venue: venue.rawValue, endpoints: ["wss://\(venue.rawValue).example"],
                                wallClockStartNanoseconds: wallClockStart, toolVersion: "tapedeck-sequence",
                                labels: labels)
        let writer = try TapeWriter(path: path, header: header, options: options)
        for frame in frames { try writer.append(frame) }
        try writer.close()
        return frames.count
    }
}
