import Simulators
import TapeCore
import Venues

/// What every socket-free test harness shares: venue clients and a simulator dialect handing each
/// other frames at the same simulated time, until nothing is left to deliver, with the simulator's
/// timers and market run up to a time. Each venue's harness says in `receive` what a frame from the
/// simulator does (which frames it records, whether it answers pings), and adds its own ways to
/// connect, submit and compare with the exchange.
protocol ClientSimulatorHarness {
    associatedtype Dialect: SimulatorDialect
    associatedtype Client: VenueClient

    var simulator: Dialect { get set }
    var clients: [ConnectionID: Client] { get set }
    var events: [ConnectionID: [VenueEvent]] { get set }
    /// Frames the simulator sent, per connection, as text (what each harness records: see `apply`).
    var received: [ConnectionID: [String]] { get set }
    var closed: [ConnectionID: CloseInfo] { get set }
    var timers: [SimulatorTimer: Timestamp] { get set }
    var now: Timestamp { get set }

    /// What a frame the simulator sends does: which frames are recorded, whether pings are answered.
    mutating func receive(_ kind: FrameKind, _ bytes: [UInt8], on connection: ConnectionID)
    /// Performs the simulator's actions. The default hands frames to `receive`, notes a close and
    /// tells the simulator the connection is gone, and keeps the simulator's timers.
    mutating func apply(_ actions: [SimulatorAction])
    /// Called when the simulator closes a connection, before the simulator hears it is gone.
    mutating func connectionClosed(_ connection: ConnectionID)
}

extension ClientSimulatorHarness {
    mutating func apply(_ actions: [SimulatorAction]) {
        for action in actions {
            switch action {
            case .send(let connection, let kind, let bytes):
                receive(kind, bytes, on: connection)
            case .close(let connection, let info):
                closed[connection] = info
                connectionClosed(connection)
                apply(simulator.disconnected(connection, at: now))
            case .scheduleTimer(let timer, let time):
                timers[timer] = time
            case .cancelTimer(let timer):
                timers.removeValue(forKey: timer)
            }
        }
    }

    mutating func connectionClosed(_ connection: ConnectionID) {}

    /// Sends raw text as if a third-party bot wrote it.
    mutating func sendRaw(_ text: String, on connection: ConnectionID) {
        apply(simulator.receivedFrame(connection, .text, Array(text.utf8), at: now))
    }

    /// Calls the dialect directly (order entry), as tests do with `SimulatorServer.act`.
    mutating func act(_ body: (inout Dialect, Timestamp) -> [SimulatorAction]) {
        apply(body(&simulator, now))
    }

    /// Runs the market and the simulator's timers, in time order, up to `time`. Clients' own
    /// timers are not driven (their heartbeats are the driver's), so tests submit those.
    mutating func advance(to time: Timestamp) {
        while let (timer, due) = timers.filter({ $0.value <= time }).min(by: { ($0.value, $0.key.description) < ($1.value, $1.key.description) }) {
            now = max(now, due)
            apply(simulator.advanceMarket(to: now, maxSteps: 1_000_000))
            timers.removeValue(forKey: timer)
            apply(simulator.timerFired(timer, at: now))
        }
        now = max(now, time)
        apply(simulator.advanceMarket(to: now, maxSteps: 1_000_000))
    }

    /// Performs a client's actions: what it sends goes to the simulator, what it emits is kept.
    mutating func deliver(_ actions: [ClientAction], from connection: ConnectionID) {
        for action in actions {
            switch action {
            case .send(let kind, let bytes): apply(simulator.receivedFrame(connection, kind, bytes, at: now))
            case .emit(let event): events[connection, default: []].append(event)
            case .scheduleTimer, .cancelTimer, .close: continue
            }
        }
    }

    /// Hands a text frame to the connection's client, if it has one, and performs its answer.
    mutating func handToClient(_ bytes: [UInt8], on connection: ConnectionID) {
        guard var client = clients[connection] else { return }
        let reply = client.receivedFrame(bytes, at: now)
        clients[connection] = client
        deliver(reply, from: connection)
    }

    /// The last frame recorded for a connection.
    func last(_ connection: ConnectionID) -> String { received[connection]?.last ?? "" }

    /// Frames recorded for a connection that contain `text`.
    func frames(_ connection: ConnectionID, containing text: String) -> [String] {
        (received[connection] ?? []).filter { $0.contains(text) }
    }
}
