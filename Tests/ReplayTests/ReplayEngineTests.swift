import Foundation
import Replay
import Samples
import TapeCore
import TapeFormat
import TapeTesting
import Testing
import Venues

@Suite("Replay engine")
struct ReplayEngineTests {
    @Test("the Digitex auth and market-order sequence ends LONG 10 @ 12250 with the documented balance")
    func digitexSequence() throws {
        let folder = try ScratchFolder()
        let result = try Replayer.run(tape: digitexOrderTape(in: folder))
        #expect(result.stop == nil)
        #expect(result.venue == .digitex)
        #expect(result.session.framesApplied == 7)
        let position = try #require(result.state.position("BTCUSD-PERP"))
        #expect(position.side == .long)
        #expect(position.size == 10)
        #expect(position.entryPrice == 12250)
        #expect(result.state.balance("DGTX")?.total == FixedDecimal("104705.4583"))
        #expect(result.session.anomalyCount == 0)
        #expect(result.session.violations.isEmpty)
        #expect(result.session.noteCount == 0, "\(result.session.notes)")
        #expect(result.digest?.hasPrefix("sha256:") == true && result.digest?.count == 71)
    }

    @Test("each frame's events reach the output in the order the client emitted them, numbered in sequence")
    func eventOrder() throws {
        let folder = try ScratchFolder()
        let reader = try TapeReader(path: digitexOrderTape(in: folder))
        var session = try Replayer.session(for: reader)
        var nextSequence = 0
        var framesWithSeveralEvents = 0
        try reader.forEachFrame { recorded in
            // A copy of the frame's client, before the frame, says what the session must pass on.
            let expected = session.client(of: recorded.frame.connection).map { client in
                var twin = client
                return twin.handle(recorded.frame).compactMap { action -> VenueEvent? in
                    if case .emit(let event) = action { event } else { nil }
                }
            }
            var emitted: [ReplayEvent] = []
            session.apply(recorded.frame, number: recorded.number) { output in
                if case .event(let event) = output { emitted.append(event) }
            }
            if let expected {
                #expect(emitted.map(\.event) == expected, "frame \(recorded.number)")
                if expected.count > 1 { framesWithSeveralEvents += 1 }
            }
            #expect(emitted.map(\.sequence) == Array(nextSequence..<(nextSequence + emitted.count)))
            nextSequence += emitted.count
        }
        #expect(framesWithSeveralEvents >= 2, "the tape has frames that emit several events (auth, fills)")
    }

    @Test("every venue's examples replay to the same digest twice, and different tapes differ")
    func digestsRepeat() throws {
        let folder = try ScratchFolder()
        var digests: [String] = []
        for venue in VenueName.allCases {
            let path = folder.path("\(venue.rawValue).tape")
            try SequenceTape.write(venue: venue, files: Fixtures.allExamples(venue.rawValue), to: path)
            let first = try Replayer.run(tape: path)
            let second = try Replayer.run(tape: path)
            #expect(first.digest == second.digest, "\(venue)")
            #expect(first.summaryLines == second.summaryLines, "\(venue)")
            #expect(first.session.eventCount > 0, "\(venue)")
            digests.append(first.digest ?? "")
        }
        #expect(Set(digests).count == VenueName.allCases.count)
    }

    @Test("a replay nothing observes counts the same events, keeps the same anomalies and ends in the same state")
    func unobserved() throws {
        let folder = try ScratchFolder()
        var anomalies = 0
        for venue in VenueName.allCases {
            let path = folder.path("\(venue.rawValue).tape")
            try SequenceTape.write(venue: venue, files: Fixtures.allExamples(venue.rawValue), to: path)
            var seen = 0
            let observed = try Replayer.run(tape: path, digest: false) { _ in seen += 1 }
            let unobserved = try Replayer.run(tape: path, digest: false)
            #expect(unobserved.session.eventCount == seen && seen > 0, "\(venue)")
            #expect(unobserved.summaryLines == observed.summaryLines, "\(venue)")
            #expect(unobserved.session.eventCounts == observed.session.eventCounts, "\(venue)")
            #expect(unobserved.session.anomalies.map(\.jsonLine) == observed.session.anomalies.map(\.jsonLine), "\(venue)")
            #expect(unobserved.session.notes == observed.session.notes, "\(venue)")
            anomalies += unobserved.session.anomalies.count
        }
        #expect(anomalies > 0, "the examples, replayed in file order, contradict each other somewhere")
    }

    @Test("blocks inflated ahead on other threads replay to the same events, state and digest")
    func readAhead() throws {
        let folder = try ScratchFolder()
        let path = folder.path("small-blocks.tape")
        // Many blocks, so the read-ahead runs ahead of the replay.
        try writeTape(SimulatorSessions.qfex(), to: path, blockSize: 2_048)
        #expect(try TapeReader(path: path).blocks.count > 10)

        var inline: [String] = []
        let one = try Replayer.run(tape: path, configuration: ReplayConfiguration(parallelism: 1)) { inline.append($0.jsonLine) }
        #expect(inline.count > 100)
        // One thread decoding ahead (as `tape replay` on two cores), and two.
        for parallelism in [2, 3] {
            var ahead: [String] = []
            let result = try Replayer.run(tape: path, configuration: ReplayConfiguration(parallelism: parallelism)) { ahead.append($0.jsonLine) }
            #expect(inline == ahead, "parallelism \(parallelism)")
            #expect(one.summaryLines == result.summaryLines)
            #expect(one.digest == result.digest)
        }
    }

