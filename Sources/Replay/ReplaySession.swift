import TapeCore
import Venues

/// What a session hands its driver while it applies a frame or fires a timer.
public enum ReplayOutput: Sendable {
    case event(ReplayEvent)
    /// The client asked to send a message (in replay it only observes, so this is counted as a
    /// note; verify compares it with the tape).
    case send(connection: ConnectionID, kind: FrameKind, payload: [UInt8], time: Timestamp, frame: Int?)
    case close(connection: ConnectionID, CloseInfo, time: Timestamp)
}

/// A replay in progress: one venue client per connection, the virtual clock and the client timers,
/// and running counts. A value type, so a checkpoint of a whole replay is a copy of it.
///
/// One client per connection, as live: each socket has its own client, connects and disconnects
/// on its own, and numbers its own requests. Frames of all connections are applied in frame-number
/// order (the recorded order), on one clock.
public struct ReplaySession: Sendable {
    struct Connection: Sendable {
        var id: ConnectionID
        var venue: VenueName
        var client: any VenueClient
        /// The URL of its `opened` frame.
        var url: String?
        /// The connection that reconnected to the same URL after this one ended.
        var replacedBy: ConnectionID?
    }

    struct TimerKey: Hashable, Sendable {
        var connection: ConnectionID
        var timer: ClientTimer
    }

    /// The venue the tape's header names (a connection may pick another by its URL).
    public let venue: VenueName
    /// True when the clients act as live (verify): they answer pings and schedule heartbeats.
    public let drives: Bool
    let symbols: [String]
    let notionalUser: String
    let checksInvariantsEveryFrame: Bool

    public private(set) var clock = VirtualClock()
    /// Connections in the order they first appeared.
    var connections: [Connection] = []
    var timerIDs: [TimerKey: VirtualClock.TimerID] = [:]
    var timerOwners: [UInt64: TimerKey] = [:]

    /// Frames applied so far.
    public private(set) var framesApplied = 0
    /// The number of the last frame applied (-1 before the first).
    public private(set) var lastFrame = -1
    public private(set) var eventCount = 0
    /// Events by `EventType.index`.
    public private(set) var eventCounts = [Int](repeating: 0, count: EventType.names.count)
    public private(set) var timersFired = 0
    public private(set) var anomalyCount = 0
    /// The first `keptMax` anomalies.
    public private(set) var anomalies: [ReplayEvent] = []
    /// Things worth knowing that are not venue events (time going backwards on the tape, sends
    /// asked for while only observing); the first `keptMax`.
    public private(set) var notes: [String] = []
    public private(set) var noteCount = 0
    /// Invariant violations found (after every frame when asked, else by `finish`); first `keptMax`.
    public private(set) var violations: [String] = []
    public private(set) var sendsAsked = 0
    static let keptMax = 100

    public init(venue: VenueName, symbols: [String], notionalUser: String = "", drives: Bool = false,
                checksInvariantsEveryFrame: Bool = false) {
        self.venue = venue
        self.symbols = symbols
        self.notionalUser = notionalUser
        self.drives = drives
        self.checksInvariantsEveryFrame = checksInvariantsEveryFrame
    }

    public var now: Timestamp { clock.now }

    /// The account state of every connection, in connection order.
    public var state: ReplayState {
        ReplayState(
            time: clock.now, framesApplied: framesApplied,
            connections: connections.sorted { $0.id < $1.id }.map {
                ReplayState.Connection(id: $0.id, venue: $0.venue.rawValue, isConnected: $0.client.isConnected, account: $0.client.account,
                                       replacedBy: $0.replacedBy)
            }
        )
    }

    /// The client of a connection (a copy).
    public func client(of connection: ConnectionID) -> (any VenueClient)? {
        connections.first { $0.id == connection }?.client
    }

    // MARK: Driving

    /// Fires the timers due before `frame`, then applies it. `number` is its frame number.
    public mutating func apply(_ frame: Frame, number: Int, _ sink: (ReplayOutput) -> Void) {
        withoutActuallyEscaping(sink) { apply(frame, number: number, sink: $0) }
    }

    /// Applies `frame` with nothing observing its outputs: events are counted and anomalies kept
    /// (as with a sink), but no `ReplayEvent` is built for a sink: a replay that only wants the
    /// final state and counts is spared a copy of every event.
    public mutating func apply(_ frame: Frame, number: Int) {
        apply(frame, number: number, sink: nil)
    }

    /// Either of the above: with a sink, or with none.
    mutating func apply(_ frame: Frame, number: Int, sink: ((ReplayOutput) -> Void)?) {
        var frame = frame
        fireTimers(before: frame.time, sink)
        if frame.time < clock.now {
            note("frame \(number) at \(frame.time) is earlier than frame \(lastFrame) at \(clock.now): applied at \(clock.now)")
            frame.time = clock.now
        } else {
            clock.advance(to: frame.time)
        }
        let index = connectionIndex(for: frame)
        let actions = connections[index].client.handle(frame)
        framesApplied += 1
        lastFrame = number
        perform(actions, connection: frame.connection, frame: number, sink)
        if checksInvariantsEveryFrame { checkInvariants(after: "frame \(number)") }
    }

