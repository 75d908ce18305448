import NIOCore
import NIOWebSocket
import TapeCore
import WebSocketWire

/// Turns WebSocket frames into whole messages and back: reassembles fragments, inflates and
/// deflates permessage-deflate messages, masks as a client must, and runs the close handshake.
/// Everything it hears goes to `onEvent`, on the channel's event loop.
final class WebSocketMessageHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    private let role: WebSocketRole
    private let behaviour: WebSocketBehaviour
    /// Set once when the connection is handed to its owner, before any frame is read.
    var onEvent: (WebSocketEvent) -> Void
    /// Told when the socket's send buffer passes its high-water mark (false) or drains (true).
    var onWritabilityChange: ((Bool) -> Void)?
    private let inflater: PerMessageInflater?
    private let deflater: PerMessageDeflater?
    private var context: ChannelHandlerContext?

    private var fragmentKind: FrameKind?
    private var fragmentCompressed = false
    private var fragments = ByteBuffer()
    private var sentClose = false
    /// Our close frame is on the wire (its write completed): only then may the socket close.
    private var closeWritten = false
    private var receivedClose = false
    private var reported = false

    init(role: WebSocketRole, deflate: PerMessageDeflateParameters?, behaviour: WebSocketBehaviour,
         onEvent: @escaping (WebSocketEvent) -> Void) {
        self.role = role
        self.behaviour = behaviour
        self.onEvent = onEvent
        if let deflate {
            // "server_*" parameters govern what the server sends, "client_*" what the client sends.
            let (receiveNoContext, sendNoContext, sendBits) = role == .client
                ? (deflate.serverNoContextTakeover, deflate.clientNoContextTakeover, deflate.clientMaxWindowBits)
                : (deflate.clientNoContextTakeover, deflate.serverNoContextTakeover, deflate.serverMaxWindowBits)
            inflater = PerMessageInflater(noContextTakeover: receiveNoContext, maxMessageSize: behaviour.maxMessageSize)
            deflater = PerMessageDeflater(noContextTakeover: sendNoContext, windowBits: max(9, sendBits ?? 15))
        } else {
            inflater = nil
            deflater = nil
        }
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    // MARK: Receiving

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.opcode {
        case .text, .binary:
            guard fragmentKind == nil else { return fail(context, code: .protocolError, "a new message started inside a fragmented one") }
            fragmentKind = frame.opcode == .text ? .text : .binary
            fragmentCompressed = frame.rsv1
            fragments.clear()
            append(frame, context: context)
        case .continuation:
            guard fragmentKind != nil else { return fail(context, code: .protocolError, "a continuation frame with no message to continue") }
            append(frame, context: context)
        case .ping:
            onEvent(.received(.ping, Array(buffer: frame.unmaskedData)))
        case .pong:
            onEvent(.received(.pong, Array(buffer: frame.unmaskedData)))
        case .connectionClose:
            receivedClose = true
            let body = Array(buffer: frame.unmaskedData)
            onEvent(.received(.close, body))
            if behaviour.answersClose && !sentClose {
                let code = CloseInfo(payload: body)?.code
                send(.close, code.map { [UInt8($0 >> 8), UInt8($0 & 0xff)] } ?? [])
            }
            closeIfHandshakeDone(context)
        default:
            fail(context, code: .protocolError, "an unknown opcode \(frame.opcode)")
        }
    }

    private func append(_ frame: WebSocketFrame, context: ChannelHandlerContext) {
        var data = frame.unmaskedData
        guard fragments.readableBytes + data.readableBytes <= behaviour.maxMessageSize else {
            return fail(context, code: .messageTooLarge, "a message over \(behaviour.maxMessageSize) bytes")
        }
        fragments.writeBuffer(&data)
        guard frame.fin, let kind = fragmentKind else { return }
        fragmentKind = nil
        var payload = Array(buffer: fragments)
        fragments.clear()
        if fragmentCompressed {
            guard let inflater else { return fail(context, code: .protocolError, "a compressed message without permessage-deflate") }
            do {
                payload = try inflater.inflate(payload)
            } catch {
                return fail(context, code: .dataInconsistentWithMessage, "\(error)")
            }
        }
        onEvent(.received(kind, payload))
    }

    // MARK: Sending

    /// Sends a message or control frame; text and binary are compressed when negotiated. Without
    /// `flush`, the frame waits for the next `flush()` (a batch costs one write to the socket).
    func send(_ kind: FrameKind, _ payload: [UInt8], flush: Bool = true) {
        guard let context else { return }
        let opcode: WebSocketOpcode
        var bytes = payload
        var compressed = false
        switch kind {
        case .text, .binary:
            opcode = kind == .text ? .text : .binary
            if let deflater {
                bytes = deflater.deflate(payload)
                compressed = true
            }
        case .ping: opcode = .ping
        case .pong: opcode = .pong
        case .close:
            guard !sentClose else { return }
            sentClose = true
            opcode = .connectionClose
        case .opened, .closed, .lost, .error, .annotation:
            preconditionFailure("\(kind) is a connection event, not something to send")
        }
        let frame = WebSocketFrame(
            fin: true, rsv1: compressed, opcode: opcode,
            maskKey: role == .client ? .random() : nil,
            data: context.channel.allocator.buffer(bytes: bytes)
        )
        guard kind == .close else {
            if flush {
                context.writeAndFlush(wrapOutboundOut(frame), promise: nil)
            } else {
                context.write(wrapOutboundOut(frame), promise: nil)
            }
            return
        }
        context.writeAndFlush(wrapOutboundOut(frame)).whenComplete { [self] _ in
            closeWritten = true
            closeIfHandshakeDone(context)
        }
    }

    /// Writes out what `send(_:_:flush: false)` left waiting.
    func flush() {
        context?.flush()
    }

    private func closeIfHandshakeDone(_ context: ChannelHandlerContext) {
        guard closeWritten && receivedClose else { return }
        context.close(promise: nil)
    }

    private func fail(_ context: ChannelHandlerContext, code: WebSocketErrorCode, _ reason: String) {
        report(.lost("protocol error: \(reason)"))
        var body = context.channel.allocator.buffer(capacity: 2)
        body.write(webSocketErrorCode: code)
        let frame = WebSocketFrame(fin: true, opcode: .connectionClose, maskKey: role == .client ? .random() : nil, data: body)
        sentClose = true
        context.writeAndFlush(wrapOutboundOut(frame)).whenComplete { _ in context.close(promise: nil) }
    }

    // MARK: Ending

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        onWritabilityChange?(context.channel.isWritable)
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        report(sentClose && receivedClose ? .closed : .lost("the connection closed without a close handshake"))
        fragments = ByteBuffer()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        report(.lost("\(error)"))
        context.close(promise: nil)
    }

    private func report(_ ending: WebSocketEvent) {
        guard !reported else { return }
        reported = true
        onEvent(ending)
    }
}
