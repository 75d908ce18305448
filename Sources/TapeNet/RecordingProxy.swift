import Foundation
import NIOCore
import TapeCore
import TapeFormat

/// A local WebSocket endpoint that any client can use instead of the venue: each client connection
/// is matched by one upstream connection, both directions are forwarded unchanged, and everything
/// (handshake, messages, control frames, close codes, losses) is recorded, redacted, on one tape.
public final class RecordingProxy: Sendable {
    public let server: WebSocketServer<ProxySession>
    public let recorder: TapeRecorder

    private init(server: WebSocketServer<ProxySession>, recorder: TapeRecorder) {
        self.server = server
        self.recorder = recorder
    }

    /// Headers that belong to one hop's handshake and are never forwarded.
    static let hopHeaders: Set<String> = [
        "host", "upgrade", "connection", "sec-websocket-key", "sec-websocket-version", "sec-websocket-extensions",
        "sec-websocket-accept", "content-length", "transfer-encoding", "keep-alive", "te", "trailer",
    ]

    public static func start(
        host: String,
        port: Int,
        upstream: WebSocketURL,
        upstreamTLS: ClientTLS = ClientTLS(),
        serverTLS: ServerTLS? = nil,
        recorder: TapeRecorder,
        redaction: Redaction,
        group: EventLoopGroup
    ) throws -> RecordingProxy {
        let forwarding = WebSocketBehaviour(answersClose: false)
        let server = try WebSocketServer<ProxySession>.start(
            host: host, port: port, tls: serverTLS, behaviour: forwarding, group: group,
            decide: { request, eventLoop in
                let session = ProxySession(connection: recorder.newConnection(), recorder: recorder, redaction: redaction)
                let target = request.target == "/" ? upstream : upstream.with(target: request.target)
                let forwarded = request.headers.filter { !hopHeaders.contains($0.name.lowercased()) }
                // Each side negotiates compression with the proxy on its own, but the upstream is
                // offered it only when the client asked for it: a client that did not ask sees the
                // venue's traffic as it would directly, and no message is compressed for nobody.
                let clientOffersDeflate = request.headers.contains {
                    $0.name.lowercased() == "sec-websocket-extensions" && $0.value.lowercased().contains("permessage-deflate")
                }
                return WebSocketClient.connect(
                    to: target, headers: forwarded, offerDeflate: clientOffersDeflate, tls: upstreamTLS, behaviour: forwarding, group: eventLoop,
                    onEvent: { event in session.fromUpstream(event) }
                ).map { connection -> UpgradeDecision<ProxySession> in
                    session.upstreamOpened(connection, clientRequest: request)
                    return .accept(headers: [], session: session)
                }.flatMapErrorWithEventLoop { error, eventLoop in
                    session.upstreamFailed(error)
                    let status: Int
                    if let connectError = error as? ConnectError, case .refused(let code) = connectError.reason {
                        status = code
                    } else {
                        status = 502
                    }
                    return eventLoop.makeSucceededFuture(.refuse(status: status, body: "tape proxy: upstream: \(error)"))
                }
            },
            accepted: { connection, session in
                session.clientOpened(connection)
                return { event in session.fromClient(event) }
            }
        )
        return RecordingProxy(server: server, recorder: recorder)
    }

    public var url: String { server.url }

    /// Stops accepting; open sessions go on until they close.
    public func stop() throws {
        try server.close()
    }
}

/// One client's session: its two connections, what is in flight between them, and its recording.
public final class ProxySession: @unchecked Sendable {
    let connection: ConnectionID
    private let recorder: TapeRecorder
    private let redaction: Redaction
    private let lock = NSLock()
    private var upstream: WebSocketConnection?
    private var client: WebSocketConnection?
    /// Upstream messages that arrived before the client's upgrade finished.
    private var heldForClient: [(FrameKind, [UInt8])] = []
    private var ended = false

    init(connection: ConnectionID, recorder: TapeRecorder, redaction: Redaction) {
        self.connection = connection
        self.recorder = recorder
        self.redaction = redaction
    }

    func upstreamOpened(_ upstream: WebSocketConnection, clientRequest: UpgradeRequest) {
        lock.withLock { self.upstream = upstream }
        let handshake = upstream.handshake
        let opened = ConnectionOpened(url: handshake.url, headers: clientRequest.headers + handshake.responseHeaders)
        record(.outbound, .opened, redaction.opened(opened).payload)
    }

    func upstreamFailed(_ error: Error) {
        record(.outbound, .error, Array("upstream connection failed: \(error)".utf8))
    }

    func clientOpened(_ client: WebSocketConnection) {
        let (held, upstream): ([(FrameKind, [UInt8])], WebSocketConnection?) = lock.withLock {
            self.client = client
            defer { heldForClient = [] }
            return (heldForClient, self.upstream)
        }
        for (kind, payload) in held { client.send(kind, payload) }
        // Flow control: a side that cannot take more pauses reading from the other, so a fast
        // venue and a slow bot (or the reverse) never grow the proxy's buffers without bound.
        if let upstream {
            client.onWritabilityChange { writable in upstream.setReading(writable) }
            upstream.onWritabilityChange { writable in client.setReading(writable) }
        }
    }

    func fromUpstream(_ event: WebSocketEvent) {
        switch event {
        case .received(let kind, let payload):
            record(.inbound, kind, redaction.payload(.inbound, kind, payload))
            let client: WebSocketConnection? = lock.withLock {
                if self.client == nil { heldForClient.append((kind, payload)) }
                return self.client
            }
            client?.send(kind, payload)
        case .closed:
            end(.closed, reason: "")
            lock.withLock { client }?.abort()
        case .lost(let reason):
            end(.lost, reason: "upstream: \(reason)")
            lock.withLock { client }?.close(code: 1011, reason: "upstream connection lost")
        }
    }

    func fromClient(_ event: WebSocketEvent) {
        switch event {
        case .received(let kind, let payload):
            record(.outbound, kind, redaction.payload(.outbound, kind, payload))
            lock.withLock { upstream }?.send(kind, payload)
        case .closed:
            end(.closed, reason: "")
            lock.withLock { upstream }?.abort()
        case .lost(let reason):
            end(.lost, reason: "client: \(reason)")
            lock.withLock { upstream }?.close(code: 1001, reason: "client went away")
        }
    }

    /// Records how the session ended, once, whichever side ended first.
    private func end(_ kind: FrameKind, reason: String) {
        let first: Bool = lock.withLock {
            defer { ended = true }
            return !ended
        }
        if first { record(.inbound, kind, Array(reason.utf8)) }
    }

    private func record(_ direction: Direction, _ kind: FrameKind, _ payload: [UInt8]) {
        // A failed write is reported by the recorder's owner (it rethrows on the next call and on
        // close); the session keeps forwarding so the user's bot is not cut off mid-trade.
        try? recorder.record(direction, connection, kind, payload)
    }
}
