import NIOCore
import NIOPosix
import Simulators
import TapeCore

/// Hosts a simulator dialect on a WebSocket server (ws://, or wss:// with a certificate).
///
/// The dialect is pure; this is the one place that reads the clock. All connections and the
/// dialect live on one event loop, so the dialect sees events in the order they happened and
/// needs no locks. The market is advanced from the same loop: in real time (every
/// `marketTickMillis`) or as fast as the clients read (`.asFastAsPossible`, for benchmarks).
public final class SimulatorServer<Dialect: SimulatorDialect>: @unchecked Sendable {
    /// How the simulated market's time relates to the wall clock.
    public enum MarketPacing: Sendable {
        /// Market time is the time since the server started.
        case realTime
        /// The market runs ahead in batches of steps whenever every client's socket can take more.
        case asFastAsPossible(stepsPerBatch: Int)
    }

    private let loop: EventLoop
    private var dialect: Dialect
    private var connections: [ConnectionID: WebSocketConnection] = [:]
    private var timers: [SimulatorTimer: Scheduled<Void>] = [:]
    private var nextConnection: UInt32 = 1
    private let startUptimeNanos: UInt64
    private let pacing: MarketPacing
    private var server: WebSocketServer<ConnectionID>?
    private var marketTask: RepeatedTask?
    private var stopped = false
    /// Market frames handed to sockets (for benchmarks), counted on the loop.
    private var framesSent: Int = 0
    /// When each connection's socket stopped taking data (a client that does not read).
    private var unwritableSince: [ConnectionID: Timestamp] = [:]
    /// A client whose socket takes nothing for this long is dropped (a close handshake cannot
    /// reach a client that does not read), so that one reader that stopped cannot make the
    /// simulator buffer without bound (real-time pacing).
    private let slowConsumerLimit = Timestamp.Duration.seconds(10)

    /// The URL clients connect to (`ws://127.0.0.1:PORT` or `wss://…`).
    public let url: String
    public let port: Int

    /// Starts listening. `maxMessageSize` bounds a client's message (larger ones close with 1009).
    /// A client's permessage-deflate offer is accepted (the server's default).
    public static func start(
        dialect: Dialect, host: String = "127.0.0.1", port: Int = 0, tls: ServerTLS? = nil, pacing: MarketPacing = .realTime,
        marketTickMillis: Int64 = 5, maxMessageSize: Int = 1 << 20, group: EventLoopGroup
    ) throws -> SimulatorServer {
        let loop = group.next()
        let box = ServerBox<Dialect>()
        let server = try WebSocketServer<ConnectionID>.start(
            host: host, port: port, tls: tls, behaviour: WebSocketBehaviour(maxMessageSize: maxMessageSize), group: loop,
            decide: { _, eventLoop in
                eventLoop.submit { () -> UpgradeDecision<ConnectionID> in
                    guard let simulator = box.simulator else { return .refuse(status: 503, body: "the simulator is starting") }
                    return .accept(headers: [], session: simulator.takeConnectionID())
                }
            },
            accepted: { connection, id in
                guard let simulator = box.simulator else { return { _ in } }
                simulator.accept(connection, id: id)
                return { event in simulator.handle(event, on: id) }
            }
        )
        let simulator = SimulatorServer(dialect: dialect, loop: loop, pacing: pacing, url: server.url, port: server.port)
        simulator.server = server
        try loop.submit {
            box.simulator = simulator
            simulator.startMarket(tickMillis: marketTickMillis)
        }.wait()
        return simulator
    }

    private init(dialect: Dialect, loop: EventLoop, pacing: MarketPacing, url: String, port: Int) {
        self.dialect = dialect
        self.loop = loop
        self.pacing = pacing
        self.url = url
        self.port = port
        self.startUptimeNanos = NIODeadline.now().uptimeNanoseconds
    }

    /// Stops listening, closes every connection and stops the market.
    public func close() {
        try? server?.close()
        try? loop.submit {
            self.stopped = true
            self.marketTask?.cancel()
            for (_, timer) in self.timers { timer.cancel() }
            self.timers = [:]
            for id in self.connections.keys.sorted() { self.connections[id]?.close(code: 1001, reason: "simulator shutting down") }
        }.wait()
    }

    /// Reads the dialect on its loop (tests compare its exchange with a client's state).
    public func inspect<Result: Sendable>(_ body: @escaping @Sendable (Dialect) -> Result) -> EventLoopFuture<Result> {
        loop.submit { body(self.dialect) }
    }

