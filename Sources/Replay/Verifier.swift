import TapeCore
import TapeFormat
import Venues

/// The first place where the client would not have sent what the tape recorded.
public struct VerifyDivergence: Sendable {
    /// The recorded frame where it shows; nil when the client would have sent something after the
    /// tape's last outbound frame.
    public var frame: Int?
    public var time: Timestamp
    public var connection: ConnectionID
    public var reason: String
    /// What the tape holds, if anything.
    public var recorded: [UInt8]?
    /// What the client would send, if anything.
    public var wouldSend: [UInt8]?
    /// The state just before the divergence.
    public var stateBefore: ReplayState

    public var descriptionLines: [String] {
        var lines = ["diverged at \(frame.map { "frame \($0)" } ?? "the end") (t=\(time) s) on \(connection): \(reason)"]
        lines.append("  recorded:    " + (recorded.map { String(decoding: $0, as: UTF8.self) } ?? "(nothing)"))
        lines.append("  would send:  " + (wouldSend.map { String(decoding: $0, as: UTF8.self) } ?? "(nothing)"))
        lines.append("state before it:")
        lines += stateBefore.descriptionLines.map { "  " + $0 }
        return lines
    }
}

/// What verify found.
public struct VerifyResult: Sendable {
    public var tape: String
    public var venue: VenueName
    /// Outbound frames compared (up to the divergence, if any).
    public var outboundCompared: Int
    public var framesApplied: Int
    public var divergence: VerifyDivergence?
    public var stop: ReplayStop?

    public var agrees: Bool { divergence == nil }

    public var summaryLines: [String] {
        var lines = ["tape        \(tape)", "venue       \(venue.rawValue)",
                     "frames      \(framesApplied) applied, \(outboundCompared) outbound compared"]
        if let divergence { lines += divergence.descriptionLines } else { lines.append("verify      the client sends what the tape recorded") }
        if let stop { lines.append("damage      \(stop)") }
        return lines
    }
}

/// Re-runs the venue client on a tape's frames, acting as live, and compares what it would send
/// with the outbound frames the tape recorded.
///
/// "Would send", precisely:
/// - A recorded outbound message that the venue's command decoder reads (a request) is decoded and
///   `submit`ted to a copy of the client, in the state the tape has brought it to: the client must
///   send it (not refuse it) and what it sends must agree with the recording under the venue's
///   `PayloadComparison` rules. The real client then reads the recorded message (`sentFrame`), so
///   answers keep correlating with the recorded request ids.
/// - Everything else the client sends on its own: answers to pings, heartbeats from its timers
///   (fired on the virtual clock between frames), sends on connect. These queue per connection. A
///   recorded outbound message that agrees with the oldest queued one is that message (checked
///   first: a heartbeat may also be a request, like Notional's JSON ping); otherwise one that is
///   not a request is a divergence.
/// - At the end, a queued message from more than `graceAtEnd` before the last frame that the tape
///   never sent is a divergence too (the client would have sent it; the recording did not).
/// Clients are configured without credentials or subscriptions to send on connect: those are
/// requests on the tape and are checked as such.
public enum Verifier {
    public static let graceAtEnd = Timestamp.Duration.seconds(1)

    public static func run(tape path: String, configuration: ReplayConfiguration = .init()) throws(ReplayError) -> VerifyResult {
        try run(reader: Replayer.open(path), configuration: configuration)
    }

    public static func run(reader: TapeReader, configuration: ReplayConfiguration = .init()) throws(ReplayError) -> VerifyResult {
        var session = try Replayer.session(for: reader, configuration: configuration, drives: true)
        var (limit, stop) = Replayer.readableLimit(of: reader)
        var queued: [(connection: ConnectionID, time: Timestamp, payload: [UInt8])] = []
        var compared = 0
        var divergence: VerifyDivergence?
        var lastTime = Timestamp.zero
        let sink: (ReplayOutput) -> Void = { output in
            if case .send(let connection, _, let payload, let time, _) = output { queued.append((connection, time, payload)) }
        }
        var cursor = reader.cursor(fromFrame: 0, options: configuration.cursorOptions)
        var next = 0
        do {
            while next < limit, divergence == nil, let recorded = try cursor.next() {
                next += 1
                let frame = recorded.frame
                lastTime = max(lastTime, frame.time)
                guard frame.direction == .outbound, frame.kind == .text else {
                    session.apply(frame, number: recorded.number, sink)
                    continue
                }
                session.fireTimers(before: frame.time, sink)
                let before = session.state
                divergence = check(frame, number: recorded.number, session: &session, queued: &queued, stateBefore: before)
                compared += 1
                if divergence == nil { session.apply(frame, number: recorded.number, sink) }
            }
        } catch {
            stop = ReplayStop(frame: next, offset: error.offset ?? reader.fileLength, reason: error.detail)
            limit = next
        }
        if divergence == nil {
            let before = session.state
            session.finish(at: lastTime, sink)
            if let left = queued.first(where: { $0.time + graceAtEnd < lastTime }) {
                divergence = VerifyDivergence(
                    frame: nil, time: left.time, connection: left.connection,
                    reason: "the client would have sent this at \(left.time) s; the tape has no such message",
                    recorded: nil, wouldSend: left.payload, stateBefore: before)
            }
        }
        return VerifyResult(tape: reader.name, venue: session.venue, outboundCompared: compared,
                            framesApplied: session.framesApplied, divergence: divergence, stop: stop)
    }

    private static func check(
        _ frame: Frame, number: Int, session: inout ReplaySession,
        queued: inout [(connection: ConnectionID, time: Timestamp, payload: [UInt8])], stateBefore: ReplayState
    ) -> VerifyDivergence? {
        let connection = frame.connection
        let venue = session.venueOf(connection) ?? session.venue
        let rules = PayloadComparison.rules(for: venue)
        func diverged(_ reason: String, _ produced: [UInt8]?) -> VerifyDivergence {
            VerifyDivergence(frame: number, time: frame.time, connection: connection, reason: reason,
                             recorded: frame.payload, wouldSend: produced, stateBefore: stateBefore)
        }
        // The client's own message first: a heartbeat can be a request too (Notional's JSON ping).
        if let index = queued.firstIndex(where: { $0.connection == connection }), rules.agree(frame.payload, queued[index].payload) {
            queued.remove(at: index)
            return nil
        }
        if venue.isRequest(frame.payload) {
            let probe = session.withClient(connection) { client -> [ClientAction]? in
                var copy = client
                return venue.submitRecorded(frame.payload, to: &copy, at: frame.time)
            }
            guard let actions = probe ?? nil else {
                return diverged("the tape sends a request on a connection the client never opened", nil)
            }
            let sent = actions.compactMap { action -> [UInt8]? in if case .send(_, let bytes) = action { return bytes }; return nil }
            guard let produced = sent.first else {
                let refusal = actions.compactMap { action -> String? in
                    if case .emit(.commandRefused(let reason)) = action { return reason }
                    return nil
                }.first ?? "it produced no message"
                return diverged("the client would not send this request: \(refusal)", nil)
            }
            guard rules.agree(frame.payload, produced) else { return diverged("the client would send a different request", produced) }
            return nil
        }
        guard let index = queued.firstIndex(where: { $0.connection == connection }) else {
            return diverged("the tape sends a message that is no request, and no answer or heartbeat of the client was due", nil)
        }
        let produced = queued.remove(at: index).payload
        guard rules.agree(frame.payload, produced) else { return diverged("the client would send a different message here", produced) }
        return nil
    }
}
