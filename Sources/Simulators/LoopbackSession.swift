import TapeCore
import Venues

/// Venue clients connected to a simulator without sockets, on virtual time.
///
/// Every frame crosses a simulated network with a one-way latency plus seeded jitter (order kept
/// per connection and direction, as TCP keeps it), the timers of both sides fire at their virtual
/// times, and the market advances in fixed ticks. The frames are kept as a recorder on the
/// client's side writes them: `opened`, outbound frames when sent, inbound frames when they
/// arrive, then `close`/`closed` or `lost`. The same calls give the same frames on every run, so
/// a session with a simulator becomes a reproducible tape (the committed recordings are made so).
public struct LoopbackSession<Dialect: SimulatorDialect, Client: VenueClient>: Sendable {
    public struct Configuration: Sendable {
        public var latency: Timestamp.Duration
        /// Added to each frame's latency: a seeded draw below this.
        public var jitter: Timestamp.Duration
        public var marketTick: Timestamp.Duration
        /// How late a client's timer runs after its due time, as on a real machine. Replay puts
        /// frames before timers at one instant, so a send at exactly the due time would replay as
        /// if it came before the timer that caused it.
        public var timerLatency: Timestamp.Duration
        public var seed: UInt64

        public init(
            latency: Timestamp.Duration = .milliseconds(1), jitter: Timestamp.Duration = Timestamp.Duration(nanoseconds: 400_000),
            marketTick: Timestamp.Duration = .milliseconds(5), timerLatency: Timestamp.Duration = Timestamp.Duration(nanoseconds: 50_000),
            seed: UInt64 = 1
        ) {
            precondition(latency.nanoseconds > 0 && jitter.nanoseconds >= 0 && marketTick.nanoseconds > 0, "LoopbackSession needs positive latency and tick")
            self.latency = latency
            self.jitter = jitter
            self.marketTick = marketTick
            self.timerLatency = timerLatency
            self.seed = seed
        }
    }

    public let configuration: Configuration
    public private(set) var dialect: Dialect
    /// The clients of open connections.
    public private(set) var clients: [ConnectionID: Client] = [:]
    /// Every frame as the client side recorded it, in time order.
    public private(set) var frames: [Frame] = []
    /// What the clients emitted, in order.
    public private(set) var events: [(connection: ConnectionID, event: VenueEvent)] = []
    public private(set) var now: Timestamp

    private var pending = PendingQueue()
    private var random: SeededRandom
    /// The latest arrival per lane, so that frames of one direction never overtake each other.
    private var lastArrival: [Lane: Timestamp] = [:]
    /// The live generation of each timer; a popped timer of an older generation was replaced or cancelled.
    private var timerGenerations: [TimerKey: UInt64] = [:]
    private var nextGeneration: UInt64 = 0

    public init(dialect: Dialect, start: Timestamp = .seconds(1), configuration: Configuration = Configuration()) {
        self.dialect = dialect
        self.configuration = configuration
        now = start
        random = SeededRandom(seed: configuration.seed)
        pending.insert(at: start + configuration.marketTick, .marketTick)
    }

    // MARK: What the script does

    /// The client connects to `url` (recorded in the `opened` frame, with `headers`); the
    /// simulator sees the request `target` and the same headers.
    public mutating func connect(_ connection: ConnectionID, client: Client, url: String, target: String = "/", headers: [HTTPHeader] = []) {
        precondition(clients[connection] == nil, "connection \(connection) is already open")
        record(.outbound, connection, .opened, ConnectionOpened(url: url, headers: headers).payload)
        clients[connection] = client
        apply(dialect.connected(connection, target: target, headers: headers, at: now))
        perform(on: connection) { client, now in client.connected(at: now) }
    }

    /// Hands the connection's client a command at the current time (e.g. `client.submit(…, at: now)`).
    public mutating func perform(on connection: ConnectionID, _ body: (inout Client, Timestamp) -> [ClientAction]) {
        guard var client = clients[connection] else { return }
        let actions = body(&client, now)
        clients[connection] = client
        apply(actions, from: connection)
    }

    /// Changes the simulator directly at the current time: orders placed through a venue's REST API.
    public mutating func act(_ body: (inout Dialect, Timestamp) -> [SimulatorAction]) {
        apply(body(&dialect, now))
    }

    /// The network fails: both sides lose the connection now and the tape records `lost`.
    public mutating func drop(_ connection: ConnectionID, reason: String) {
        guard clients[connection] != nil else { return }
        record(.inbound, connection, .lost, Array(reason.utf8))
        endClient(connection)
        apply(dialect.disconnected(connection, at: now))
    }

    /// A note on the tape at the current time.
    public mutating func annotate(_ connection: ConnectionID, _ text: String) {
        record(.outbound, connection, .annotation, Array(text.utf8))
    }

    /// Runs everything due up to `time` in time order (at one instant, in the order it was
    /// scheduled), then leaves the session at `time`.
    public mutating func run(until time: Timestamp) {
        while let (due, item) = pending.popFirst(dueAtOrBefore: time) {
            now = max(now, due)
            handle(item)
        }
        now = max(now, time)
    }

    // MARK: Events

