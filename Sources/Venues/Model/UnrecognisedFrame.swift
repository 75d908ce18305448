/// A frame the codec could not turn into a message, with the reason and the bytes as received.
public struct UnrecognisedFrame: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Reason: Hashable, Sendable {
        case notJSON(JSONError)
        /// Valid JSON, but no message type we know (the type or channel name, when there was one).
        case unknownMessage(String?)
        case missingField(String, in: String)
        /// A field is there but its value is the wrong type, out of range or not a known spelling.
        case badField(String, in: String)
        /// A binary or other non-text frame where only text is defined.
        case unexpectedFrame(String)
    }

    public var reason: Reason
    public var raw: [UInt8]

    public init(reason: Reason, raw: [UInt8]) {
        self.reason = reason
        self.raw = raw
    }

    public var description: String {
        let why: String
        switch reason {
        case .notJSON(let error): why = error.description
        case .unknownMessage(let name): why = "unknown message type \(name ?? "(none)")"
        case .missingField(let field, let message): why = "missing field \(field) in \(message)"
        case .badField(let field, let message): why = "bad value for \(field) in \(message)"
        case .unexpectedFrame(let kind): why = "unexpected \(kind) frame"
        }
        return "unrecognised frame (\(raw.count) bytes): \(why); skipped, state unchanged"
    }
}
