/// What a frame is. The WebSocket kinds carry the message bytes; the connection-level kinds carry
/// a small encoding of their own (see `ConnectionOpened`, `CloseInfo`), so that every kind is just
/// bytes on the tape and nothing needs a second schema.
public enum FrameKind: UInt8, CaseIterable, Hashable, Sendable, CustomStringConvertible {
    /// A WebSocket text message (UTF-8 as sent; not validated on write).
    case text = 0
    /// A WebSocket binary message.
    case binary = 1
    /// A WebSocket ping; payload is the ping's application data.
    case ping = 2
    /// A WebSocket pong; payload is the pong's application data.
    case pong = 3
    /// A WebSocket close frame; payload is its body: 2-byte big-endian code, then the UTF-8 reason.
    case close = 4
    /// The connection opened; payload is a `ConnectionOpened` (URL and handshake headers).
    case opened = 5
    /// The connection ended in an orderly way (after a close handshake or a clean TCP close).
    case closed = 6
    /// The connection was lost (reset, timeout, TLS failure); payload is a UTF-8 reason.
    case lost = 7
    /// An error seen on the connection that did not end it; payload is a UTF-8 description.
    case error = 8
    /// A note added by a person or tool (a gap, a reconnect, a marker); payload is UTF-8 text.
    case annotation = 9

    /// The short name used in tapes, JSON lines and filters.
    public var description: String {
        switch self {
        case .text: "text"
        case .binary: "binary"
        case .ping: "ping"
        case .pong: "pong"
        case .close: "close"
        case .opened: "opened"
        case .closed: "closed"
        case .lost: "lost"
        case .error: "error"
        case .annotation: "annotation"
        }
    }

    public init?(name: String) {
        guard let kind = FrameKind.allCases.first(where: { $0.description == name }) else { return nil }
        self = kind
    }

    /// True for the kinds that are WebSocket messages on the wire (as opposed to connection events).
    public var isWebSocketFrame: Bool {
        switch self {
        case .text, .binary, .ping, .pong, .close: true
        case .opened, .closed, .lost, .error, .annotation: false
        }
    }
}
