import Testing
import TapeCore
@testable import Serving

@Suite("A replay session as a script of events and actions")
struct ServeSessionTests {
    /// opened at 10 ms; the client authenticates at 20; the venue answers at 25 and pushes at 125.
    static let frames: [Frame] = [
        Tape.opened("ws://h/ws", at: 10),
        Tape.outbound(#"{"op":"auth","nonce":1}"#, at: 20),
        Tape.inbound(#"{"auth":"ok"}"#, at: 25),
        Tape.inbound(#"{"push":1}"#, at: 125),
        Tape.event(.lost, .inbound, Array("reset".utf8), at: 1125),
    ]

    func session(_ mode: ServeSession.Mode, _ pacing: Pacing, frames: [Frame] = frames) throws -> ServeSession {
        ServeSession(script: try ServePlan(frames: Tape.numbered(frames)).scripts[0], mode: mode, pacing: pacing)
    }

    func sent(_ action: ServeSession.Action) -> (frame: Int, deadline: Timestamp)? {
        if case .send(let step, let deadline) = action { (step.frame, deadline) } else { nil }
    }

    @Test("timed at max speed: every inbound frame at once, in order, then the recorded drop")
    func maxSpeed() throws {
        var session = try session(.timed, .asFastAsPossible)
        session.connected(at: .ms(1000))
        #expect(sent(session.next(at: .ms(1000)))?.frame == 2)
        #expect(sent(session.next(at: .ms(1000)))?.frame == 3)
        #expect(session.next(at: .ms(1000)) == .drop(reason: "reset"))
        #expect(session.next(at: .ms(1000)) == .finished)
        #expect(session.sentCount == 2 && !session.clientLeftEarly)
    }

    @Test("real time: each frame waits for its deadline, an early timer sends nothing, a late one keeps the schedule")
    func realTime() throws {
        var session = try session(.timed, .realTime)
        session.connected(at: .ms(1000))
        // opened at 10, first inbound at 25: 15 ms after the start.
        #expect(session.next(at: .ms(1000)) == .wait(until: .ms(1015)))
        #expect(session.next(at: .ms(1014)) == .wait(until: .ms(1015)))
        #expect(sent(session.next(at: .ms(1015)))! == (2, .ms(1015)))
        #expect(session.next(at: .ms(1015)) == .wait(until: .ms(1115)))
        // Sent 30 ms late: the next deadline still counts from 1115, not from 1145.
        #expect(sent(session.next(at: .ms(1145)))! == (3, .ms(1115)))
        #expect(session.next(at: .ms(1145)) == .wait(until: .ms(2115)))
        #expect(session.next(at: .ms(2115)) == .drop(reason: "reset"))
    }

    @Test("speed-ups divide the gaps and a cap shortens the long ones")
    func speeds() throws {
        var double = try session(.timed, .speed(2))
        double.connected(at: .zero)
        #expect(double.next(at: .zero) == .wait(until: Timestamp(nanoseconds: 7_500_000)))
        var capped = try session(.timed, .realTimeCappingGaps(at: .milliseconds(50)))
        capped.connected(at: .zero)
        #expect(sent(capped.next(at: .ms(15)))?.frame == 2)
        #expect(capped.next(at: .ms(15)) == .wait(until: .ms(65)))
    }

    @Test("cassette: the reply waits for a matching client frame, then is paced from its arrival")
    func cassetteMatch() throws {
        var session = try session(.cassette(MatchRules(ignoring: ["nonce"])), .realTime)
        session.connected(at: .ms(1000))
        #expect(session.next(at: .ms(1000)) == .waitForClient)
        #expect(session.next(at: .ms(1500)) == .waitForClient)
        session.receivedFrame(.ping, [1], at: .ms(1600))
        #expect(session.next(at: .ms(1600)) == .waitForClient)
        session.receivedFrame(.text, Array(#"{"nonce":99, "op":"auth"}"#.utf8), at: .ms(1700))
        // Recorded 5 ms between the client's frame and the answer.
        #expect(session.next(at: .ms(1700)) == .wait(until: .ms(1705)))
        #expect(sent(session.next(at: .ms(1705)))?.frame == 2)
        #expect(session.matchedCount == 1)
    }

    @Test("cassette: a client frame that arrived early waits in the queue for its turn")
    func cassetteEarly() throws {
        var session = try session(.cassette(MatchRules(ignoring: ["nonce"])), .asFastAsPossible)
        session.connected(at: .ms(0))
        session.receivedFrame(.text, Array(#"{"op":"auth","nonce":2}"#.utf8), at: .ms(0))
        #expect(sent(session.next(at: .ms(1)))?.frame == 2)
        #expect(sent(session.next(at: .ms(1)))?.frame == 3)
    }

    @Test("cassette: a mismatch fails the session with the frame number and both frames")
    func cassetteMismatch() throws {
        var session = try session(.cassette(MatchRules()), .asFastAsPossible)
        session.connected(at: .zero)
        session.receivedFrame(.text, Array(#"{"op":"login","nonce":1}"#.utf8), at: .zero)
        guard case .fail(let failure) = session.next(at: .zero) else {
            Issue.record("expected a failure")
            return
        }
        #expect(failure.frame == 1)
        #expect(failure.difference == #"$.op: recorded "auth", received "login""#)
        #expect(failure.closeReason == #"frame 1 mismatch: $.op: recorded "auth", received "login"; recorded {"op":"auth","nonce… received {"op":"login","nonc…"#)
        #expect(failure.description.contains(#"  recorded text: {"op":"auth","nonce":1}"#))
        #expect(failure.description.contains(#"  received text: {"op":"login","nonce":1}"#))
        #expect(session.next(at: .zero) == .finished)
    }

    @Test("cassette: a frame past the last recorded client frame fails; a close there is the client leaving")
    func cassetteExtra() throws {
        var session = try session(.cassette(MatchRules()), .asFastAsPossible)
        session.connected(at: .zero)
        session.receivedFrame(.text, Array(#"{"op":"auth","nonce":1}"#.utf8), at: .zero)
        session.receivedFrame(.text, Array("more".utf8), at: .zero)
        guard case .fail(let failure) = session.next(at: .zero) else {
            Issue.record("expected a failure")
            return
        }
        #expect(failure.frame == nil && failure.receivedPayload == Array("more".utf8))
        #expect(failure.closeReason == "unexpected frame: the recording has no more client frames on connection c0; received more")

        var leaving = try self.session(.cassette(MatchRules()), .asFastAsPossible)
        leaving.connected(at: .zero)
        leaving.receivedFrame(.close, [3, 232], at: .zero)
        #expect(leaving.next(at: .zero) == .finished)
        #expect(leaving.clientLeftEarly && leaving.sentCount == 0)
    }

    @Test("a close reason never passes 123 bytes, whatever the frames hold")
    func closeReasonLimit() {
        let long = Array(String(repeating: #"{"name":"é✓ü"}"#, count: 50).utf8)
        for difference in ["short", String(repeating: "ß", count: 200)] {
            let failure = MatchFailure(frame: 123_456, recorded: (.text, long), received: (.text, long + [0x20]), difference: difference)
            #expect(failure.closeReason.utf8.count <= 123)
            #expect(failure.closeReason.hasPrefix("frame 123456 mismatch: "))
            let unexpected = MatchFailure(frame: nil, recorded: nil, received: (.binary, long), difference: difference)
            #expect(unexpected.closeReason.utf8.count <= 123)
        }
    }

    @Test("timed mode does not wait for the client's frames")
    func timedIgnoresClient() throws {
        var session = try session(.timed, .asFastAsPossible)
        session.connected(at: .zero)
        session.receivedFrame(.text, Array("anything".utf8), at: .zero)
        #expect(sent(session.next(at: .zero))?.frame == 2)
    }

    @Test("the end of a tape closes with 1000, a damaged one with 1011")
    func endings() throws {
        let frames = [Tape.opened("ws://h/", at: 0), Tape.inbound("a", at: 1)]
        var ended = ServeSession(script: try ServePlan(frames: Tape.numbered(frames)).scripts[0], mode: .timed, pacing: .asFastAsPossible)
        ended.connected(at: .zero)
        _ = ended.next(at: .zero)
        #expect(ended.next(at: .zero) == .close(code: 1000, reason: "end of tape"))
        var damaged = ServeSession(script: try ServePlan(frames: Tape.numbered(frames), damage: "x").scripts[0], mode: .timed, pacing: .asFastAsPossible)
        damaged.connected(at: .zero)
        _ = damaged.next(at: .zero)
        #expect(damaged.next(at: .zero) == .close(code: 1011, reason: "the tape is damaged here; nothing more can be replayed"))
    }

    @Test("a client that closes where the recorded client closed has not left early")
    func clientClosesOnTime() throws {
        let frames = [
            Tape.opened("ws://h/", at: 0), Tape.inbound("a", at: 1),
            Tape.event(.close, .outbound, CloseInfo(code: 1000).payload, at: 2),
            Tape.event(.close, .inbound, CloseInfo(code: 1000).payload, at: 3),
        ]
        var session = ServeSession(script: try ServePlan(frames: Tape.numbered(frames)).scripts[0], mode: .timed, pacing: .asFastAsPossible)
        session.connected(at: .zero)
        #expect(sent(session.next(at: .zero))?.frame == 1)
        session.disconnected()
        #expect(!session.clientLeftEarly && session.isOver)
    }

    @Test("a client that leaves ends the session")
    func clientLeaves() throws {
        var session = try session(.timed, .realTime)
        session.connected(at: .zero)
        session.disconnected()
        #expect(session.next(at: .zero) == .finished)
        #expect(session.clientLeftEarly && session.isOver)
    }

    @Test("pacing arguments parse, and nonsense does not", arguments: [
        ("max", Pacing.asFastAsPossible), ("realtime", .realTime), ("10x", .speed(10)), ("0.5x", .speed(0.5)),
        ("capped:0.25", .realTimeCappingGaps(at: .milliseconds(250))),
    ])
    func pacing(text: String, pacing: Pacing) {
        #expect(PacingArgument.parse(text) == pacing)
    }

    @Test("unknown pacing strings give nil")
    func badPacing() {
        for text in ["", "fast", "0x", "-2x", "x", "capped:", "capped:-1", "infx"] {
            #expect(PacingArgument.parse(text) == nil, "\(text)")
        }
    }
}