    @Test("event lines are canonical JSON with frame, time, connection and type")
    func eventLines() throws {
        let folder = try ScratchFolder()
        var lines: [String] = []
        _ = try Replayer.run(tape: digitexOrderTape(in: folder)) { lines.append($0.jsonLine) }
        #expect(lines.first == #"{"seq":0,"frame":2,"time":2000000,"connection":0,"type":"commandAccepted","event":{"number":2}}"#)
        #expect(lines.dropFirst().first == #"{"seq":1,"frame":2,"time":2000000,"connection":0,"type":"authenticated","event":null}"#)
        #expect(lines.dropFirst(2).first == #"{"seq":2,"frame":2,"time":2000000,"connection":0,"type":"tradingStatusChanged","event":{"available":true}}"#)
        let filled = try #require(lines.first { $0.contains(#""type":"orderFilled""#) })
        #expect(filled.contains(#""symbol":"BTCUSD-PERP""#))
        for line in lines {
            #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) != nil, "not JSON: \(line)")
        }
    }

    @Test("two connections of one tape get a client each, by the venue their URL names, in frame order")
    func twoConnections() throws {
        var synthetic = SyntheticSession(seed: 5)
        var session = ReplaySession(venue: .digitex, symbols: ["BTCUSD-PERP"])
        var connectionsInOrder: [UInt32] = []
        var lastFrame = -1
        var ordered = true
        for number in 0..<3_000 {
            let frame = synthetic.next()
            session.apply(frame, number: number) { output in
                guard case .event(let event) = output else { return }
                ordered = ordered && (event.frame ?? lastFrame) >= lastFrame
                lastFrame = event.frame ?? lastFrame
            }
            if !connectionsInOrder.contains(frame.connection.rawValue) { connectionsInOrder.append(frame.connection.rawValue) }
        }
        #expect(connectionsInOrder == [0, 1])
        #expect(session.state.connections.map(\.venue) == ["digitex", "qfex"])
        #expect(ordered)
        #expect(session.eventCount > 3_000)
    }

    @Test("a tape of an unknown venue is refused with a message naming the venues there are")
    func unknownVenue() throws {
        let folder = try ScratchFolder()
        let path = folder.path("other.tape")
        let writer = try TapeWriter(path: path, header: TapeHeader(venue: "binance", wallClockStartNanoseconds: 0))
        try writer.append(Frame.text("{}", at: .zero, .inbound))
        try writer.close()
        #expect {
            try Replayer.run(tape: path)
        } throws: { error in
            let error = error as? ReplayError
            return error?.code == .unknownVenue && error?.description.contains("'binance'") == true
                && error?.description.contains("digitex, qfex, roxom, notional, satori") == true
        }
    }

    @Test("a damaged block stops the replay there, naming the frame and the byte offset, with blocks read ahead or not", arguments: [1, 2])
    func damagedTape(parallelism: Int) throws {
        let folder = try ScratchFolder()
        let path = folder.path("long.tape")
        var options = TapeWriter.Options()
        options.blockSize = 4096
        let writer = try TapeWriter(path: path, header: TapeHeader(venue: "digitex", wallClockStartNanoseconds: 0), options: options)
        let book = Array(#"{"ch":"orderbook_1","data":{"symbol":"BTCUSD-PERP","ts":1,"bids":[[9000,1]],"asks":[[9005,2]]}}"#.utf8)
        for index in 0..<2_000 {
            try writer.append(Frame(time: .milliseconds(Int64(index)), direction: .inbound, connection: ConnectionID(0), kind: .text, payload: book))
        }
        try writer.close()
        let blocks = try TapeReader(path: path).blocks
        #expect(blocks.count >= 4)
        let damaged = blocks[2]
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[damaged.offset + damaged.length / 2] ^= 0xFF
        try Data(bytes).write(to: URL(fileURLWithPath: path))

        let result = try Replayer.run(tape: path, configuration: ReplayConfiguration(parallelism: parallelism))
        let stop = try #require(result.stop)
        #expect(stop.frame == damaged.firstFrame)
        #expect(stop.offset == damaged.offset)
        #expect(result.session.framesApplied == damaged.firstFrame)
        #expect(result.summaryLines.contains { $0.hasPrefix("damage      stopped before frame \(damaged.firstFrame) at byte offset \(damaged.offset)") })
    }

    @Test("timers a driving client asks for fire between frames at their virtual times, frames first at a tie")
    func timersBetweenFrames() throws {
        var session = ReplaySession(venue: .digitex, symbols: ["BTCUSD-PERP"], drives: true)
        var sends: [(time: Timestamp, frame: Int?, text: String)] = []
        let sink: (ReplayOutput) -> Void = { output in
            if case .send(_, _, let payload, let time, let frame) = output { sends.append((time, frame, String(decoding: payload, as: UTF8.self))) }
        }
        session.apply(Frame(time: .zero, direction: .outbound, connection: ConnectionID(0), kind: .opened, payload: []), number: 0, sink)
        // The heartbeat is due at 30 s and 60 s. A frame exactly at 60 s goes before the timer:
        // the client answers its ping, so the timer at 60 s finds something just went out and
        // sends nothing (had the timer gone first, it would have sent a ping at 60 s).
        session.apply(Frame.text("ping", at: .seconds(60), .inbound), number: 1, sink)
        session.finish(at: .seconds(60), sink)
        #expect(sends.map(\.time) == [.seconds(30), .seconds(60)])
        #expect(sends.map(\.frame) == [nil, 1])
        #expect(sends.map(\.text) == ["ping", "pong"])
        #expect(session.timersFired == 2)
        #expect(session.clock.now == .seconds(60))
    }
}
