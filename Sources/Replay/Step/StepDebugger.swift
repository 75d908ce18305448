import TapeCore
import TapeFormat
import Venues

/// Steps through a tape frame by frame, forwards and backwards, with the events each frame caused
/// and the state diff. Backwards (and any jump) re-runs from the nearest checkpoint at or before
/// the target: a checkpoint is a copy of the whole `ReplaySession` (the clients are value types,
/// so this is the clients, the clock with its timers and the counts), taken every
/// `checkpointInterval` frames the first time the debugger passes there.
public struct StepDebugger {
    public let reader: TapeReader
    public let checkpointInterval: Int
    /// Frames that can be replayed (up to the first damage).
    public let frameLimit: Int
    public let stop: ReplayStop?

    /// The session after `position` frames.
    public private(set) var session: ReplaySession
    /// Frames applied: the next frame to apply has this number.
    public private(set) var position = 0
    /// checkpoints[i] is the session before frame i × checkpointInterval.
    private var checkpoints: [ReplaySession] = []
    private var cursor: FrameCursor?
    private var cursorPosition = -1
    public private(set) var breakpoints: [StepCondition] = []

    /// The last frame applied by a step, its events, and the state before it.
    public private(set) var lastFrame: RecordedFrame?
    public private(set) var lastEvents: [ReplayEvent] = []
    private var stateBeforeLast: ReplayState?

    public init(reader: TapeReader, configuration: ReplayConfiguration = .init(), checkpointInterval: Int = 10_000) throws(ReplayError) {
        precondition(checkpointInterval > 0, "checkpoint interval must be positive")
        self.reader = reader
        self.checkpointInterval = checkpointInterval
        (frameLimit, stop) = Replayer.readableLimit(of: reader)
        session = try Replayer.session(for: reader, configuration: configuration)
        checkpoints = [session]
    }

    /// The number of the last frame applied; nil at the start.
    public var currentFrame: Int? { position > 0 ? position - 1 : nil }
    public var checkpointCount: Int { checkpoints.count }

    // MARK: Moving

    /// Applies the next frame; false at the end of what can be read.
    @discardableResult
    public mutating func stepForward(observing: Bool = true) throws(ReplayError) -> Bool {
        guard position < frameLimit else { return false }
        if cursor == nil || cursorPosition != position {
            cursor = reader.cursor(fromFrame: position)
            cursorPosition = position
        }
        let recorded: RecordedFrame?
        do {
            recorded = try cursor!.next()
        } catch {
            throw ReplayError(.unreadableTape, place: reader.name, "\(error.detail) (offset \(error.offset ?? 0))", remedy: error.remedy)
        }
        guard let recorded else { return false }
        cursorPosition += 1
        if position % checkpointInterval == 0, checkpoints.count == position / checkpointInterval {
            checkpoints.append(session)
        }
        if observing { stateBeforeLast = session.state }
        var events: [ReplayEvent] = []
        session.apply(recorded.frame, number: recorded.number) { output in
            if case .event(let event) = output { events.append(event) }
        }
        lastEvents = events
        lastFrame = recorded
        position += 1
        return true
    }

    /// Goes to the state right after frame `number` (before any frame: `number` = -1).
    public mutating func go(toFrame number: Int) throws(ReplayError) {
        guard number < frameLimit else {
            throw ReplayError(.outOfRange, place: reader.name, "there is no frame \(number): the tape has \(frameLimit) readable frames",
                              remedy: "use a frame number from 0 to \(frameLimit - 1)")
        }
        let target = number + 1
        if target < position || target - position > checkpointInterval {
            // The checkpoint before the target's frame, so that the frame itself is stepped and shown.
            let index = min(max(0, target - 1) / checkpointInterval, checkpoints.count - 1)
            if target < position || index * checkpointInterval > position {
                session = checkpoints[index]
                position = index * checkpointInterval
                lastFrame = nil
                lastEvents = []
                stateBeforeLast = nil
            }
        }
        while position < target - 1 { _ = try stepForward(observing: false) }
        if position < target { _ = try stepForward(observing: true) }
    }

    /// Goes to the state after the last frame at or before `time`.
    public mutating func go(toTime time: Timestamp) throws(ReplayError) {
        var cursor = reader.cursor(fromTime: Timestamp(nanoseconds: time.nanoseconds &+ 1))
        let after: Int
        do {
            after = try cursor.next()?.number ?? frameLimit
        } catch {
            throw ReplayError(.unreadableTape, place: reader.name, error.detail, remedy: error.remedy)
        }
        try go(toFrame: min(after, frameLimit) - 1)
    }

    /// Runs forward until `stopsHere` is true after a frame; false when the end came first.
    public mutating func run(until stopsHere: (StepDebugger) -> Bool) throws(ReplayError) -> Bool {
        while try stepForward(observing: true) {
            if stopsHere(self) { return true }
        }
        return false
    }

