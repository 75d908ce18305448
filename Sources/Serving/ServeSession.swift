import TapeCore

/// One client's replay of one recorded connection, as a state machine without I/O: the driver
/// (the replay server) reports what happened, with the time on its own monotonic clock, and asks
/// `next(at:)` what to do until it answers with something to wait for.
///
/// Timing: every send has a deadline: the previous deadline plus `pacing.wait` over the recorded
/// gap, counted from the session's start (for the first step, the gap since `opened`). Deadlines
/// are computed from deadlines, not from when frames actually went out, so a slow moment does not
/// shift the rest of the session. A frame is never sent before its deadline.
///
/// Cassette mode: at each recorded client frame the session waits for the client's next text,
/// binary or close frame and compares it with `MatchRules`; a match goes on (pacing restarts from
/// when the client's frame arrived), a mismatch fails the session. Client frames that arrive early
/// queue (up to `maxQueuedFrames`). Pings and pongs from the client are never compared: they follow
/// the client library's own timers. In timed mode client frames are not looked at.
public struct ServeSession: Sendable {
    public enum Mode: Hashable, Sendable {
        /// Send the recorded frames at their paced times; ignore what the client sends.
        case timed
        /// Also wait, at each recorded client frame, for the client to send a matching one.
        case cassette(MatchRules)
    }

    public enum Action: Hashable, Sendable {
        /// Send this recorded frame now; its deadline (never later than now) is given for tracing.
        case send(ServeStep, deadline: Timestamp)
        /// Nothing is due before this time: arm a timer and call `next` when it fires.
        case wait(until: Timestamp)
        /// Nothing to send until the client's next frame (cassette mode).
        case waitForClient
        /// Close with this code and reason (the tape ends, or is damaged, before the connection did).
        case close(code: UInt16, reason: String)
        /// Drop the socket without a close handshake: the recording ended that way.
        case drop(reason: String)
        /// The client's frame does not match the recording: close with 1008 and report it.
        case fail(MatchFailure)
        /// Nothing more to do.
        case finished
    }

    private enum State {
        case ready
        case playing
        /// The script ran out, or the client left.
        case ended
        case failed
    }

    private struct ClientFrame {
        var kind: FrameKind
        var payload: [UInt8]
        var arrival: Timestamp
    }

    public let script: ServeScript
    public let mode: Mode
    public let pacing: Pacing
    /// Client frames held while the script has not reached them yet (cassette mode).
    public var maxQueuedFrames = 4096

    private var state = State.ready
    private var position = 0
    private var lastRecorded: Timestamp
    private var lastDeadline = Timestamp.zero
    private var queue: [ClientFrame] = []
    private var queueHead = 0
    private var expectationsLeft: Int
    /// Frames sent so far.
    public private(set) var sentCount = 0
    /// Client frames that matched the recording so far (cassette mode).
    public private(set) var matchedCount = 0
    /// True once the client left before the script was done.
    public private(set) var clientLeftEarly = false

    public init(script: ServeScript, mode: Mode, pacing: Pacing) {
        self.script = script
        self.mode = mode
        self.pacing = pacing
        self.lastRecorded = script.openedAt
        self.expectationsLeft = script.expectCount
    }

    /// The client connected (the upgrade is done) at `now`.
    public mutating func connected(at now: Timestamp) {
        switch state {
        case .ready:
            state = .playing
            lastDeadline = now
        case .playing, .ended, .failed:
            preconditionFailure("connected(at:) called twice, in state \(state)")
        }
    }

    /// The client sent a frame.
    public mutating func receivedFrame(_ kind: FrameKind, _ payload: [UInt8], at now: Timestamp) {
        guard case .cassette = mode, state == .playing else { return }
        switch kind {
        case .text, .binary, .close:
            queue.append(ClientFrame(kind: kind, payload: payload, arrival: now))
        case .ping, .pong, .opened, .closed, .lost, .error, .annotation:
            break
        }
    }

