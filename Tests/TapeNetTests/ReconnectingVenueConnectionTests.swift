import Foundation
import NIOCore
import NIOPosix
import Replay
import Simulators
import TapeCore
import TapeFormat
@testable import TapeNet
import Testing
import Venues

/// Lines a reconnecting connection noted (the gap's annotations and errors), waited on by tests.
final class NoteLog: @unchecked Sendable {
    private let condition = NSCondition()
    private var notes: [String] = []

    func add(_ note: String) {
        condition.withLock {
            notes.append(note)
            condition.broadcast()
        }
    }

    var all: [String] { condition.withLock { notes } }

    /// Waits until a note contains `text`; false after 30 s.
    func wait(for text: String) -> Bool {
        condition.withLock {
            let deadline = Date(timeIntervalSinceNow: 30)
            while !notes.contains(where: { $0.contains(text) }) {
                if !condition.wait(until: deadline) { return false }
            }
            return true
        }
    }
}

private func count(_ event: VenueEvent) -> ([VenueEvent]) -> Int {
    { events in events.filter { $0 == event }.count }
}

private func filled(_ clientOrderID: String) -> ([VenueEvent]) -> Bool {
    { $0.contains { if case .orderFilled(let fill) = $0 { fill.clientOrderID == clientOrderID } else { false } } }
}

private func marketOrder(_ id: String, _ side: Side, _ quantity: FixedDecimal) -> DigitexOrderRequest {
    DigitexOrderRequest(symbol: "BTCUSD-PERP", clOrdId: id, type: .market, timeInForce: .immediateOrCancel, side: side, price: nil,
                        quantity: quantity)
}

private func frames(of path: String) throws -> [Frame] {
    var frames: [Frame] = []
    try TapeReader(path: path).forEachFrame { frames.append($0.frame) }
    return frames
}

@Suite("Reconnecting venue connection", .serialized)
struct ReconnectingVenueConnectionTests {
    let quick = ReconnectingVenueConnection<DigitexClient>.Backoff(first: .milliseconds(20), maximum: .milliseconds(200))

    @Test("backoff doubles from the first wait up to the cap")
    func backoff() {
        let backoff = ReconnectingVenueConnection<DigitexClient>.Backoff()
        let waits = (0..<10).map { backoff.delay(afterFailures: $0).nanoseconds / 1_000_000 }
        #expect(waits == [500, 1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000, 30_000])
        #expect(backoff.delay(afterFailures: 1_000) == .seconds(30))
    }

    @Test("when the venue drops the socket it reconnects under a new connection id, authenticates and subscribes again, and the gap is on the tape; the tape replays to the live state")
    func venueDropsTheSocket() throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        defer { try? group.syncShutdownGracefully() }
        let configuration = DigitexSimulator.Configuration(credentials: [SimulatorCredentials(key: "alice", secret: "")])
        let server = try SimulatorServer.start(dialect: DigitexSimulator(seed: 5, configuration: configuration), group: group)
        defer { server.close() }
        let scratch = ScratchFolder()
        defer { scratch.remove() }
        let path = scratch.tapePath()
        let recorder = TapeRecorder(writer: try TapeWriter(path: path, header: TapeHeader(venue: "digitex", wallClockStartNanoseconds: 0)))
        let log = VenueEventLog()
        let notes = NoteLog()
        let live = try ReconnectingVenueConnection.connect(
            to: try #require(WebSocketURL(server.url)), backoff: quick, tape: VenueTape(recorder: recorder, redaction: Redaction()),
            group: group, makeClient: { DigitexClient(configuration: .init(token: "alice")) },
            setUp: { $0.submit(.subscribe(["BTCUSD-PERP@orderbook_5", "BTCUSD-PERP@trades"]), at: $1) },
            onEvent: log.add, onNote: notes.add
        ).wait()
        #expect(log.wait { count(.authenticated)($0) == 1 })
        live.perform { $0.submit(.placeOrder(marketOrder("before", .buy, 5)), at: $1) }
        #expect(log.wait(until: filled("before")))

        // The simulator numbers its connections from 1: ours is the first.
        server.act { _, _ in [.close(ConnectionID(1), CloseInfo(code: 1012, reason: "service restart"))] }
        #expect(notes.wait(for: "reconnecting"))
        #expect(log.wait { count(.authenticated)($0) == 2 })
        let booksAfter = log.all.count
        #expect(log.wait { events in events.dropFirst(booksAfter).contains { if case .bookSnapshot = $0 { true } else { false } } })
        live.perform { $0.submit(.placeOrder(marketOrder("after", .sell, 2)), at: $1) }
        #expect(log.wait(until: filled("after")))
        live.perform { $0.submit(.getTraderStatus(symbol: "BTCUSD-PERP"), at: $1) }
        let statusAsked = log.all.count
        #expect(log.wait { $0.count > statusAsked + 1 })
        #expect(try live.reconnects.wait() == 1)
        live.close()
        try live.closed.wait()
        // What the client knew when the tape ended.
        let liveAccount = try live.inspect { $0.account }.wait()
        #expect(recorder.snapshot.reconnects == 1)
        #expect(recorder.snapshot.connections == 2)
        try recorder.close()