    /// Fires the timers due at or before `time` (the end of the tape: no timer runs past it).
    public mutating func finish(at time: Timestamp, _ sink: ((ReplayOutput) -> Void)? = nil) {
        while let timer = clock.popTimer(dueAtOrBefore: max(time, clock.now)) { fire(timer, sink) }
        if !checksInvariantsEveryFrame { checkInvariants(after: "the last frame") }
    }

    /// Hands the client of a connection a closure to run on it (verify drives `submit` this way).
    mutating func withClient<R>(_ connection: ConnectionID, _ body: (inout any VenueClient) -> R) -> R? {
        guard let index = connections.firstIndex(where: { $0.id == connection }) else { return nil }
        return body(&connections[index].client)
    }

    mutating func fireTimers(before time: Timestamp, _ sink: ((ReplayOutput) -> Void)?) {
        while let timer = clock.popTimer(dueBefore: time) { fire(timer, sink) }
    }

    private mutating func fire(_ timer: VirtualClock.Timer, _ sink: ((ReplayOutput) -> Void)?) {
        guard let key = timerOwners.removeValue(forKey: timer.id.rawValue) else { return }
        timerIDs.removeValue(forKey: key)
        guard let index = connections.firstIndex(where: { $0.id == key.connection }) else { return }
        timersFired += 1
        let actions = connections[index].client.timerFired(key.timer, at: clock.now)
        perform(actions, connection: key.connection, frame: nil, sink)
    }

    /// Counts a client's actions and hands them to `sink` (when there is one), keeps anomalies,
    /// and schedules and cancels the client's timers.
    mutating func perform(_ actions: consuming [ClientAction], connection: ConnectionID, frame: Int?, _ sink: ((ReplayOutput) -> Void)?) {
        // Each action is moved out of the array (reversed, then popped from the end), not copied:
        // iterating copied every event twice on its way to the sink, a tenth of a replay's time.
        actions.reverse()
        while let action = actions.popLast() {
            switch consume action {
            case .emit(let event):
                eventCount += 1
                eventCounts[EventType.index(of: event)] += 1
                let isAnomaly = if case .anomaly = event { true } else { false }
                if isAnomaly { anomalyCount += 1 }
                guard sink != nil || isAnomaly && anomalies.count < Self.keptMax else { continue }
                let replayEvent = ReplayEvent(sequence: eventCount - 1, frame: frame, time: clock.now, connection: connection, event: event)
                if isAnomaly, anomalies.count < Self.keptMax { anomalies.append(replayEvent) }
                sink?(.event(replayEvent))
            case .send(let kind, let payload):
                sendsAsked += 1
                if !drives { note("the \(connections.first { $0.id == connection }?.venue.rawValue ?? "") client on \(connection) asked to send while observing (frame \(frame.map(String.init) ?? "timer"))") }
                sink?(.send(connection: connection, kind: kind, payload: payload, time: clock.now, frame: frame))
            case .scheduleTimer(let timer, let due):
                let key = TimerKey(connection: connection, timer: timer)
                if let old = timerIDs[key] {
                    clock.cancel(old)
                    timerOwners.removeValue(forKey: old.rawValue)
                }
                let id = clock.schedule("\(connection):\(timer)", at: due)
                timerIDs[key] = id
                timerOwners[id.rawValue] = key
            case .cancelTimer(let timer):
                let key = TimerKey(connection: connection, timer: timer)
                if let old = timerIDs.removeValue(forKey: key) {
                    clock.cancel(old)
                    timerOwners.removeValue(forKey: old.rawValue)
                }
            case .close(let info):
                sink?(.close(connection: connection, info, time: clock.now))
            }
        }
    }

    private mutating func connectionIndex(for frame: Frame) -> Int {
        if let index = connections.firstIndex(where: { $0.id == frame.connection }) { return index }
        var venue = self.venue
        let opened = frame.kind == .opened ? ConnectionOpened(payload: frame.payload) : nil
        if let opened, let named = VenueName(url: opened.url) {
            venue = named
        }
        // A recorder that reconnects opens a new connection to the same URL after the old one
        // ended (docs/CAPTURE.md): the old one's account is history, the new one's is current.
        if let url = opened?.url {
            for index in connections.indices
            where connections[index].url == url && connections[index].replacedBy == nil && !connections[index].client.isConnected {
                connections[index].replacedBy = frame.connection
            }
        }
        let symbols = venue == self.venue ? self.symbols : venue.defaultSymbols
        connections.append(Connection(id: frame.connection, venue: venue,
                                      client: venue.makeClient(symbols: symbols, notionalUser: notionalUser, drives: drives),
                                      url: opened?.url))
        return connections.count - 1
    }

    private mutating func checkInvariants(after place: String) {
        for connection in connections.sorted(by: { $0.id < $1.id }) {
            for violation in connection.client.invariantViolations() where violations.count < Self.keptMax {
                violations.append("\(connection.id) after \(place): \(violation)")
            }
        }
    }

    private mutating func note(_ text: String) {
        noteCount += 1
        if notes.count < Self.keptMax { notes.append(text) }
    }
}

extension ReplaySession {
    /// The venue of a connection's client, once the connection has appeared.
    func venueOf(_ connection: ConnectionID) -> VenueName? {
        connections.first { $0.id == connection }?.venue
    }
}
