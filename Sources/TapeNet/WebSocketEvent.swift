import TapeCore
import WebSocketWire

/// What happened on a WebSocket connection, as its owner hears it (on the connection's event loop).
public enum WebSocketEvent: Sendable {
    /// A whole message or control frame: text, binary (reassembled and inflated), ping, pong, close.
    case received(FrameKind, [UInt8])
    /// The connection ended after a close handshake, or cleanly.
    case closed
    /// The connection ended without a close handshake; the reason says how.
    case lost(String)
}

/// Which end of the connection we are: clients mask what they send (RFC 6455 §5.3).
public enum WebSocketRole: Sendable {
    case client
    case server
}

/// What a connection does on its own, without asking its owner.
public struct WebSocketBehaviour: Sendable {
    /// Answer a close frame with the same code and close (an endpoint); a proxy forwards it instead.
    public var answersClose = true
    /// Largest message accepted after reassembly and inflation; larger ones close with 1009.
    public var maxMessageSize = 64 << 20

    public init(answersClose: Bool = true, maxMessageSize: Int = 64 << 20) {
        self.answersClose = answersClose
        self.maxMessageSize = maxMessageSize
    }
}

/// What the handshake settled, for the `opened` frame and for compression.
public struct WebSocketHandshake: Sendable {
    /// The URL (client side) or request target (server side).
    public var url: String
    public var requestHeaders: [HTTPHeader]
    public var responseHeaders: [HTTPHeader]
    public var deflate: PerMessageDeflateParameters?

    /// The `opened` frame payload: the URL, then the request's headers and the response's.
    public var opened: ConnectionOpened {
        ConnectionOpened(url: url, headers: requestHeaders + responseHeaders)
    }
}
