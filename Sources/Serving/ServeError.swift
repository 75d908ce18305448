/// Why a tape cannot be served, or a client cannot be given a connection.
///
/// Messages follow "what happened: where; what to do", so a CLI can print `description` as is.
public struct ServeError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Code: String, Hashable, Sendable {
        /// No connection in the tape has an `opened` frame.
        case noConnections = "no-connections"
        /// The connections have no venue → client frames to send.
        case noInboundFrames = "no-inbound-frames"
        /// A client asked for a connection id the tape does not serve.
        case unknownConnection = "unknown-connection"
    }

    public var code: Code
    public var detail: String
    public var place: String
    public var remedy: String

    public init(_ code: Code, _ detail: String, place: String, remedy: String) {
        self.code = code
        self.detail = detail
        self.place = place
        self.remedy = remedy
    }

    public var description: String { "\(detail): \(place); \(remedy)" }
}