    private mutating func handle(_ item: Pending) {
        switch item {
        case .marketTick:
            apply(dialect.advanceMarket(to: now, maxSteps: 1_000_000))
            pending.insert(at: now + configuration.marketTick, .marketTick)
        case .toSimulator(let connection, let kind, let bytes):
            apply(dialect.receivedFrame(connection, kind, bytes, at: now))
        case .simulatorCloseSeen(let connection):
            apply(dialect.disconnected(connection, at: now))
        case .toClient(let connection, let kind, let bytes):
            guard clients[connection] != nil else { return }
            record(.inbound, connection, kind, bytes)
            switch kind {
            case .text: perform(on: connection) { client, now in client.receivedFrame(bytes, at: now) }
            case .ping: apply([.send(.pong, bytes)], from: connection)
            default: break
            }
        case .serverClose(let connection, let info):
            guard clients[connection] != nil else { return }
            record(.inbound, connection, .close, info.payload)
            record(.inbound, connection, .closed, [])
            endClient(connection)
        case .clientClosed(let connection):
            guard clients[connection] != nil else { return }
            record(.inbound, connection, .closed, [])
            endClient(connection)
        case .timer(let key, let generation):
            guard timerGenerations[key] == generation else { return }
            timerGenerations[key] = nil
            switch key {
            case .simulator(let timer): apply(dialect.timerFired(timer, at: now))
            case .client(let connection, let timer):
                now = now + configuration.timerLatency
                perform(on: connection) { client, now in client.timerFired(timer, at: now) }
            }
        }
    }

    private mutating func apply(_ actions: [SimulatorAction]) {
        for action in actions {
            switch action {
            case .send(let connection, let kind, let bytes):
                pending.insert(at: arrival(Lane(connection: connection, direction: .inbound)), .toClient(connection, kind, bytes))
            case .close(let connection, let info):
                pending.insert(at: arrival(Lane(connection: connection, direction: .inbound)), .serverClose(connection, info))
                // The client's answering close reaches the server one trip later.
                pending.insert(at: now + configuration.latency + configuration.latency, .simulatorCloseSeen(connection))
            case .scheduleTimer(let timer, let time):
                schedule(.simulator(timer), at: time)
            case .cancelTimer(let timer):
                timerGenerations[.simulator(timer)] = nil
            }
        }
    }

    private mutating func apply(_ actions: [ClientAction], from connection: ConnectionID) {
        for action in actions {
            switch action {
            case .send(let kind, let bytes):
                record(.outbound, connection, kind, bytes)
                pending.insert(at: arrival(Lane(connection: connection, direction: .outbound)), .toSimulator(connection, kind, bytes))
            case .scheduleTimer(let timer, let time):
                schedule(.client(connection, timer), at: time)
            case .cancelTimer(let timer):
                timerGenerations[.client(connection, timer)] = nil
            case .emit(let event):
                events.append((connection, event))
            case .close(let info):
                record(.outbound, connection, .close, info.payload)
                let seen = arrival(Lane(connection: connection, direction: .outbound))
                pending.insert(at: seen, .simulatorCloseSeen(connection))
                pending.insert(at: seen + configuration.latency, .clientClosed(connection))
            }
        }
    }

    private mutating func endClient(_ connection: ConnectionID) {
        guard var client = clients.removeValue(forKey: connection) else { return }
        for timer in [ClientTimer.heartbeat, .authenticationDeadline] { timerGenerations[.client(connection, timer)] = nil }
        for action in client.disconnected(at: now) {
            if case .emit(let event) = action { events.append((connection, event)) }
        }
    }

    private mutating func schedule(_ key: TimerKey, at time: Timestamp) {
        nextGeneration += 1
        timerGenerations[key] = nextGeneration
        pending.insert(at: max(time, now), .timer(key, nextGeneration))
    }

    private mutating func arrival(_ lane: Lane) -> Timestamp {
        let jitter = configuration.jitter.nanoseconds > 0 ? Int64(random.next(below: UInt64(configuration.jitter.nanoseconds))) : 0
        let time = max(now + configuration.latency + Timestamp.Duration(nanoseconds: jitter), lastArrival[lane] ?? now)
        lastArrival[lane] = time
        return time
    }

    private mutating func record(_ direction: Direction, _ connection: ConnectionID, _ kind: FrameKind, _ payload: [UInt8]) {
        frames.append(Frame(time: now, direction: direction, connection: connection, kind: kind, payload: payload))
    }
}

private struct Lane: Hashable, Sendable {
    var connection: ConnectionID
    var direction: Direction
}

private enum TimerKey: Hashable, Sendable {
    case simulator(SimulatorTimer)
    case client(ConnectionID, ClientTimer)
}

private enum Pending: Sendable {
    case marketTick
    case toSimulator(ConnectionID, FrameKind, [UInt8])
    case toClient(ConnectionID, FrameKind, [UInt8])
    case serverClose(ConnectionID, CloseInfo)
    case simulatorCloseSeen(ConnectionID)
    case clientClosed(ConnectionID)
    case timer(TimerKey, UInt64)
}

/// Pending items by (time, insertion order). Kept sorted latest-first, so the next item is at the
/// end and a new one, usually due soon, is placed after a short scan from the end.
private struct PendingQueue: Sendable {
    private var items: [(time: Timestamp, item: Pending)] = []

    /// After every item due at `time` or earlier: among equal times, the older pops first.
    mutating func insert(at time: Timestamp, _ item: Pending) {
        var index = items.endIndex
        while index > items.startIndex, items[index - 1].time <= time { index -= 1 }
        items.insert((time, item), at: index)
    }

    mutating func popFirst(dueAtOrBefore limit: Timestamp) -> (Timestamp, Pending)? {
        guard let last = items.last, last.time <= limit else { return nil }
        items.removeLast()
        return (last.time, last.item)
    }
}
