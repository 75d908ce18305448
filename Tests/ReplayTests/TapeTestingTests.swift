import Foundation
import Replay
import TapeCore
import TapeTesting
import Testing
import Venues

@Suite("TapeTesting helpers")
struct TapeTestingTests {
    @Test("a recording from recordings/ replays into a long position with no anomalies")
    func recordingAssertions() throws {
        let tape = try ReplayedTape.recording("digitex-market-order-fill.tape")
        try tape.expectNoAnomalies()
        try tape.expectInvariantsHold()
        try tape.expectPosition("BTCUSD-PERP", side: .long, size: 10, entryPrice: 12250)
        try tape.expectBalance("DGTX", total: FixedDecimal("104705.4583")!)
        try tape.expectOpenOrders(0)
        try tape.expectCount("orderFilled", 1)
        let fill = try tape.expectEvent("a fill of 10") { if case .orderFilled(let fill) = $0.event { return fill.quantity == 10 }; return false }
        #expect(fill.frame == 5)
    }

    @Test("a failed expectation names the frame and the time")
    func failureNamesFrame() throws {
        let tape = try ReplayedTape.recording("digitex-market-order-fill.tape")
        #expect {
            try tape.expectNoEvent("fills") { $0.type == "orderFilled" }
        } throws: { error in
            (error as? TapeAssertionFailure)?.description.contains("at frame 5 (t=0.005000000 s)") == true
        }
        #expect {
            try tape.expectPosition("BTCUSD-PERP", side: .short, size: 10)
        } throws: { error in
            let text = (error as? TapeAssertionFailure)?.description ?? ""
            return text == "expected position BTCUSD-PERP short 10, but it is long 10 @ 12250; it was last updated at frame 5 (t=0.005000000 s)"
        }
    }

    @Test("the state after a frame is the state the replay had there")
    func stateAfterFrame() throws {
        let tape = try ReplayedTape.recording("digitex-market-order-fill.tape")
        #expect(try tape.state(afterFrame: 3).position("BTCUSD-PERP") == nil)
        #expect(try tape.state(afterFrame: 5).position("BTCUSD-PERP")?.size == 10)
        #expect(throws: TapeAssertionFailure.self) { try tape.state(afterFrame: 99) }
    }

    @Test("an invalid-credentials tape reports the failed authentication at its frame")
    func invalidCredentials() throws {
        let tape = try ReplayedTape.recording("digitex-auth-invalid.tape")
        let failed = try tape.expectEvent("authentication failure") { if case .authenticationFailed = $0.event { return true }; return false }
        #expect(failed.frame == 2)
        #expect(tape.state.position("BTCUSD-PERP") == nil)
    }

    @Test("the digest pins a recording's behaviour")
    func digestPin() throws {
        let first = try ReplayedTape.recording("qfex-subscribe-positions.tape")
        let second = try ReplayedTape.recording("qfex-subscribe-positions.tape")
        try second.expectDigest(first.digest)
        #expect(throws: TapeAssertionFailure.self) { try second.expectDigest("sha256:0") }
    }
}

@Suite("Simulator session recordings")
struct SimulatorSessionReplayTests {
    static let sessions = ["digitex-session.tape", "qfex-session.tape", "roxom-session.tape", "notional-session.tape", "satori-session.tape"]

    @Test("each session replays with no anomaly, with fills and a reconnect, and verifies", arguments: sessions)
    func replaysAndVerifies(_ name: String) throws {
        let tape = try ReplayedTape.recording(name)
        try tape.expectNoAnomalies()
        try tape.expectInvariantsHold()
        // The account traded (Notional's client reads account summaries only: positions, no fills).
        #expect(!tape.events(ofType: "positionUpdated").isEmpty)
        #expect(!tape.events(ofType: "orderFilled").isEmpty || tape.venue == .notional)
        let acceptedOn = Set(tape.events(ofType: "commandAccepted").map(\.connection))
        let last = tape.events.map(\.connection).max()
        #expect(acceptedOn.contains(ConnectionID(0)) && last.map(acceptedOn.contains) == true,
                "the first connection and the one after the reconnect both had requests accepted")
        let verified = try Verifier.run(tape: Recordings.path(name))
        #expect(verified.agrees && verified.outboundCompared >= 2)
    }
}
