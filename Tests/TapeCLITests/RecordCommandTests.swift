import Foundation
import Testing
import TapeCore
import TapeFormat

/// `tape record` against `tape simulate`, both as separate processes, as a user would run them.
@Suite("tape record and tape demo")
struct RecordCommandTests {
    @Test("records a Digitex session from the simulator: token from the environment, redacted on the tape, replayable")
    func recordFromSimulator() throws {
        let simulator = try RunningTape("simulate", "--venue", "digitex", "--port", "0", "--seed", "3", "--credentials", "SECRET-TOKEN-4242:")
        let url = try #require(simulator.firstLine())
        let folder = try CLIFolder()
        // The token travels by environment only; the test process passes its environment on.
        setenv("TAPETEST_TOKEN", "SECRET-TOKEN-4242", 1)
        let recorded = try tape("record", "--venue", "digitex", "--url", url, "-o", folder.path("r.tape"),
                                "--credentials-env", "TAPETEST", "--max-frames", "40", "--duration", "60")
        #expect(recorded.status == 0, "\(recorded.error)")
        #expect(recorded.output.contains("recorded "))
        simulator.signal(SIGTERM)
        #expect(simulator.wait() == 0)

        let reader = try TapeReader(path: folder.path("r.tape"))
        var raw = ""
        try reader.forEachFrame { raw += String(decoding: $0.frame.payload, as: UTF8.self) + "\n" }
        #expect(!raw.contains("SECRET-TOKEN-4242"))
        #expect(raw.contains(#""value":"<redacted:token>""#))
        #expect(reader.indexStatus == .present)
        #expect(reader.frameCount >= 40)

        let replay = try tape("replay", folder.path("r.tape"))
        #expect(replay.status == 0, "\(replay.error)")
        #expect(replay.output.contains("authenticated"))
        #expect(replay.output.contains("bookSnapshot"))
    }

    @Test("a venue it cannot drive is refused, naming the proxy as the way to record it")
    func unsupportedVenue() throws {
        let result = try tape("record", "--venue", "roxom", "--url", "ws://127.0.0.1:1", "-o", "/tmp/never.tape")
        #expect(result.status == 64)
        #expect(result.error.contains("tape proxy"))
    }

    @Test("an unreachable venue fails with one line and leaves a readable, empty tape")
    func unreachable() throws {
        let folder = try CLIFolder()
        let result = try tape("record", "--venue", "digitex", "--url", "ws://127.0.0.1:1", "-o", folder.path("u.tape"))
        #expect(result.status == 1)
        #expect(result.error.contains("cannot connect"))
        #expect(try TapeReader(path: folder.path("u.tape")).frameCount == 0)
    }

    @Test("tape demo simulates, records, inspects and replays in one command")
    func demo() throws {
        let folder = try CLIFolder()
        let result = try tape("demo", "--seconds", "1", "-o", folder.path("demo.tape"))
        #expect(result.status == 0, "\(result.error)")
        for step in ["1. Digitex simulator listening on ws://127.0.0.1:", "3. the tape", "4. the replay", "digest      sha256:"] {
            #expect(result.output.contains(step), "missing '\(step)'")
        }
        #expect(result.output.contains("invariants  hold"))
    }
}
