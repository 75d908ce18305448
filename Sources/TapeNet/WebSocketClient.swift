import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import NIOWebSocket
import TapeCore
import WebSocketWire

/// Why a connection could not be opened, in words for the command line.
public struct ConnectError: Error, CustomStringConvertible, Sendable {
    public enum Reason: Sendable {
        case unreachable
        case tls
        case refused(status: Int)
        case handshake
    }

    public var reason: Reason
    public var url: String
    public var detail: String

    public var description: String { "\(detail): \(url)" }
}

/// Opens WebSocket connections (ws:// and wss://), offering permessage-deflate.
public enum WebSocketClient {
    /// Largest frame accepted from a server (messages are bounded by `WebSocketBehaviour`).
    static let maxFrameSize = 64 << 20

    public static func connect(
        to url: WebSocketURL,
        headers: [HTTPHeader] = [],
        offerDeflate: Bool = true,
        tls: ClientTLS = ClientTLS(),
        behaviour: WebSocketBehaviour = WebSocketBehaviour(),
        group: EventLoopGroup,
        onEvent: @escaping @Sendable (WebSocketEvent) -> Void
    ) -> EventLoopFuture<WebSocketConnection> {
        let eventLoop = group.next()
        let opened = eventLoop.makePromise(of: WebSocketConnection.self)
        let sslContext: NIOSSLContext?
        do {
            sslContext = url.secure ? try tls.makeContext() : nil
        } catch {
            opened.fail(ConnectError(reason: .tls, url: url.description, detail: "cannot set up TLS (\(error))"))
            return opened.futureResult
        }
        var builtHeaders = HTTPHeaders([("Host", url.hostHeader)])
        for header in headers { builtHeaders.add(name: header.name, value: header.value) }
        if offerDeflate { builtHeaders.add(name: "Sec-WebSocket-Extensions", value: PerMessageDeflateParameters.clientOffer) }
        let requestHeaders = builtHeaders

        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(.seconds(10))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture(withResultOf: {
                    if let sslContext {
                        let hostname = url.host.first?.isNumber == true || url.host.contains(":") ? nil : url.host
                        try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: sslContext, serverHostname: hostname))
                    }
                    let upgrader = NIOWebSocketClientUpgrader(maxFrameSize: maxFrameSize, automaticErrorHandling: true) { channel, response in
                        upgraded(channel: channel, response: response, url: url, requestHeaders: requestHeaders,
                                 behaviour: behaviour, onEvent: onEvent, opened: opened)
                    }
                    // Frames the server sends right after its 101 can arrive in the same read as the
                    // response: the HTTP decoder must hand them on, not drop them (NIO's default).
                    try channel.pipeline.syncOperations.addHTTPClientHandlers(
                        leftOverBytesStrategy: .forwardBytes,
                        withClientUpgrade: (upgraders: [upgrader], completionHandler: { _ in })
                    )
                    try channel.pipeline.syncOperations.addHandler(HandshakeWatcher(url: url.description, opened: opened))
                })
            }
        bootstrap.connect(host: url.host, port: url.port).whenComplete { result in
            switch result {
            case .failure(let error):
                opened.fail(ConnectError(reason: .unreachable, url: url.description, detail: "cannot connect (\(error))"))
            case .success(let channel):
                let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: url.target, headers: requestHeaders)
                channel.write(HTTPClientRequestPart.head(head), promise: nil)
                channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
            }
        }
        return opened.futureResult
    }

    private static func upgraded(
        channel: Channel, response: HTTPResponseHead, url: WebSocketURL, requestHeaders: HTTPHeaders,
        behaviour: WebSocketBehaviour, onEvent: @escaping @Sendable (WebSocketEvent) -> Void,
        opened: EventLoopPromise<WebSocketConnection>
    ) -> EventLoopFuture<Void> {
        channel.eventLoop.makeCompletedFuture(withResultOf: {
            let offered = response.headers.first(name: "Sec-WebSocket-Extensions")
            let deflate = offered.flatMap(PerMessageDeflateParameters.parseResponse)
            let handshake = WebSocketHandshake(
                url: url.description, requestHeaders: requestHeaders.tapeHeaders,
                responseHeaders: response.headers.tapeHeaders, deflate: deflate
            )
            let handler = WebSocketMessageHandler(role: .client, deflate: deflate, behaviour: behaviour, onEvent: onEvent)
            // The watcher speaks HTTP: once upgraded, frames must not reach it. The upgrader appended
            // the WebSocket codec, so the message handler goes last.
            let watcher = try channel.pipeline.syncOperations.handler(type: HandshakeWatcher.self)
            watcher.upgraded = true
            channel.pipeline.syncOperations.removeHandler(watcher, promise: nil)
            try channel.pipeline.syncOperations.addHandler(handler)
            opened.succeed(WebSocketConnection(channel: channel, handler: handler, handshake: handshake))
        })
    }
}

/// Fails the connect promise when the server answers the upgrade with anything but 101, or the
/// connection fails before the upgrade (TLS errors land here too).
final class HandshakeWatcher: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart

    private let url: String
    private let opened: EventLoopPromise<WebSocketConnection>
    private var refusal: (status: HTTPResponseStatus, body: String)?
    /// Set when the upgrade succeeded: the connection's end is then the message handler's to report.
    var upgraded = false

    init(url: String, opened: EventLoopPromise<WebSocketConnection>) {
        self.url = url
        self.opened = opened
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            refusal = (head.status, "")
        case .body(let buffer):
            if refusal != nil, refusal!.body.count < 200 { refusal!.body += String(buffer: buffer) }
        case .end:
            guard let refusal else { return }
            let body = refusal.body.trimmingCharacters(in: .whitespacesAndNewlines)
            let detail = "the server refused the WebSocket upgrade with \(refusal.status.code) \(refusal.status.reasonPhrase)"
            opened.fail(ConnectError(reason: .refused(status: Int(refusal.status.code)), url: url,
                                     detail: body.isEmpty ? detail : "\(detail) (\(body.prefix(200)))"))
            context.close(promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        let reason: ConnectError.Reason = error is NIOSSLError || "\(type(of: error))".contains("SSL") ? .tls : .handshake
        opened.fail(ConnectError(reason: reason, url: url, detail: "the WebSocket handshake failed (\(error))"))
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !upgraded {
            opened.fail(ConnectError(reason: .handshake, url: url, detail: "the server closed the connection during the handshake"))
        }
        context.fireChannelInactive()
    }
}
