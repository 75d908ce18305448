import Foundation
import Testing
import TapeCore
import TapeFormat
@testable import Serving

@Suite("Scripts from a tape, and which one a client gets")
struct ServePlanTests {
    static let twoConnections: [Frame] = [
        Tape.inbound("before opened", at: 0, connection: 1),
        Tape.opened("wss://venue.example/v1/private?token=<redacted>", at: 1),
        Tape.opened("wss://md.venue.example/stream", at: 2, connection: 1),
        Tape.outbound(#"{"op":"auth"}"#, at: 3),
        Tape.event(.ping, .outbound, [1], at: 4),
        Tape.inbound(#"{"auth":"ok"}"#, at: 5),
        Tape.inbound("book", at: 6, connection: 1),
        Tape.event(.pong, .inbound, [1], at: 7),
        Tape.event(.annotation, .inbound, Array("note".utf8), at: 8),
        Tape.event(.lost, .inbound, Array("reset by peer".utf8), at: 9, connection: 1),
        Tape.inbound("after lost", at: 10, connection: 1),
        Tape.event(.close, .inbound, CloseInfo(code: 1000, reason: "bye").payload, at: 11),
        Tape.event(.closed, .inbound, at: 12),
    ]

    @Test("each opened connection gets a script of its sends and expectations, and its ending")
    func scripts() throws {
        let plan = try ServePlan(frames: Tape.numbered(Self.twoConnections))
        #expect(plan.scripts.map(\.connection) == [ConnectionID(0), ConnectionID(1)])
        let trading = plan.scripts[0]
        #expect(trading.path == "/v1/private")
        #expect(trading.openedFrame == 1 && trading.openedAt == .ms(1))
        #expect(trading.steps.map(\.frame) == [3, 5, 7, 11])
        #expect(trading.steps.map(\.role) == [.expect, .send, .send, .send])
        #expect(trading.steps.map(\.kind) == [.text, .text, .pong, .close])
        #expect(trading.ending == .closeHandshake && trading.endingTime == .ms(12))
        let market = plan.scripts[1]
        #expect(market.steps.map(\.frame) == [6])
        #expect(market.ending == .drop(reason: "reset by peer") && market.endingTime == .ms(9))
        #expect(plan.framesRead == Self.twoConnections.count && plan.damage == nil)
    }

    @Test("a connection the tape stops in ends with 'end of tape', or with the damage")
    func unfinished() throws {
        let frames = [Tape.opened("ws://h/", at: 0), Tape.inbound("a", at: 1)]
        #expect(try ServePlan(frames: Tape.numbered(frames)).scripts[0].ending == .endOfTape)
        #expect(try ServePlan(frames: Tape.numbered(frames), damage: "bad block").scripts[0].ending == .damaged("bad block"))
    }

    @Test("a tape with nothing to serve says why")
    func nothingToServe() {
        let noOpened = #expect(throws: ServeError.self) {
            try ServePlan(frames: Tape.numbered([Tape.inbound("a", at: 0)]), name: "x.tape")
        }
        #expect(noOpened?.code == .noConnections)
        #expect(noOpened?.description.hasPrefix("nothing to serve: no connection in the tape has an 'opened' frame: x.tape; ") == true)
        let noInbound = #expect(throws: ServeError.self) {
            try ServePlan(frames: Tape.numbered([Tape.opened("ws://h/", at: 0), Tape.outbound("a", at: 1)]), name: "y.tape")
        }
        #expect(noInbound?.code == .noInboundFrames)
        #expect(noInbound?.description.contains("the tape has no inbound (venue to client) frames: y.tape;") == true)
    }

    @Test("clients get the connection recorded at their path, else any, least served first, ties to the lowest id")
    func routing() throws {
        let frames = [
            Tape.opened("wss://a/ws", at: 0, connection: 4), Tape.inbound("x", at: 1, connection: 4),
            Tape.opened("wss://b/md", at: 0, connection: 2), Tape.inbound("y", at: 1, connection: 2),
            Tape.opened("wss://c/ws", at: 0, connection: 7), Tape.inbound("z", at: 1, connection: 7),
        ]
        let plan = try ServePlan(frames: Tape.numbered(frames))
        #expect(plan.scripts.map(\.connection.rawValue) == [2, 4, 7])
        #expect(try plan.route(target: "/ws", sessionsSoFar: [0, 0, 0]) == 1)
        #expect(try plan.route(target: "/ws?x=1", sessionsSoFar: [0, 1, 0]) == 2)
        #expect(try plan.route(target: "/ws", sessionsSoFar: [0, 1, 1]) == 1)
        #expect(try plan.route(target: "/md", sessionsSoFar: [5, 0, 0]) == 0)
        #expect(try plan.route(target: "/", sessionsSoFar: [0, 0, 0]) == 0)
        #expect(try plan.route(target: "/elsewhere", sessionsSoFar: [1, 0, 1]) == 1)
        #expect(try plan.route(target: "/md?tape-connection=7", sessionsSoFar: [0, 0, 9]) == 2)
        let unknown = #expect(throws: ServeError.self) { try plan.route(target: "/?tape-connection=3", sessionsSoFar: [0, 0, 0]) }
        #expect(unknown?.description == "no recorded connection 3 to serve: /?tape-connection=3; ask for one of: 2, 4, 7")
        let garbled = #expect(throws: ServeError.self) { try plan.route(target: "/?tape-connection=x", sessionsSoFar: [0, 0, 0]) }
        #expect(garbled?.description == "no recorded connection x to serve: /?tape-connection=x; ask for one of: 2, 4, 7")
    }

    @Test("the path of a URL or request target")
    func paths() {
        #expect(ServeScript.path(of: "wss://h.example:443/v1/ws?token=x") == "/v1/ws")
        #expect(ServeScript.path(of: "wss://h.example") == "/")
        #expect(ServeScript.path(of: "wss://h.example?x=1") == "/")
        #expect(ServeScript.path(of: "/a/b?c") == "/a/b")
        #expect(ServeScript.path(of: "") == "/")
    }

    @Test("a damaged tape is served up to the damage, and the plan says where")
    func damaged() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("serving-\(UUID().uuidString).tape").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        var options = TapeWriter.Options()
        options.blockSize = 256
        let writer = try TapeWriter(path: path, header: TapeHeader(venue: "test", wallClockStartNanoseconds: 0), options: options)
        try writer.append(Tape.opened("ws://h/", at: 0))
        for index in 0..<60 {
            try writer.append(Tape.inbound(#"{"n":\#(index),"pad":"................................"}"#, at: Int64(index + 1)))
        }
        try writer.close()
        let intact = try TapeReader(path: path)
        #expect(intact.blocks.count > 4)
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        let victim = intact.blocks[2]
        bytes[victim.offset + victim.length / 2] ^= 0x55
        let reader = try TapeReader(bytes: bytes, name: "bad.tape")
        let plan = try ServePlan.load(reader)
        #expect(plan.framesRead == victim.firstFrame)
        #expect(plan.scripts[0].steps.count == victim.firstFrame - 1)
        #expect(plan.damage?.contains("bad.tape at offset \(victim.offset)") == true)
        if case .damaged = plan.scripts[0].ending {} else { Issue.record("expected a damaged ending, got \(plan.scripts[0].ending)") }
    }
}