    // MARK: Commands

    /// Executes a command; returns what it prints.
    public mutating func execute(_ command: StepCommand) throws(ReplayError) -> [String] {
        switch command {
        case .next(let count):
            for _ in 0..<count {
                guard try stepForward() else { return ["end of tape"] + where_() }
            }
            return show()
        case .previous(let count):
            guard let current = currentFrame else { return ["at the start of the tape"] }
            try go(toFrame: max(-1, current - count))
            return currentFrame == nil ? ["at the start of the tape"] : show()
        case .frame(let number):
            try go(toFrame: number)
            return show()
        case .time(let time):
            try go(toTime: time)
            return currentFrame == nil ? ["at the start of the tape (no frame at or before \(time) s)"] : show()
        case .match(let filter):
            let found = try run { $0.lastFrame.map { filter.matches($0.frame, number: $0.number) } ?? false }
            return found ? show() : ["no further frame matches"] + where_()
        case .addBreak(let condition):
            breakpoints.append(condition)
            return ["breakpoint \(breakpoints.count): \(condition)"]
        case .deleteBreaks:
            breakpoints = []
            return ["no breakpoints"]
        case .proceed:
            guard !breakpoints.isEmpty else { return ["no breakpoints: add one with 'break CONDITION'"] }
            return try runUntil(breakpoints)
        case .until(let condition):
            return try runUntil([condition])
        case .show:
            return show()
        case .state:
            return ["state after " + place()] + session.state.descriptionLines.map { "  " + $0 }
        case .whereAmI:
            return where_()
        case .quit:
            return []
        }
    }

    private mutating func runUntil(_ conditions: [StepCondition]) throws(ReplayError) -> [String] {
        let needsState = conditions.contains { $0.needsState }
        var hit: StepCondition?
        let found = try run { debugger in
            let state = needsState ? debugger.session.state : ReplayState(time: .zero, framesApplied: 0, connections: [])
            hit = conditions.first { $0.holds(in: state, lastEvents: debugger.lastEvents) }
            return hit != nil
        }
        guard found, let hit else { return ["end of tape: no condition held"] + where_() }
        return ["break: \(hit)"] + show()
    }

    /// The current frame raw and decoded (the events it caused) and the state diff.
    public func show() -> [String] {
        guard let recorded = lastFrame else { return where_() }
        let frame = recorded.frame
        var lines = ["frame \(recorded.number) at \(frame.time) s: \(frame.direction) \(frame.connection) \(frame.kind) \(frame.payload.count) B"]
        lines.append("  raw     " + Self.printable(frame))
        if lastEvents.isEmpty { lines.append("  events  none") }
        for event in lastEvents {
            lines.append("  event   \(event.type) \(CanonicalJSON.string(EventType.payload(of: event.event) as Any))")
        }
        if let before = stateBeforeLast {
            let diff = session.state.diff(from: before)
            lines.append("  diff    " + (diff.isEmpty ? "none" : ""))
            lines += diff.map { "    " + $0 }
        }
        return lines
    }

    public func where_() -> [String] { ["at " + place()] }

    private func place() -> String {
        guard let frame = currentFrame else { return "the start (no frame applied)" }
        return "frame \(frame) of \(frameLimit) (t=\(session.now) s)"
    }

    static func printable(_ frame: Frame) -> String {
        if frame.kind == .opened, let opened = ConnectionOpened(payload: frame.payload) { return opened.url }
        if frame.kind == .binary { return frame.payload.prefix(64).map { String($0, radix: 16) }.joined(separator: " ") }
        var text = String(decoding: frame.payload, as: UTF8.self)
        if text.count > 400 { text = String(text.prefix(400)) + "…" }
        return text
    }
}

/// Runs a script of step commands against a tape and collects what they print.
public enum StepRunner {
    public static func run(script: StepScript, debugger: inout StepDebugger) throws(ReplayError) -> [String] {
        var output: [String] = []
        for (line, command) in script.commands {
            output.append("> " + describe(command, line: line))
            if command == .quit { break }
            output += try debugger.execute(command)
        }
        return output
    }

    static func describe(_ command: StepCommand, line: Int) -> String {
        switch command {
        case .next(let count): count == 1 ? "next" : "next \(count)"
        case .previous(let count): count == 1 ? "previous" : "previous \(count)"
        case .frame(let number): "frame \(number)"
        case .time(let time): "time \(time)"
        case .match: "match (line \(line))"
        case .addBreak(let condition): "break \(condition)"
        case .deleteBreaks: "delete"
        case .proceed: "continue"
        case .until(let condition): "until \(condition)"
        case .show: "show"
        case .state: "state"
        case .whereAmI: "where"
        case .quit: "quit"
        }
    }
}
