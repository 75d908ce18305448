import TapeCore

/// One venue's WebSocket dialect over a shared simulated exchange, without I/O and without a clock.
///
/// The driver reports what happened on each connection with the time it happened and performs
/// the returned actions. All connections of one simulator trade against the same exchange, so an
/// event on one connection may produce actions for others (a fill of a resting order, a public
/// trade). The same calls in the same order give the same actions, byte for byte.
public protocol SimulatorDialect: Sendable {
    /// The venue name used on the command line (`digitex`, …).
    static var venue: String { get }

    /// A WebSocket connection was upgraded; `target` is the request path, `headers` its headers.
    mutating func connected(_ connection: ConnectionID, target: String, headers: [HTTPHeader], at now: Timestamp) -> [SimulatorAction]
    /// One whole message (text or binary) or control frame arrived on a connection.
    mutating func receivedFrame(_ connection: ConnectionID, _ kind: FrameKind, _ payload: [UInt8], at now: Timestamp) -> [SimulatorAction]
    mutating func timerFired(_ timer: SimulatorTimer, at now: Timestamp) -> [SimulatorAction]
    /// The connection is gone (closed or lost); nothing more is sent to it.
    mutating func disconnected(_ connection: ConnectionID, at now: Timestamp) -> [SimulatorAction]
    /// Runs the simulated market up to `now` (at most `maxSteps` generator steps) and returns what
    /// subscribers and traders receive because of it.
    mutating func advanceMarket(to now: Timestamp, maxSteps: Int) -> [SimulatorAction]
    /// Simulated time of the market's latest step; the next step happens after it.
    var marketTime: Timestamp { get }
}

/// Credentials a simulator accepts: API key and secret (a venue with a single token uses the key).
public struct SimulatorCredentials: Hashable, Sendable {
    public var key: String
    public var secret: String

    public init(key: String, secret: String) {
        self.key = key
        self.secret = secret
    }

    /// Parses `KEY:SECRET` (the secret may be empty); nil when there is no colon or no key.
    public init?(parsing text: String) {
        guard let colon = text.firstIndex(of: ":"), colon != text.startIndex else { return nil }
        self.key = String(text[..<colon])
        self.secret = String(text[text.index(after: colon)...])
    }
}
