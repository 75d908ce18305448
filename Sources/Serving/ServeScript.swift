import TapeCore

/// What a replay server plays to one client for one recorded connection: the frames to send and
/// (cassette mode) to expect, in tape order, and how the connection ended.
public struct ServeScript: Hashable, Sendable {
    public var connection: ConnectionID
    /// The URL recorded in the connection's `opened` frame.
    public var url: String
    /// The path of that URL ("/" when it has none): clients asking for this path get this script.
    public var path: String
    /// The frame number and time of the `opened` frame; the first step is paced from this time.
    public var openedFrame: Int
    public var openedAt: Timestamp
    public var steps: [ServeStep]
    public var ending: ServeEnding
    /// When the recording ended the connection (the `closed`/`lost` frame, else the last step).
    public var endingTime: Timestamp

    public init(
        connection: ConnectionID, url: String, openedFrame: Int, openedAt: Timestamp,
        steps: [ServeStep] = [], ending: ServeEnding = .endOfTape, endingTime: Timestamp? = nil
    ) {
        self.connection = connection
        self.url = url
        self.path = ServeScript.path(of: url)
        self.openedFrame = openedFrame
        self.openedAt = openedAt
        self.steps = steps
        self.ending = ending
        self.endingTime = endingTime ?? steps.last?.time ?? openedAt
    }

    /// Frames the server sends (venue → client).
    public var sendCount: Int { steps.reduce(0) { $0 + ($1.role == .send ? 1 : 0) } }
    /// Frames the client is expected to send (client → venue), for cassette mode.
    public var expectCount: Int { steps.reduce(0) { $0 + ($1.role == .expect ? 1 : 0) } }
    /// Inbound text, binary, ping and pong frames: what a client came for.
    public var messageCount: Int {
        steps.reduce(0) { $0 + ($1.role == .send && $1.kind != .close ? 1 : 0) }
    }

    /// The path of a URL or request target, without scheme, host or query: "wss://h/v1?x" → "/v1".
    public static func path(of url: String) -> String {
        var rest = Substring(url)
        if let scheme = rest.range(of: "://") {
            rest = rest[scheme.upperBound...]
            rest = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }).map { rest[$0...] } ?? ""
        }
        if let end = rest.firstIndex(where: { $0 == "?" || $0 == "#" }) { rest = rest[..<end] }
        return rest.isEmpty ? "/" : String(rest)
    }
}