        let tape = try frames(of: path)
        let first = tape.filter { $0.connection == ConnectionID(0) }.map(\.kind)
        let second = tape.filter { $0.connection == ConnectionID(1) }
        #expect(first.first == .opened)
        #expect(first.suffix(3) == [.close, .closed, .annotation], "\(tape.filter { $0.connection == ConnectionID(0) }.suffix(6).map { "\($0.direction) \($0.kind) \(String(decoding: $0.payload.prefix(80), as: UTF8.self))" })")
        let annotation = tape.last { $0.connection == ConnectionID(0) }.map { String(decoding: $0.payload, as: UTF8.self) } ?? ""
        #expect(annotation.contains("closed by the venue (code 1012, \"service restart\"); reconnecting to ws://127.0.0.1:"), "\(annotation)")
        #expect(annotation.contains("in 0.02 s (attempt 1)"))
        #expect(second.first?.kind == .opened)
        let resumed = second.first { $0.kind == .annotation }.map { String(decoding: $0.payload, as: UTF8.self) } ?? ""
        #expect(resumed.contains("after the loss, after 0 failed attempt(s)"), "\(resumed)")
        let secondSent = second.filter { $0.direction == .outbound && $0.kind == .text }.map { String(decoding: $0.payload, as: UTF8.self) }
        #expect(secondSent.first?.contains(#""method":"auth""#) == true)
        #expect(secondSent.dropFirst().first?.contains(#""method":"subscribe""#) == true)

        let replay = try Replayer.run(tape: path)
        #expect(replay.state.connections.map(\.replacedBy) == [ConnectionID(1), nil])
        #expect(replay.state.positions == liveAccount.positions)
        #expect(replay.state.balances == liveAccount.balances)
        #expect(replay.session.violations.isEmpty)
    }

    @Test("while the venue is down each failed attempt is an error frame on the tape; it reconnects once the venue is back")
    func venueDownThenBack() throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        defer { try? group.syncShutdownGracefully() }
        var server = try SimulatorServer.start(dialect: DigitexSimulator(seed: 5), group: group)
        let port = server.port
        let scratch = ScratchFolder()
        defer { scratch.remove() }
        let path = scratch.tapePath()
        let recorder = TapeRecorder(writer: try TapeWriter(path: path, header: TapeHeader(venue: "digitex", wallClockStartNanoseconds: 0)))
        let log = VenueEventLog()
        let notes = NoteLog()
        let live = try ReconnectingVenueConnection.connect(
            to: try #require(WebSocketURL(server.url)), backoff: quick, tape: VenueTape(recorder: recorder, redaction: Redaction()),
            group: group, makeClient: { DigitexClient(configuration: .init(token: "bob")) }, onEvent: log.add, onNote: notes.add
        ).wait()
        #expect(log.wait { count(.authenticated)($0) == 1 })
        server.close()
        #expect(notes.wait(for: "reconnect attempt 2 to ws://127.0.0.1:\(port)/ failed"))
        server = try SimulatorServer.start(dialect: DigitexSimulator(seed: 5), port: port, group: group)
        defer { server.close() }
        #expect(log.wait { count(.authenticated)($0) == 2 })
        live.close()
        try live.closed.wait()
        try recorder.close()

        let tape = try frames(of: path)
        let gap = tape.filter { $0.connection == ConnectionID(0) }.map(\.kind).drop { $0 != .closed }
        #expect(gap.count >= 4)
        #expect(gap.prefix(4) == [.closed, .annotation, .error, .error])
        #expect(tape.filter { $0.kind == .opened }.map(\.connection) == [ConnectionID(0), ConnectionID(1)])
        let errors = tape.filter { $0.kind == .error }.map { String(decoding: $0.payload, as: UTF8.self) }
        #expect(errors.first?.contains("next attempt in 0.04 s") == true, "\(errors)")
    }

    @Test("it gives up after the attempts allowed and completes closed")
    func givesUp() throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        let server = try SimulatorServer.start(dialect: DigitexSimulator(seed: 5), group: group)
        let notes = NoteLog()
        let live = try ReconnectingVenueConnection.connect(
            to: try #require(WebSocketURL(server.url)), backoff: .init(first: .milliseconds(5), maximum: .milliseconds(5), attemptsMax: 2),
            tape: nil, group: group, makeClient: { DigitexClient(configuration: .init(token: "carol")) }, onNote: notes.add
        ).wait()
        server.close()
        try live.closed.wait()
        #expect(notes.all.last?.contains("giving up after 2 attempts") == true, "\(notes.all)")
        #expect(try live.reconnects.wait() == 0)
    }
}
