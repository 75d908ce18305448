import Foundation
import Replay
import Samples
import TapeCore
import TapeFormat
import TapeTesting
import Testing
import Venues

@Suite("Step debugger")
struct StepDebuggerTests {
    private static func debugger(_ path: String, every interval: Int = 2) throws -> StepDebugger {
        try StepDebugger(reader: TapeReader(path: path), checkpointInterval: interval)
    }

    private static func run(_ script: String, on path: String, every interval: Int = 2) throws -> [String] {
        var debugger = try debugger(path, every: interval)
        return try StepRunner.run(script: StepScript.parse(script, name: "test"), debugger: &debugger)
    }

    @Test("next shows the frame raw, its events and the state diff it caused")
    func nextShowsDiff() throws {
        let folder = try ScratchFolder()
        let output = try Self.run("frame 4\nnext\n", on: digitexOrderTape(in: folder))
        let next = output.drop { $0 != "> next" }
        #expect(next.contains("frame 5 at 0.005000000 s: in c0 text \(try Self.frameLength(5, folder)) B"))
        #expect(next.contains { $0.hasPrefix("  event   orderFilled {") })
        #expect(next.contains("    - c61533a0113c416b BTCUSD-PERP buy market 10 @ 0 accepted"))
        #expect(next.contains("    + BTCUSD-PERP long 10 @ 12250, liquidation 11025, margin 490, upnl 0"))
    }

    private static func frameLength(_ number: Int, _ folder: ScratchFolder) throws -> Int {
        let reader = try TapeReader(path: folder.path("digitex.tape"))
        var length = 0
        try reader.forEachFrame { if $0.number == number { length = $0.frame.payload.count } }
        return length
    }

    @Test("previous re-runs from a checkpoint to the same state as stepping forward")
    func previousMatchesForward() throws {
        let folder = try ScratchFolder()
        let path = try digitexOrderTape(in: folder)
        var forward = try Self.debugger(path)
        for _ in 0..<4 { try forward.stepForward() }
        var back = try Self.debugger(path)
        try back.go(toFrame: 6)
        _ = try back.execute(.previous(3))
        #expect(back.currentFrame == 3)
        #expect(back.session.state == forward.session.state)
        #expect(back.session.eventCount == forward.session.eventCount)
        #expect(back.checkpointCount == 4)
        _ = try back.execute(.previous(10))
        #expect(back.currentFrame == nil)
    }

    @Test("break on a position size stops at the fill; until, match and time find their frames")
    func breakpoints() throws {
        let folder = try ScratchFolder()
        let path = try digitexOrderTape(in: folder)
        let output = try Self.run("""
            # comments and blank lines are skipped

            break position BTCUSD-PERP size >= 10
            continue
            where
            frame 0
            until event tradingStatusChanged
            where
            match direction=out contains=placeOrder
            where
            time 0.0045
            where
            until anomaly
            """, on: path)
        #expect(output.contains("break: position BTCUSD-PERP size >= 10"))
        let wheres = output.filter { $0.hasPrefix("at frame") }
        #expect(wheres == ["at frame 5 of 7 (t=0.005000000 s)", "at frame 2 of 7 (t=0.002000000 s)",
                           "at frame 3 of 7 (t=0.003000000 s)", "at frame 4 of 7 (t=0.004000000 s)",
                           "at frame 6 of 7 (t=0.006000000 s)"])
        #expect(output.contains("end of tape: no condition held"))
    }

    @Test("state prints positions, balances and orders; a bad script line is named")
    func stateAndBadLine() throws {
        let folder = try ScratchFolder()
        let path = try digitexOrderTape(in: folder)
        let output = try Self.run("frame 6\nstate\n", on: path)
        #expect(output.contains("state after frame 6 of 7 (t=0.006000000 s)"))
        #expect(output.contains("      BTCUSD-PERP long 10 @ 12250, liquidation 11025, margin 490, upnl 0"))
        #expect(output.contains("      DGTX 104705.4583"))
        #expect(output.contains("    open orders  none"))
        #expect {
            try StepScript.parse("next\nfrobnicate 3\n", name: "script.txt")
        } throws: { error in
            (error as? ReplayError)?.description.hasPrefix("unknown command 'frobnicate 3'") == true
                && (error as? ReplayError)?.description.contains("script.txt line 2") == true
        }
        #expect(throws: ReplayError.self) { try StepScript.parse("break position BTCUSD-PERP height > 3", name: "s") }
        #expect(throws: ReplayError.self) { try StepScript.parse("next -2", name: "s") }
        var debugger = try Self.debugger(path)
        #expect(throws: ReplayError.self) { try debugger.go(toFrame: 7) }
    }

    @Test("jumping around a long tape gives the state a straight replay gives")
    func longTapeJumps() throws {
        let folder = try ScratchFolder()
        let path = folder.path("long.tape")
        var options = TapeWriter.Options()
        options.blockSize = 8192
        let writer = try TapeWriter(path: path, header: TapeHeader(venue: "digitex", wallClockStartNanoseconds: 0), options: options)
        var random = SeededLines(seed: 42)
        for index in 0..<3_000 {
            try writer.append(Frame(time: .milliseconds(Int64(index)), direction: .inbound, connection: ConnectionID(0), kind: .text,
                                    payload: random.traderStatus()))
        }
        try writer.close()
        var jumping = try Self.debugger(path, every: 100)
        for target in [2_500, 17, 1_234, 1_233, 2_999, 0, 640] {
            try jumping.go(toFrame: target)
            var straight = try Self.debugger(path, every: 100_000)
            try straight.go(toFrame: target)
            #expect(jumping.session.state == straight.session.state, "frame \(target)")
            #expect(jumping.currentFrame == target)
        }
    }
}

/// Trader-status pushes with positions drawn from a seeded generator (each push is a full snapshot).
struct SeededLines {
    private var random: SeededRandom

    init(seed: UInt64) { random = SeededRandom(seed: seed) }

    mutating func traderStatus() -> [UInt8] {
        let contracts = random.next() % 200
        let balance = 100_000 + random.next() % 10_000
        return Array(#"{"ch":"traderStatus","data":{"symbol":"BTCUSD-PERP","traderBalance":\#(balance),"leverage":5,"orderMargin":0,"positionMargin":\#(contracts * 49),"upnl":0,"pnl":0,"positionType":"\#(contracts == 0 ? "FLAT" : "LONG")","positionContracts":\#(contracts),"positionVolume":\#(contracts * 12250),"positionLiquidationVolume":\#(contracts * 11025),"positionBankruptcyVolume":\#(contracts * 10000),"contracts":[],"activeOrders":[],"conditionalOrders":[]}}"#.utf8)
    }
}
