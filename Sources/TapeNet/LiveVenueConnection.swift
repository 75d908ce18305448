import NIOCore
import TapeCore
import Venues

/// Runs a venue client over a live WebSocket: the socket driver for `DigitexClient` and the
/// others. It interprets the client's actions (send, timers, events, close) and feeds it the
/// connection's events with the time they happened; everything runs on the connection's loop.
public final class LiveVenueConnection<Client: VenueClient>: @unchecked Sendable {
    private let loop: EventLoop
    private var client: Client
    private var connection: WebSocketConnection?
    /// Events that arrived before the connect future completed, replayed in order.
    private var early: [WebSocketEvent] = []
    private var timers: [ClientTimer: Scheduled<Void>] = [:]
    private let startUptimeNanos: UInt64
    private let onEvent: @Sendable (VenueEvent) -> Void
    /// Hears every frame as it crosses the wire, both ways, plus the handshake and the end: what a
    /// recorder writes to a tape.
    private let record: (@Sendable (Direction, FrameKind, [UInt8]) -> Void)?
    private var ended = false
    /// The venue's close frame, if it sent one.
    private var closeReceived: CloseInfo?
    /// Hears how the socket ended (after its closed/lost frame is recorded): a reconnecting owner's cue.
    private let onEnd: (@Sendable (String) -> Void)?

    private init(client: Client, loop: EventLoop, onEvent: @escaping @Sendable (VenueEvent) -> Void,
                 record: (@Sendable (Direction, FrameKind, [UInt8]) -> Void)?, onEnd: (@Sendable (String) -> Void)? = nil) {
        self.client = client
        self.loop = loop
        self.onEvent = onEvent
        self.record = record
        self.onEnd = onEnd
        self.startUptimeNanos = NIODeadline.now().uptimeNanoseconds
    }

    /// Connects and hands the client `connected(at:)`; `onEvent` hears every `VenueEvent` the client
    /// emits, on the connection's loop.
    public static func connect(
        to url: WebSocketURL, client: Client, headers: [HTTPHeader] = [], tls: ClientTLS = ClientTLS(),
        group: EventLoopGroup, record: (@Sendable (Direction, FrameKind, [UInt8]) -> Void)? = nil,
        onEvent: @escaping @Sendable (VenueEvent) -> Void
    ) -> EventLoopFuture<LiveVenueConnection> {
        connect(to: url, client: client, headers: headers, tls: tls, group: group, record: record, onEvent: onEvent, onEnd: nil)
    }

    /// `connect`, with `onEnd` told (on the loop) how the socket ended, whoever ended it.
    static func connect(
        to url: WebSocketURL, client: Client, headers: [HTTPHeader], tls: ClientTLS, group: EventLoopGroup,
        record: (@Sendable (Direction, FrameKind, [UInt8]) -> Void)?, onEvent: @escaping @Sendable (VenueEvent) -> Void,
        onEnd: (@Sendable (String) -> Void)?
    ) -> EventLoopFuture<LiveVenueConnection> {
        let loop = group.next()
        let live = LiveVenueConnection(client: client, loop: loop, onEvent: onEvent, record: record, onEnd: onEnd)
        return WebSocketClient.connect(to: url, headers: headers, tls: tls, group: loop) { event in
            live.received(event)
        }.map { connection in
            live.opened(connection)
            return live
        }
    }

    /// Runs a command on the client (e.g. `{ $0.submit(.placeOrder(…), at: $1) }`) and performs its actions.
    public func perform(_ body: @escaping @Sendable (inout Client, Timestamp) -> [ClientAction]) {
        loop.execute { [self] in
            guard !ended else { return }
            let actions = body(&client, now)
            apply(actions)
        }
    }

    /// Reads the client's state on its loop.
    public func inspect<Result: Sendable>(_ body: @escaping @Sendable (Client) -> Result) -> EventLoopFuture<Result> {
        loop.submit { body(self.client) }
    }

    /// Starts the close handshake.
    public func close(code: UInt16 = 1000) {
        loop.execute { [self] in connection?.close(code: code) }
    }

    /// Completes when the socket has closed.
    public var closed: EventLoopFuture<Void> {
        connection?.closed ?? loop.makeSucceededVoidFuture()
    }

    // MARK: On the loop

    private var now: Timestamp { Timestamp(nanoseconds: Int64(NIODeadline.now().uptimeNanoseconds - startUptimeNanos)) }

    private func opened(_ connection: WebSocketConnection) {
        loop.preconditionInEventLoop()
        self.connection = connection
        record?(.outbound, .opened, connection.handshake.opened.payload)
        apply(client.connected(at: now))
        let pending = early
        early = []
        for event in pending { received(event) }
    }

    private func received(_ event: WebSocketEvent) {
        loop.preconditionInEventLoop()
        guard connection != nil else {
            early.append(event)
            return
        }
        // A peer may not send after its close frame (RFC 6455 §5.5.1); what the socket still
        // delivers after the end is dropped, so the end is the last frame of this connection.
        guard !ended else { return }
        switch event {
        case .received(let kind, let payload):
            record?(.inbound, kind, payload)
            if kind == .close { closeReceived = CloseInfo(payload: payload) }
            if kind == .ping {
                // WebSocket-level heartbeats are the socket's to answer (RFC 6455 §5.5.3).
                record?(.outbound, .pong, payload)
                connection?.send(.pong, payload)
            }
            guard kind == .text else { return }
            apply(client.receivedFrame(payload, at: now))
        case .closed, .lost:
            let how: String
            if case .lost(let reason) = event {
                record?(.inbound, .lost, Array(reason.utf8))
                how = "lost (\(reason))"
            } else {
                record?(.inbound, .closed, [])
                if let info = closeReceived {
                    how = "closed by the venue (code \(info.code.map(String.init) ?? "none")\(info.reason.isEmpty ? "" : ", \"\(info.reason)\""))"
                } else {
                    how = "closed"
                }
            }
            ended = true
            apply(client.disconnected(at: now))
            for (_, timer) in timers { timer.cancel() }
            timers = [:]
            onEnd?(how)
        }
    }

    private func apply(_ actions: [ClientAction]) {
        for action in actions {
            switch action {
            case .send(let kind, let payload):
                record?(.outbound, kind, payload)
                connection?.send(kind, payload)
            case .scheduleTimer(let timer, let time):
                timers.removeValue(forKey: timer)?.cancel()
                guard !ended else { continue }
                let delay = max(0, time.nanoseconds - now.nanoseconds)
                timers[timer] = loop.scheduleTask(in: .nanoseconds(delay)) { [self] in
                    timers.removeValue(forKey: timer)
                    guard !ended else { return }
                    apply(client.timerFired(timer, at: now))
                }
            case .cancelTimer(let timer):
                timers.removeValue(forKey: timer)?.cancel()
            case .emit(let event):
                onEvent(event)
            case .close(let info):
                connection?.close(code: info.code ?? 1000, reason: info.reason)
            }
        }
    }
}
