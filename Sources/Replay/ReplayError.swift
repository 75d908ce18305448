/// What can stop a replay, a verify or a step session before it starts, or while it runs, with
/// where and what to do. `description` reads "what happened: where; what to do".
public struct ReplayError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Code: String, Sendable {
        /// The tape's header names a venue that has no client here.
        case unknownVenue = "unknown-venue"
        /// The tape could not be opened or read (the `TapeError` text is in `detail`).
        case unreadableTape = "unreadable-tape"
        /// A step-debugger script line or condition did not parse.
        case badScript = "bad-script"
        /// A frame number or time outside the tape.
        case outOfRange = "out-of-range"
    }

    public var code: Code
    /// The file, script or tape the error is about.
    public var place: String
    public var detail: String
    public var remedy: String

    public init(_ code: Code, place: String, _ detail: String, remedy: String) {
        self.code = code
        self.place = place
        self.detail = detail
        self.remedy = remedy
    }

    public var description: String { "\(detail): \(place); \(remedy)" }
}
