import Foundation
import Replay
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
