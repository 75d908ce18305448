import Foundation
import Replay
import TapeCore
import TapeFormat
import TapeTesting
import Testing
import Venues

@Suite("Verify")
struct VerifierTests {
    private static func write(_ frames: [Frame], venue: String = "digitex", to path: String) throws {
        let writer = try TapeWriter(path: path, header: TapeHeader(venue: venue, wallClockStartNanoseconds: 0))
        for frame in frames { try writer.append(frame) }
        try writer.close()
    }

    private static let opened = Frame(time: .zero, direction: .outbound, connection: ConnectionID(0), kind: .opened, payload: [])

    @Test("the documented Digitex session agrees: auth and order are what the client sends, ids aside")
    func agreeingSession() throws {
        let folder = try ScratchFolder()
        let result = try Verifier.run(tape: digitexOrderTape(in: folder))
        #expect(result.agrees, "\(result.summaryLines)")
        #expect(result.outboundCompared == 2)
        #expect(result.framesApplied == 7)
    }

    @Test("an order before authentication diverges: the client would refuse it; the state before is shown")
    func refusedOrder() throws {
        let folder = try ScratchFolder()
        let path = folder.path("order-first.tape")
        try SequenceTape.write(venue: .digitex, files: [Fixtures.example("digitex", "seq_place_market_order_accept_fill.jsonl")], to: path)
        let result = try Verifier.run(tape: path)
        let divergence = try #require(result.divergence)
        #expect(divergence.frame == 1)
        #expect(divergence.time == .milliseconds(1))
        #expect(divergence.reason.contains("would not send this request: not authenticated"))
        #expect(divergence.wouldSend == nil)
        #expect(divergence.recorded.map { String(decoding: $0, as: UTF8.self).contains("placeOrder") } == true)
        #expect(divergence.descriptionLines.contains("state before it:"))
    }

    @Test("a heartbeat the tape recorded is matched with the client's own timer; a missing one diverges")
    func heartbeats() throws {
        let folder = try ScratchFolder()
        let good = folder.path("good.tape")
        try Self.write([Self.opened, Frame.text("ping", at: .seconds(30) + .milliseconds(2), .outbound),
                        Frame.text("pong", at: .seconds(31), .inbound)], to: good)
        #expect(try Verifier.run(tape: good).agrees)

        let silent = folder.path("silent.tape")
        try Self.write([Self.opened, Frame.text("pong", at: .seconds(45), .inbound)], to: silent)
        let missing = try #require(try Verifier.run(tape: silent).divergence)
        #expect(missing.frame == nil)
        #expect(missing.time == .seconds(30))
        #expect(missing.wouldSend == Array("ping".utf8))

        let extra = folder.path("extra.tape")
        try Self.write([Self.opened, Frame.text("ping", at: .seconds(5), .outbound)], to: extra)
        let early = try #require(try Verifier.run(tape: extra).divergence)
        #expect(early.frame == 1)
        #expect(early.reason.contains("no answer or heartbeat of the client was due"))
    }

    @Test("a heartbeat that is also a request (Notional's JSON ping) is the client's own, not one more")
    func notionalPing() throws {
        let folder = try ScratchFolder()
        let path = folder.path("notional.tape")
        try Self.write([Self.opened,
                        Frame.text(#"{"method":"subscribe","subscription":{"type":"accountSummary","user":"0xabc"}}"#, at: .seconds(1), .outbound),
                        Frame.text(#"{"method":"ping"}"#, at: .seconds(30) + .milliseconds(1), .outbound),
                        Frame.text(#"{"channel":"pong"}"#, at: .seconds(30) + .milliseconds(20), .inbound),
                        Frame.text(#"{"method":"ping"}"#, at: .seconds(60) + .milliseconds(1), .outbound),
                        Frame.text(#"{"channel":"pong"}"#, at: .seconds(75), .inbound)], venue: "notional", to: path)
        let result = try Verifier.run(tape: path)
        #expect(result.agrees, "\(result.summaryLines)")
        #expect(result.outboundCompared == 3)
    }

    @Test("a request that differs in more than its id diverges with both payloads")
    func differentRequest() throws {
        let folder = try ScratchFolder()
        let path = folder.path("changed.tape")
        // The client encodes members in the documented order; a recorded request with an extra member differs.
        let lines = [#"{"id":2,"method":"auth","params":{"type":"token","value":"yourToken"}}"#,
                     #"{"ch":"tradingStatus","data":{"available":true}}"#,
                     #"{"id":7,"method":"getTraderStatus","params":{"symbol":"BTCUSD-PERP"}}"#]
        try SequenceTape.write(venue: .digitex, lines: lines.map { Array($0.utf8) }, to: path)
        #expect(try Verifier.run(tape: path).agrees)

        let rules = PayloadComparison.rules(for: .digitex)
        #expect(rules.agree(Array(#"{"id":1,"method":"x","params":{"a":1.50}}"#.utf8), Array(#"{"params":{"a":1.5},"method":"x","id":9}"#.utf8)))
        #expect(!rules.agree(Array(#"{"id":1,"method":"x"}"#.utf8), Array(#"{"id":1,"method":"y"}"#.utf8)))
        #expect(!rules.agree(Array("ping".utf8), Array("pong".utf8)))
    }
}