    /// Changes the dialect on its loop at the current market time and performs what it answers:
    /// how tests and tools place orders through a stand-in for a venue's REST API, which the
    /// WebSocket does not carry.
    @discardableResult
    public func act(_ body: @escaping @Sendable (inout Dialect, Timestamp) -> [SimulatorAction]) -> EventLoopFuture<Void> {
        loop.submit {
            guard !self.stopped else { return }
            self.perform(body(&self.dialect, self.now))
        }
    }

    /// Market frames sent so far.
    public func sentFrames() -> EventLoopFuture<Int> { loop.submit { self.framesSent } }

    // MARK: On the loop

    private var now: Timestamp {
        Timestamp(nanoseconds: Int64(NIODeadline.now().uptimeNanoseconds - startUptimeNanos))
    }

    private func takeConnectionID() -> ConnectionID {
        defer { nextConnection += 1 }
        return ConnectionID(nextConnection)
    }

    private func accept(_ connection: WebSocketConnection, id: ConnectionID) {
        loop.preconditionInEventLoop()
        connections[id] = connection
        let handshake = connection.handshake
        perform(dialect.connected(id, target: handshake.url, headers: handshake.requestHeaders, at: now))
    }

    private func handle(_ event: WebSocketEvent, on id: ConnectionID) {
        loop.preconditionInEventLoop()
        switch event {
        case .received(let kind, let payload):
            perform(dialect.receivedFrame(id, kind, payload, at: now))
        case .closed, .lost:
            connections.removeValue(forKey: id)
            perform(dialect.disconnected(id, at: now))
        }
    }

    private func perform(_ actions: [SimulatorAction]) {
        for action in actions {
            switch action {
            case .send(let id, let kind, let payload):
                connections[id]?.send(kind, payload)
            case .close(let id, let info):
                connections[id]?.close(code: info.code ?? 1000, reason: info.reason)
            case .scheduleTimer(let timer, let time):
                timers.removeValue(forKey: timer)?.cancel()
                let delay = max(0, time.nanoseconds - now.nanoseconds)
                timers[timer] = loop.scheduleTask(in: .nanoseconds(delay)) { [self] in
                    timers.removeValue(forKey: timer)
                    guard !stopped else { return }
                    perform(dialect.timerFired(timer, at: now))
                }
            case .cancelTimer(let timer):
                timers.removeValue(forKey: timer)?.cancel()
            }
        }
    }

    private func startMarket(tickMillis: Int64) {
        switch pacing {
        case .realTime:
            marketTask = loop.scheduleRepeatedTask(initialDelay: .milliseconds(tickMillis), delay: .milliseconds(tickMillis)) { [self] _ in
                guard !stopped else { return }
                let actions = dialect.advanceMarket(to: now, maxSteps: 100_000)
                framesSent += actions.count
                perform(actions)
                closeSlowConsumers()
            }
        case .asFastAsPossible(let steps):
            runAhead(steps: steps)
        }
    }

    private func closeSlowConsumers() {
        let time = now
        for id in connections.keys.sorted() {
            guard let connection = connections[id] else { continue }
            if connection.channel.isWritable {
                unwritableSince.removeValue(forKey: id)
            } else if let since = unwritableSince[id] {
                if time - since >= slowConsumerLimit {
                    connection.abort()
                    unwritableSince.removeValue(forKey: id)
                }
            } else {
                unwritableSince[id] = time
            }
        }
    }

    /// Runs a batch of market steps when every client can take more; otherwise waits a little.
    private func runAhead(steps: Int) {
        guard !stopped else { return }
        let writable = connections.values.allSatisfy { $0.channel.isWritable }
        if writable, !connections.isEmpty {
            let target = Timestamp(nanoseconds: dialect.marketTime.nanoseconds + 3_600_000_000_000)
            let actions = dialect.advanceMarket(to: target, maxSteps: steps)
            framesSent += actions.count
            perform(actions)
            // The loop runs every task that is due before it polls its sockets again, so a task
            // due at once (or due by the time this batch ends) would starve reads. A deadline
            // 50 µs after the batch ends lets the loop poll between batches.
            _ = loop.scheduleTask(in: .microseconds(50)) { [self] in runAhead(steps: steps) }
        } else {
            _ = loop.scheduleTask(in: .microseconds(200)) { [self] in runAhead(steps: steps) }
        }
    }
}

/// A running simulator of any dialect, as the command line holds it.
public protocol SimulatorHost: Sendable {
    var url: String { get }
    func close()
}

extension SimulatorServer: SimulatorHost {}

/// Lets the server's closures reach the simulator, which exists only after the server started.
private final class ServerBox<Dialect: SimulatorDialect>: @unchecked Sendable {
    var simulator: SimulatorServer<Dialect>?
}
