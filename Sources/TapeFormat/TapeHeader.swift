import Foundation

/// What a tape says about itself: the first line of its first member, as one JSON object.
public struct TapeHeader: Codable, Equatable, Sendable {
    /// Always "tapedeck": tells a tape from any other gzip file that happens to carry a TD subfield.
    public var format: String = "tapedeck"
    /// The format version that wrote the tape, `major.minor`.
    public var version: String = TapeVersion.string
    /// The venue dialect of the session (`digitex`, `qfex`, …), or a free name for imports.
    public var venue: String
    /// The URLs the session connected to, in the order first used.
    public var endpoints: [String]
    /// Unix time in nanoseconds at which the tape's time line starts (its frame time zero).
    public var wallClockStartNanoseconds: Int64
    /// The Tapedeck (or importer) version that wrote the tape.
    public var toolVersion: String
    /// Free-form labels (`symbol`, `strategy`, `host`, …); written with sorted keys.
    public var labels: [String: String]

    public init(
        venue: String,
        endpoints: [String] = [],
        wallClockStartNanoseconds: Int64,
        toolVersion: String = TapedeckVersion.string,
        labels: [String: String] = [:]
    ) {
        self.venue = venue
        self.endpoints = endpoints
        self.wallClockStartNanoseconds = wallClockStartNanoseconds
        self.toolVersion = toolVersion
        self.labels = labels
    }

    /// One line of JSON with sorted keys, so the same header is always the same bytes.
    func encodedLine() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding a struct of strings and integers cannot fail.
        let json = try! encoder.encode(self)
        return Array(json) + [UInt8(ascii: "\n")]
    }

    static func decode(line: [UInt8]) throws -> TapeHeader {
        try JSONDecoder().decode(TapeHeader.self, from: Data(line))
    }

    /// The tape's start as an ISO 8601 UTC string with nanoseconds, for people.
    public var wallClockStartDescription: String {
        wallClockDescription(at: 0)
    }

    /// The absolute wall-clock time of a point on the tape's time line, ISO 8601 UTC, nanoseconds.
    public func wallClockDescription(at nanosecondsSinceStart: Int64) -> String {
        let total = wallClockStartNanoseconds + nanosecondsSinceStart
        let seconds = total.quotientAndRemainderFlooring(dividingBy: 1_000_000_000)
        let date = Date(timeIntervalSince1970: TimeInterval(seconds.quotient))
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let fraction = String(seconds.remainder)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%@Z",
            parts.year!, parts.month!, parts.day!, parts.hour!, parts.minute!, parts.second!,
            String(repeating: "0", count: 9 - fraction.count) + fraction
        )
    }
}

extension Int64 {
    fileprivate func quotientAndRemainderFlooring(dividingBy divisor: Int64) -> (quotient: Int64, remainder: Int64) {
        var (quotient, remainder) = quotientAndRemainder(dividingBy: divisor)
        if remainder < 0 {
            quotient -= 1
            remainder += divisor
        }
        return (quotient, remainder)
    }
}

/// The version of Tapedeck itself, written into every tape header it produces.
public enum TapedeckVersion {
    public static let string = "0.1.0"
}
