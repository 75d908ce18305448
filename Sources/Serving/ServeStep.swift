import TapeCore

/// One recorded frame in a replay session's script: a frame to send to the client, or (in cassette
/// mode) a frame the client is expected to send before the script goes on.
public struct ServeStep: Hashable, Sendable {
    public enum Role: Hashable, Sendable {
        /// A venue → client frame: the server sends it at its (paced) time.
        case send
        /// A client → venue frame: in cassette mode the server waits for a matching one.
        case expect
    }

    public var role: Role
    /// The frame's number on the tape, as `tape cat` shows it; mismatches name it.
    public var frame: Int
    /// When it was recorded, on the tape's time line.
    public var time: Timestamp
    /// text, binary, ping, pong or close.
    public var kind: FrameKind
    public var payload: [UInt8]

    public init(role: Role, frame: Int, time: Timestamp, kind: FrameKind, payload: [UInt8]) {
        precondition(kind.isWebSocketFrame, "a script step is a WebSocket frame, not \(kind)")
        self.role = role
        self.frame = frame
        self.time = time
        self.kind = kind
        self.payload = payload
    }
}

/// How a recorded connection ended, and so how its replay ends once every step is done.
public enum ServeEnding: Hashable, Sendable {
    /// A close frame is in the script: the close handshake ends the session, nothing more to do.
    case closeHandshake
    /// The connection ended without a close frame (`closed` after a plain TCP close, or `lost`):
    /// the server drops the socket at the recorded time.
    case drop(reason: String)
    /// The tape stops before the connection ended: the server closes with 1000 "end of tape".
    case endOfTape
    /// The tape is damaged and the rest of the connection is unreadable: the server closes with
    /// 1011 and this note.
    case damaged(String)
}
