import Foundation
import Replay
import Samples
import TapeCore
import Venues
import TapeFormat
import TapeTesting
import Testing

/// The tapes in `recordings/` are generated from the venues' documented sequences. With
/// `TAPEDECK_REGENERATE_RECORDINGS=1` (tools/make-recordings) this suite rewrites them first;
/// either way it checks that each holds exactly the frames its sequence gives.
@Suite("Committed recordings")
struct RecordingsTests {
    struct Recording: Sendable, CustomTestStringConvertible {
        var name: String
        var venue: VenueName
        var files: [(venue: String, file: String)]
        var testDescription: String { name }
    }

    static let all = [
        Recording(name: "digitex-market-order-fill.tape", venue: .digitex, files: [
            ("digitex", "seq_auth_ok_trading_available.jsonl"), ("digitex", "seq_place_market_order_accept_fill.jsonl"),
        ]),
        Recording(name: "digitex-auth-invalid.tape", venue: .digitex, files: [("digitex", "seq_auth_invalid_credentials.jsonl")]),
        Recording(name: "qfex-subscribe-positions.tape", venue: .qfex, files: [("qfex", "flow_subscribe_positions_docs.jsonl")]),
    ]

    @Test("each recording holds the frames of its documented sequence", arguments: all)
    func recordingMatchesSequence(_ recording: Recording) throws {
        let path = Fixtures.repositoryRoot.appendingPathComponent("recordings/\(recording.name)").path
        let files = recording.files.map { Fixtures.example($0.venue, $0.file) }
        if ProcessInfo.processInfo.environment["TAPEDECK_REGENERATE_RECORDINGS"] == "1" {
            try SequenceTape.write(venue: recording.venue, files: files, to: path)
        }
        let reader = try TapeReader(path: path)
        var frames: [Frame] = []
        try reader.forEachFrame { frames.append($0.frame) }
        let lines = try files.flatMap { file in
            try Data(contentsOf: URL(fileURLWithPath: file)).split(separator: UInt8(ascii: "\n")).map { Array($0) }
        }
        let expected = SequenceTape.frames(venue: recording.venue, lines: lines)
        let same = frames == expected
        #expect(same, "recordings/\(recording.name) is stale: run tools/make-recordings")
        #expect(reader.header.venue == recording.venue.rawValue)
    }
}

/// `recordings/<venue>-session.tape`: sessions of our clients with the venue simulators
/// (`SimulatorSessions`), regenerated like the sequences above.
@Suite("Committed simulator sessions")
struct SimulatorSessionRecordingsTests {
    struct Session: Sendable, CustomTestStringConvertible {
        var venue: VenueName
        var make: @Sendable () -> SimulatorSessions.Recording
        var name: String { "\(venue.rawValue)-session.tape" }
        var testDescription: String { name }
    }

    static let all = [
        Session(venue: .digitex) { SimulatorSessions.digitex() },
        Session(venue: .qfex) { SimulatorSessions.qfex() },
        Session(venue: .roxom) { SimulatorSessions.roxom() },
        Session(venue: .notional) { SimulatorSessions.notional() },
        Session(venue: .satori) { SimulatorSessions.satori() },
    ]

    private func path(_ session: Session) -> String {
        Fixtures.repositoryRoot.appendingPathComponent("recordings/\(session.name)").path
    }

    @Test("each session tape holds exactly the frames its script gives", arguments: all)
    func sessionMatchesScript(_ session: Session) throws {
        let recording = session.make()
        if ProcessInfo.processInfo.environment["TAPEDECK_REGENERATE_RECORDINGS"] == "1" {
            var options = TapeWriter.Options()
            options.overwrite = true
            let header = TapeHeader(
                venue: recording.venue.rawValue, endpoints: recording.endpoints,
                wallClockStartNanoseconds: recording.wallClockStartNanoseconds, toolVersion: "tapedeck-simulator-session",
                labels: recording.labels
            )
            let writer = try TapeWriter(path: path(session), header: header, options: options)
            for frame in recording.frames { try writer.append(frame) }
            try writer.close()
        }
        let reader = try TapeReader(path: path(session))
        var frames: [Frame] = []
        try reader.forEachFrame { frames.append($0.frame) }
        let same = frames == recording.frames
        #expect(same, "recordings/\(session.name) is stale: run tools/make-recordings")
    }

    @Test("each session authenticates, trades, reconnects and holds no secret", arguments: all)
    func sessionContents(_ session: Session) throws {
        let frames = session.make().frames
        let kinds = frames.map(\.kind)
        let opened = frames.filter { $0.kind == .opened }.map(\.connection)
        let lost = frames.filter { $0.kind == .lost }.map(\.connection)
        #expect(lost.count == 1 && opened.first == lost.first && opened.last != lost.first, "a connection lost, then a new one")
        #expect(kinds.contains(.annotation))
        #expect(kinds.last == .closed)
        let text = frames.filter { $0.kind == .text || $0.kind == .opened }.map { String(decoding: $0.payload, as: UTF8.self) }.joined(separator: "\n")
        for secret in SimulatorSessions.secrets {
            #expect(!text.contains(secret), "\(secret) reached the tape")
        }
        let ordered = zip(frames, frames.dropFirst()).allSatisfy { $0.time <= $1.time }
        #expect(ordered, "frames in time order")
    }
}
