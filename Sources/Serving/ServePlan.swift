import TapeCore
import TapeFormat

/// Everything a replay server serves from one tape: one script per recorded connection that has an
/// `opened` frame, in connection-id order, and where the tape stopped being readable.
///
/// Which script a client gets (`route(target:sessionsSoFar:)`):
/// 1. `?tape-connection=N` in the request target picks connection N;
/// 2. else the connections whose recorded URL path equals the request's path;
/// 3. else (no recorded URL has that path) every connection;
/// and among those, the one served the fewest times so far, ties to the lowest connection id. So
/// clients connecting to the same path one after another get its recorded connections in order.
public struct ServePlan: Hashable, Sendable {
    public var scripts: [ServeScript]
    /// Where the tape is damaged, when it is: frames from there on are not served.
    public var damage: String?
    /// Frames read from the tape (all connections, up to the damage).
    public var framesRead: Int

    /// Builds the plan from a tape's frames in order; `name` is used in errors.
    public init(frames: some Sequence<RecordedFrame>, damage: String? = nil, name: String = "<frames>") throws(ServeError) {
        var builder = ServePlanBuilder()
        for frame in frames { builder.add(frame) }
        self = try builder.finish(damage: damage, name: name)
    }

    init(scripts: [ServeScript], damage: String?, framesRead: Int) {
        self.scripts = scripts
        self.damage = damage
        self.framesRead = framesRead
    }

    /// Reads a tape up to its first damage (a damaged tape serves what comes before it), decoding
    /// blocks on `parallelism` threads. The plan holds the served frames in memory.
    public static func load(_ reader: TapeReader, parallelism: Int = 1) throws(ServeError) -> ServePlan {
        var builder = ServePlanBuilder()
        let firstDamage = reader.damage.min { $0.offset < $1.offset }
        // Blocks after a damaged stretch are readable, but serving them would skip frames silently.
        let stopFrame = firstDamage.flatMap { damage in reader.blocks.first { $0.offset > damage.offset }?.firstFrame } ?? .max
        var note = firstDamage.map { "the tape is damaged at bytes \($0.offset)–\($0.offset + $0.length - 1) (\($0.reason))" }
        var cursor = reader.cursor(options: FrameCursor.Options(parallelism: parallelism))
        do {
            while let recorded = try cursor.next(), recorded.number < stopFrame {
                builder.add(recorded)
            }
        } catch {
            note = note ?? "\(error)"
        }
        return try builder.finish(damage: note, name: reader.name)
    }

    /// The script a client asking for `target` (path and query of its request) gets, given how many
    /// sessions each script has served so far (indexed like `scripts`); see the type's rules.
    public func route(target: String, sessionsSoFar: [Int]) throws(ServeError) -> Int {
        precondition(sessionsSoFar.count == scripts.count, "one session count per script")
        if let requested = Self.requestedConnection(in: target) {
            guard let index = scripts.firstIndex(where: { String($0.connection.rawValue) == requested }) else {
                let served = scripts.map { String($0.connection.rawValue) }.joined(separator: ", ")
                throw ServeError(.unknownConnection, "no recorded connection \(requested) to serve",
                                 place: target, remedy: "ask for one of: \(served)")
            }
            return index
        }
        let path = ServeScript.path(of: target)
        var candidates = scripts.indices.filter { scripts[$0].path == path }
        if candidates.isEmpty { candidates = Array(scripts.indices) }
        // `min(by:)` keeps the first of equal elements: ties go to the lowest connection id.
        return candidates.min { sessionsSoFar[$0] < sessionsSoFar[$1] }!
    }

    /// N from a `tape-connection=N` query parameter, as written.
    static func requestedConnection(in target: String) -> String? {
        guard let question = target.firstIndex(of: "?") else { return nil }
        for parameter in target[target.index(after: question)...].split(separator: "&") {
            let parts = parameter.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            if parts[0] == "tape-connection" { return parts.count == 2 ? String(parts[1]) : "" }
        }
        return nil
    }
}

/// Collects a tape's frames into per-connection scripts, in one pass.
struct ServePlanBuilder {
    private struct Pending {
        var script: ServeScript
        var hasInboundClose = false
        var ended = false
    }

    /// Connections in the order they opened; `index` finds one by id. Entries are changed in place
    /// (a copy out of a dictionary and back would copy each script's steps on every frame).
    private var entries: [Pending] = []
    private var index: [ConnectionID: Int] = [:]
    private var framesRead = 0

    mutating func add(_ recorded: RecordedFrame) {
        framesRead += 1
        let frame = recorded.frame
        guard let slot = index[frame.connection] else {
            // A connection is served from its first `opened`; frames before it have no endpoint.
            if frame.kind == .opened {
                let url = ConnectionOpened(payload: frame.payload)?.url ?? ""
                index[frame.connection] = entries.count
                entries.append(Pending(script: ServeScript(
                    connection: frame.connection, url: url, openedFrame: recorded.number, openedAt: frame.time
                )))
            }
            return
        }
        guard !entries[slot].ended else { return }
        switch (frame.kind, frame.direction) {
        case (.text, _), (.binary, _), (.close, _), (.ping, .inbound), (.pong, .inbound):
            let role: ServeStep.Role = frame.direction == .inbound ? .send : .expect
            entries[slot].script.steps.append(ServeStep(role: role, frame: recorded.number, time: frame.time, kind: frame.kind, payload: frame.payload))
            if frame.kind == .close && frame.direction == .inbound { entries[slot].hasInboundClose = true }
        case (.closed, _), (.lost, _):
            entries[slot].ended = true
            entries[slot].script.endingTime = frame.time
            let reason = frame.kind == .lost ? String(decoding: frame.payload, as: UTF8.self) : "closed"
            entries[slot].script.ending = entries[slot].hasInboundClose ? .closeHandshake : .drop(reason: reason)
        case (.ping, .outbound), (.pong, .outbound), (.opened, _), (.error, _), (.annotation, _):
            // Client heartbeats depend on the client's own timers; a second `opened` would be a
            // reconnect, which recorders give a new connection id.
            break
        }
    }

    func finish(damage: String?, name: String) throws(ServeError) -> ServePlan {
        let scripts = entries.sorted { $0.script.connection < $1.script.connection }.map { entry -> ServeScript in
            var entry = entry
            if !entry.ended {
                entry.script.ending = damage.map(ServeEnding.damaged) ?? .endOfTape
                entry.script.endingTime = entry.script.steps.last?.time ?? entry.script.openedAt
            }
            return entry.script
        }
        let damageNote = damage.map { " (\($0); only the \(framesRead) frames before it were read)" } ?? ""
        guard !scripts.isEmpty else {
            throw ServeError(.noConnections, "nothing to serve: no connection in the tape has an 'opened' frame\(damageNote)",
                             place: name, remedy: "serve a tape recorded by 'tape proxy' or 'tape record' (imports without handshakes cannot be served)")
        }
        guard scripts.contains(where: { $0.messageCount > 0 }) else {
            throw ServeError(.noInboundFrames, "nothing to serve: the tape has no inbound (venue to client) frames\(damageNote)",
                             place: name, remedy: "check it with 'tape cat --direction in'; record both directions of a session")
        }
        return ServePlan(scripts: scripts, damage: damage, framesRead: framesRead)
    }
}
