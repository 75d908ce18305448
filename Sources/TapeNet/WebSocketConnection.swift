import NIOCore
import NIOHTTP1
import TapeCore

/// A live WebSocket connection. `send` and `close` may be called from any thread; events arrive on
/// the connection's event loop through the closure its owner gave.
public final class WebSocketConnection: Sendable {
    public let handshake: WebSocketHandshake
    let channel: Channel
    private let handler: NIOLoopBound<WebSocketMessageHandler>

    init(channel: Channel, handler: WebSocketMessageHandler, handshake: WebSocketHandshake) {
        self.channel = channel
        self.handler = NIOLoopBound(handler, eventLoop: channel.eventLoop)
        self.handshake = handshake
    }

    /// Sends a message (text, binary) or control frame (ping, pong, close body).
    public func send(_ kind: FrameKind, _ payload: [UInt8]) {
        let handler = self.handler
        if channel.eventLoop.inEventLoop {
            handler.value.send(kind, payload)
        } else {
            channel.eventLoop.execute { handler.value.send(kind, payload) }
        }
    }

    /// On the event loop: sends without flushing; `flushBatch()` writes the batch out (the replay
    /// server's fast path: one socket write per batch instead of per frame).
    func sendInBatch(_ kind: FrameKind, _ payload: [UInt8]) {
        handler.value.send(kind, payload, flush: false)
    }

    /// On the event loop: writes out what `sendInBatch` left waiting.
    func flushBatch() {
        handler.value.flush()
    }

    /// Starts the close handshake.
    public func close(code: UInt16 = 1000, reason: String = "") {
        send(.close, CloseInfo(code: code, reason: reason).payload)
    }

    /// Drops the connection without a close handshake.
    public func abort() {
        channel.close(promise: nil)
    }

    /// Calls `body` (on this connection's event loop) when its send buffer fills past the high-water
    /// mark (false) and when it drains again (true): the signal to pause and resume a producer.
    public func onWritabilityChange(_ body: @escaping @Sendable (Bool) -> Void) {
        let handler = self.handler
        channel.eventLoop.execute { handler.value.onWritabilityChange = body }
    }

    /// Stops (false) or resumes (true) reading from the socket: back-pressure on the peer.
    public func setReading(_ reading: Bool) {
        channel.setOption(ChannelOptions.autoRead, value: reading).whenSuccess { [channel] in
            if reading { channel.read() }
        }
    }

    /// Completes when the socket has closed.
    public var closed: EventLoopFuture<Void> { channel.closeFuture }

    public var eventLoop: EventLoop { channel.eventLoop }
}

extension HTTPHeaders {
    var tapeHeaders: [HTTPHeader] { map { HTTPHeader(name: $0.name, value: $0.value) } }
}
