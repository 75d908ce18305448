/// Everything that can go wrong reading or writing a tape, with where it happened and what to do.
///
/// Messages follow "what happened: where; what to do", so a CLI can print `description` as is.
public struct TapeError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Code: String, Sendable {
        case cannotOpen = "cannot-open"
        case cannotWrite = "cannot-write"
        case empty
        case notATape = "not-a-tape"
        case newerVersion = "newer-version"
        case badHeader = "bad-header"
        case damagedBlock = "damaged-block"
        case invalidFrame = "invalid-frame"
        case writerClosed = "writer-closed"
        case outOfRange = "out-of-range"
    }

    public var code: Code
    /// The file (or a name for an in-memory tape) the error is about.
    public var file: String
    /// Byte offset in the file, where one applies.
    public var offset: Int?
    /// What happened and what to do, without the file and offset (those are added by `description`).
    public var detail: String
    public var remedy: String

    public init(_ code: Code, file: String, offset: Int? = nil, _ detail: String, remedy: String) {
        self.code = code
        self.file = file
        self.offset = offset
        self.detail = detail
        self.remedy = remedy
    }

    public var description: String {
        let place = offset.map { "\(file) at offset \($0)" } ?? file
        return "\(detail): \(place); \(remedy)"
    }
}
