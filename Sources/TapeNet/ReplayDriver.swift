import NIOCore
import Serving
import TapeCore

/// Runs one `ServeSession` on its connection: turns the session's actions into sends, timers,
/// closes; feeds it the client's frames. Everything happens on the connection's event loop.
final class ReplayDriver: @unchecked Sendable {
    /// Frames sent per turn of the event loop before letting it read and write other channels.
    static let sendsPerTurn = 256

    private let id: Int
    private var session: ServeSession
    private let connection: WebSocketConnection
    private let configuration: ReplayServer.Configuration
    private let onEvent: @Sendable (ReplayServer.Event) -> Void
    private var eventLoop: EventLoop { connection.eventLoop }

    private var timer: (task: Scheduled<Void>, deadline: Timestamp)?
    private var closeTimer: Scheduled<Void>?
    private var waitingForWritability = false
    private var socketWaits = 0
    private var turnScheduled = false
    private var failure: MatchFailure?
    private var ending: String?
    private var reported = false

    init(id: Int, session: ServeSession, connection: WebSocketConnection, configuration: ReplayServer.Configuration,
         onEvent: @escaping @Sendable (ReplayServer.Event) -> Void) {
        self.id = id
        self.session = session
        self.connection = connection
        self.configuration = configuration
        self.onEvent = onEvent
    }

    /// Called while the upgrade completes: the message handler joins the pipeline right after, so
    /// the first frames go out on the next turn of the loop.
    func start() {
        eventLoop.preconditionInEventLoop()
        let watcher = WritabilityWatcher { [self] in
            guard waitingForWritability else { return }
            waitingForWritability = false
            pump()
        }
        try? connection.channel.pipeline.syncOperations.addHandler(watcher)
        eventLoop.execute { [self] in
            session.connected(at: Self.now())
            pump()
        }
    }

    func handle(_ event: WebSocketEvent) {
        switch event {
        case .received(.close, _):
            // The client is closing (the handler answers it): nothing more may be sent after the
            // answer, so the session ends here, as recorded or early.
            session.disconnected()
        case .received(let kind, let payload):
            guard case .cassette = session.mode else { return }
            session.receivedFrame(kind, payload, at: Self.now())
            pump()
        case .closed:
            finish(ending ?? "closed with a close handshake")
        case .lost(let reason):
            finish(ending ?? "lost: \(reason)")
        }
    }

    /// Does what the session asks until it asks to wait (for time, the client, or the socket).
    private func pump() {
        var budget = Self.sendsPerTurn
        // Frames are written as they come and flushed once when the loop stops, whatever stops it.
        defer { if budget < Self.sendsPerTurn { connection.flushBatch() } }
        while true {
            guard connection.channel.isWritable else {
                if !waitingForWritability { socketWaits += 1 }
                waitingForWritability = true
                return
            }
            guard budget > 0 else { return nextTurn() }
            switch session.next(at: Self.now()) {
            case .send(let step, let deadline):
                connection.sendInBatch(step.kind, step.payload)
                configuration.onSend?(ReplayServer.SentFrame(
                    session: id, frame: step.frame, kind: step.kind, deadline: deadline, sentAt: Self.now()
                ))
                budget -= 1
            case .wait(let deadline):
                return arm(deadline)
            case .waitForClient:
                return
            case .close(let code, let reason):
                ending = "closed by the server with \(code) (\(reason))"
                connection.close(code: code, reason: reason)
                return awaitClose()
            case .drop(let reason):
                ending = "dropped as recorded (\(reason))"
                connection.abort()
                return
            case .fail(let failure):
                self.failure = failure
                ending = "closed by the server with 1008 (cassette mismatch)"
                connection.close(code: 1008, reason: failure.closeReason)
                return awaitClose()
            case .finished:
                return awaitClose()
            }
        }
    }

    private func nextTurn() {
        guard !turnScheduled else { return }
        turnScheduled = true
        eventLoop.execute { [self] in
            turnScheduled = false
            pump()
        }
    }

    private func arm(_ deadline: Timestamp) {
        if let timer {
            if timer.deadline == deadline { return }
            timer.task.cancel()
        }
        let task = eventLoop.scheduleTask(deadline: .uptimeNanoseconds(UInt64(max(0, deadline.nanoseconds)))) { [self] in
            timer = nil
            pump()
        }
        timer = (task, deadline)
    }

    /// The script is done: give the client `closeTimeout` to finish the close handshake, then drop.
    private func awaitClose() {
        guard closeTimer == nil, !reported else { return }
        closeTimer = eventLoop.scheduleTask(in: configuration.closeTimeout) { [self] in
            ending = (ending ?? "the script ended") + "; dropped: the client did not complete the close handshake"
            connection.abort()
        }
    }

    private func finish(_ how: String) {
        guard !reported else { return }
        reported = true
        session.disconnected()
        timer?.task.cancel()
        timer = nil
        closeTimer?.cancel()
        closeTimer = nil
        onEvent(.ended(ReplayServer.SessionReport(
            session: id, connection: session.script.connection,
            sent: session.sentCount, toSend: session.script.sendCount,
            matched: session.matchedCount, toMatch: session.mode == .timed ? 0 : session.script.expectCount,
            failure: failure, clientLeftEarly: session.clientLeftEarly, ending: how, socketWaits: socketWaits
        )))
    }

    static func now() -> Timestamp {
        Timestamp(nanoseconds: Int64(NIODeadline.now().uptimeNanoseconds))
    }
}

/// Tells the driver when a full outbound buffer has drained; passes everything else on.
private final class WritabilityWatcher: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    private let becameWritable: () -> Void

    init(becameWritable: @escaping () -> Void) {
        self.becameWritable = becameWritable
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.fireChannelRead(data)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { becameWritable() }
        context.fireChannelWritabilityChanged()
    }
}