    /// The client sent a close, or its connection ended: nothing more will be sent.
    public mutating func disconnected() {
        switch state {
        case .ready, .playing:
            // Only close frames left (the client's close, the venue's answer) is leaving on time.
            clientLeftEarly = script.steps[position...].contains { $0.kind != .close }
            state = .ended
        case .ended, .failed:
            break
        }
    }

    public var isOver: Bool {
        switch state {
        case .ended, .failed: true
        case .ready, .playing: false
        }
    }

    /// What to do now; call again after every `.send` (and after a timer, a client frame).
    public mutating func next(at now: Timestamp) -> Action {
        switch state {
        case .ready:
            preconditionFailure("next(at:) before connected(at:)")
        case .ended, .failed:
            return .finished
        case .playing:
            break
        }
        if case .cassette = mode, let failure = unexpectedFrame() {
            state = .failed
            return .fail(failure)
        }
        while position < script.steps.count {
            let step = script.steps[position]
            switch (step.role, mode) {
            case (.send, _):
                let deadline = lastDeadline + pacing.wait(from: lastRecorded, to: step.time)
                guard deadline <= now else { return .wait(until: deadline) }
                position += 1
                sentCount += 1
                lastRecorded = step.time
                lastDeadline = deadline
                return .send(step, deadline: deadline)
            case (.expect, .timed):
                position += 1
            case (.expect, .cassette(let rules)):
                guard queueHead < queue.count else { return .waitForClient }
                let frame = queue[queueHead]
                queueHead += 1
                if queueHead == queue.count {
                    queue.removeAll(keepingCapacity: true)
                    queueHead = 0
                }
                if frame.kind == .close && step.kind != .close {
                    // The client is leaving before the recording did: not a mismatch.
                    clientLeftEarly = true
                    state = .ended
                    return .finished
                }
                switch rules.compare(recorded: (step.kind, step.payload), received: (frame.kind, frame.payload)) {
                case .match:
                    position += 1
                    matchedCount += 1
                    expectationsLeft -= 1
                    lastRecorded = step.time
                    lastDeadline = max(lastDeadline, frame.arrival)
                case .mismatch(let difference):
                    state = .failed
                    return .fail(MatchFailure(frame: step.frame, recorded: (step.kind, step.payload),
                                              received: (frame.kind, frame.payload), difference: difference))
                }
            }
        }
        return ending(at: now)
    }

    /// The action that ends the script, at the recorded end's paced time.
    private mutating func ending(at now: Timestamp) -> Action {
        switch script.ending {
        case .closeHandshake:
            state = .ended
            return .finished
        case .drop(let reason):
            let deadline = lastDeadline + pacing.wait(from: lastRecorded, to: script.endingTime)
            guard deadline <= now else { return .wait(until: deadline) }
            state = .ended
            return .drop(reason: reason)
        case .endOfTape:
            state = .ended
            return .close(code: 1000, reason: "end of tape")
        case .damaged:
            state = .ended
            return .close(code: 1011, reason: "the tape is damaged here; nothing more can be replayed")
        }
    }

    /// A queued client frame beyond what the rest of the recording expects, or a queue over its cap.
    private func unexpectedFrame() -> MatchFailure? {
        let queued = queue.count - queueHead
        if queued > expectationsLeft {
            let extra = queue[queueHead + expectationsLeft]
            // A close after the last expected frame is the client leaving, not a mismatch.
            if extra.kind == .close { return nil }
            return MatchFailure(frame: nil, recorded: nil, received: (extra.kind, extra.payload),
                                difference: "the recording has no more client frames on connection \(script.connection)")
        }
        if queued > maxQueuedFrames {
            let last = queue[queue.count - 1]
            return MatchFailure(frame: nil, recorded: nil, received: (last.kind, last.payload),
                                difference: "the client is more than \(maxQueuedFrames) frames ahead of the recording")
        }
        return nil
    }
}
