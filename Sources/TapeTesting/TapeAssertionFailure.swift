import TapeCore

/// A failed expectation about a replayed tape: says what was expected, what the tape did, and
/// where (frame number and time). Thrown, so it fails a Swift Testing test and an XCTest alike.
public struct TapeAssertionFailure: Error, CustomStringConvertible, Sendable {
    public var message: String
    /// The frame the failure is about, when there is one.
    public var frame: Int?
    public var time: Timestamp?

    public init(_ message: String, frame: Int? = nil, time: Timestamp? = nil, remedy: String? = nil) {
        var text = message
        if let frame { text += " at frame \(frame)" }
        if let time { text += " (t=\(time) s)" }
        if let remedy { text += "; \(remedy)" }
        self.message = text
        self.frame = frame
        self.time = time
    }

    public var description: String { message }
}
