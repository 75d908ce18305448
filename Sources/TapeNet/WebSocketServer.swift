import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import NIOWebSocket
import TapeCore
import WebSocketWire

/// An upgrade request as the server's owner sees it.
public struct UpgradeRequest: Sendable {
    public var target: String
    public var headers: [HTTPHeader]
    public var remoteAddress: String

    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }
}

/// The owner's answer to an upgrade request.
public enum UpgradeDecision<Session: Sendable>: Sendable {
    /// Upgrade, adding these headers to the 101 response; `session` is handed back on `accepted`.
    case accept(headers: [HTTPHeader], session: Session)
    /// Answer with this HTTP status and body instead.
    case refuse(status: Int, body: String)
}

/// A WebSocket server (ws:// or wss://) that asks its owner about each upgrade and hands it the
/// connections it accepts. permessage-deflate is agreed when the client offers it.
public final class WebSocketServer<Session: Sendable>: Sendable {
    public typealias Decide = @Sendable (UpgradeRequest, EventLoop) -> EventLoopFuture<UpgradeDecision<Session>>
    public typealias Accepted = @Sendable (WebSocketConnection, Session) -> (WebSocketEvent) -> Void

    private let channel: Channel
    /// The port the server listens on (useful with port 0).
    public let port: Int
    public let secure: Bool

    private init(channel: Channel, secure: Bool) {
        self.channel = channel
        self.port = channel.localAddress?.port ?? 0
        self.secure = secure
    }

    public var url: String { "\(secure ? "wss" : "ws")://127.0.0.1:\(port)" }

    public static func start(
        host: String,
        port: Int,
        tls: ServerTLS? = nil,
        acceptDeflate: Bool = true,
        behaviour: WebSocketBehaviour = WebSocketBehaviour(),
        group: EventLoopGroup,
        decide: @escaping Decide,
        accepted: @escaping Accepted
    ) throws -> WebSocketServer {
        let sslContext = try tls?.makeContext()
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture(withResultOf: {
                    if let sslContext {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: sslContext))
                    }
                    let pending = PendingUpgrade<Session>()
                    let upgrader = makeUpgrader(pending: pending, acceptDeflate: acceptDeflate, behaviour: behaviour,
                                                decide: decide, accepted: accepted)
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(
                        withServerUpgrade: (upgraders: [upgrader], completionHandler: { _ in })
                    )
                    let responder = RefusalResponder(pending: pending)
                    pending.responder = responder
                    try channel.pipeline.syncOperations.addHandler(responder)
                })
            }
        let channel = try bootstrap.bind(host: host, port: port).wait()
        return WebSocketServer(channel: channel, secure: tls != nil)
    }

    private static func makeUpgrader(
        pending: PendingUpgrade<Session>, acceptDeflate: Bool, behaviour: WebSocketBehaviour,
        decide: @escaping Decide, accepted: @escaping Accepted
    ) -> NIOWebSocketServerUpgrader {
        NIOWebSocketServerUpgrader(
            maxFrameSize: WebSocketClient.maxFrameSize,
            automaticErrorHandling: true,
            shouldUpgrade: { channel, head in
                let request = UpgradeRequest(
                    target: head.uri, headers: head.headers.tapeHeaders,
                    remoteAddress: channel.remoteAddress?.description ?? "?"
                )
                return decide(request, channel.eventLoop).map { decision -> HTTPHeaders? in
                    switch decision {
                    case .refuse(let status, let body):
                        pending.refusal = (status, body)
                        return nil
                    case .accept(let headers, let session):
                        var response = HTTPHeaders(headers.map { ($0.name, $0.value) })
                        let offers = head.headers[canonicalForm: "Sec-WebSocket-Extensions"].joined(separator: ", ")
                        if acceptDeflate, let deflate = PerMessageDeflateParameters.accept(offers: offers) {
                            response.add(name: "Sec-WebSocket-Extensions", value: deflate.description)
                            pending.deflate = deflate
                        }
                        pending.session = session
                        pending.responseHeaders = response.tapeHeaders
                        return response
                    }
                }
            },
            upgradePipelineHandler: { channel, head in
                channel.eventLoop.makeCompletedFuture(withResultOf: {
                    guard let session = pending.session else {
                        preconditionFailure("upgraded a connection that was not accepted")
                    }
                    let handshake = WebSocketHandshake(
                        url: head.uri, requestHeaders: head.headers.tapeHeaders,
                        responseHeaders: pending.responseHeaders, deflate: pending.deflate
                    )
                    let handler = WebSocketMessageHandler(role: .server, deflate: pending.deflate, behaviour: behaviour) { _ in }
                    let connection = WebSocketConnection(channel: channel, handler: handler, handshake: handshake)
                    // The refusal responder speaks HTTP: once upgraded, frames must not reach it. The
                    // upgrader appended the WebSocket codec, so the message handler goes last.
                    if let responder = pending.responder {
                        channel.pipeline.syncOperations.removeHandler(responder, promise: nil)
                        pending.responder = nil
                    }
                    try channel.pipeline.syncOperations.addHandler(handler)
                    // Only now may the session send: what it sends while it is being accepted (a
                    // greeting, a refusal) needs the handler in the pipeline.
                    handler.onEvent = accepted(connection, session)
                })
            }
        )
    }

    /// Stops listening; connections already open go on until they close.
    public func close() throws {
        try channel.close().wait()
    }
}

/// What the upgrade decision left for the pipeline of one connection (one per channel, used only on
/// its event loop).
private final class PendingUpgrade<Session>: @unchecked Sendable {
    var session: Session?
    var deflate: PerMessageDeflateParameters?
    var responseHeaders: [HTTPHeader] = []
    var refusal: (status: Int, body: String)?
    var responder: (any RemovableChannelHandler)?
}

/// Answers requests that were not upgraded: refused upgrades with the owner's status, anything else
/// with 426 Upgrade Required.
private final class RefusalResponder<Session>: ChannelInboundHandler, RemovableChannelHandler, @unchecked Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let pending: PendingUpgrade<Session>

    init(pending: PendingUpgrade<Session>) {
        self.pending = pending
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .end = unwrapInboundIn(data) else { return }
        let (code, text) = pending.refusal ?? (426, "this endpoint speaks WebSocket only")
        let body = context.channel.allocator.buffer(string: text + "\n")
        var headers = HTTPHeaders([("Content-Length", "\(body.readableBytes)"), ("Connection", "close")])
        headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
        let head = HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: code), headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in context.close(promise: nil) }
    }
}
