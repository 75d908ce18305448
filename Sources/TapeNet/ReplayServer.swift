import Foundation
import NIOCore
import Serving
import TapeCore

/// Serves a tape's venue side over WebSocket: each client gets one recorded connection (see
/// `ServePlan` for which), played by a `ServeSession` at its paced times, or in cassette mode
/// waiting for the client's frames to match the recorded ones.
///
/// Pacing waits are NIO scheduled tasks on the connection's event loop: nothing blocks. Sending
/// follows the channel's writability, so a slow client holds the script back instead of the
/// server buffering the whole tape for it.
public final class ReplayServer: Sendable {
    public struct Configuration: Sendable {
        public var host = "127.0.0.1"
        public var port = 0
        public var tls: ServerTLS?
        public var mode = ServeSession.Mode.timed
        public var pacing = Pacing.realTime
        /// Offer permessage-deflate when the client asks for it.
        public var acceptDeflate = true
        /// How long a session waits for the client's answer to its close before dropping the socket.
        public var closeTimeout = TimeAmount.seconds(5)
        /// Called for every frame sent, with its deadline and when it went out (tests; costs time).
        public var onSend: (@Sendable (SentFrame) -> Void)?

        public init() {}
    }

    /// One frame as it went out: `deadline` from the session, `sentAt` on the same monotonic clock.
    public struct SentFrame: Sendable {
        public var session: Int
        public var frame: Int
        public var kind: FrameKind
        public var deadline: Timestamp
        public var sentAt: Timestamp
    }

    /// What the server tells its owner (from event-loop threads).
    public enum Event: Sendable {
        /// A client connected and got this recorded connection.
        case started(session: Int, connection: ConnectionID, client: String, target: String)
        /// A client's session ended.
        case ended(SessionReport)
        /// An upgrade was refused (the client asked for a connection the tape does not have).
        case refused(client: String, target: String, reason: String)
    }

    /// How a session went.
    public struct SessionReport: Sendable, CustomStringConvertible {
        public var session: Int
        public var connection: ConnectionID
        public var sent: Int
        public var toSend: Int
        public var matched: Int
        public var toMatch: Int
        /// Set when a client frame did not match the cassette.
        public var failure: MatchFailure?
        /// True when the client left before the script was done.
        public var clientLeftEarly: Bool
        /// How the connection ended, as the socket saw it.
        public var ending: String
        /// Times the session paused because the client was not reading fast enough (the socket's
        /// write buffer was full); the script went on once it drained.
        public var socketWaits: Int

        public var succeeded: Bool { failure == nil }

        public var description: String {
            var text = "session \(session) on \(connection): sent \(sent) of \(toSend) frames"
            if toMatch > 0 { text += ", matched \(matched) of \(toMatch) client frames" }
            if clientLeftEarly { text += "; the client left first" }
            if socketWaits > 0 { text += "; waited \(socketWaits) times for the client to read" }
            text += "; \(ending)"
            if let failure { text += "\n" + failure.description }
            return text
        }
    }

    public let plan: ServePlan
    private let server: WebSocketServer<ReplaySessionSeed>
    private let host: String

    private init(plan: ServePlan, server: WebSocketServer<ReplaySessionSeed>, host: String) {
        self.plan = plan
        self.server = server
        self.host = host
    }

    /// The URL clients connect to (`ws://` or `wss://`, host and port; any path, see `ServePlan`).
    public var url: String {
        let shown = host == "0.0.0.0" || host == "::" ? "127.0.0.1" : host
        let bracketed = shown.contains(":") ? "[\(shown)]" : shown
        return "\(server.secure ? "wss" : "ws")://\(bracketed):\(server.port)"
    }

    public var port: Int { server.port }

    public static func start(
        plan: ServePlan,
        configuration: Configuration,
        group: EventLoopGroup,
        onEvent: @escaping @Sendable (Event) -> Void = { _ in }
    ) throws -> ReplayServer {
        let registry = SessionRegistry(scriptCount: plan.scripts.count)
        let server = try WebSocketServer<ReplaySessionSeed>.start(
            host: configuration.host, port: configuration.port, tls: configuration.tls,
            acceptDeflate: configuration.acceptDeflate, group: group,
            decide: { request, eventLoop in
                do {
                    let seed = try registry.assign(plan: plan, target: request.target)
                    onEvent(.started(session: seed.id, connection: plan.scripts[seed.script].connection,
                                     client: shortAddress(request.remoteAddress), target: request.target))
                    return eventLoop.makeSucceededFuture(.accept(headers: [], session: seed))
                } catch {
                    onEvent(.refused(client: shortAddress(request.remoteAddress), target: request.target, reason: "\(error)"))
                    return eventLoop.makeSucceededFuture(.refuse(status: 404, body: "tape serve: \(error)"))
                }
            },
            accepted: { connection, seed in
                let session = ServeSession(script: plan.scripts[seed.script], mode: configuration.mode, pacing: configuration.pacing)
                let driver = ReplayDriver(id: seed.id, session: session, connection: connection,
                                          configuration: configuration, onEvent: onEvent)
                driver.start()
                return { event in driver.handle(event) }
            }
        )
        return ReplayServer(plan: plan, server: server, host: configuration.host)
    }

    /// Stops listening; sessions already running go on until they end.
    public func close() throws {
        try server.close()
    }
}

/// "127.0.0.1:52108" from NIO's "[IPv4]127.0.0.1/127.0.0.1:52108".
func shortAddress(_ description: String) -> String {
    description.split(separator: "/").last.map(String.init) ?? description
}

/// Which script a new session plays, and its number.
struct ReplaySessionSeed: Sendable {
    var id: Int
    var script: Int
}

/// Session numbers and how often each script was served (upgrades are decided on several loops).
private final class SessionRegistry: @unchecked Sendable {
    private let lock = NSLock()
    private var counts: [Int]
    private var nextID = 1

    init(scriptCount: Int) {
        counts = Array(repeating: 0, count: scriptCount)
    }

    func assign(plan: ServePlan, target: String) throws(ServeError) -> ReplaySessionSeed {
        lock.lock()
        defer { lock.unlock() }
        let script = try plan.route(target: target, sessionsSoFar: counts)
        counts[script] += 1
        defer { nextID += 1 }
        return ReplaySessionSeed(id: nextID, script: script)
    }
}
