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

    @Test("records QFEX's trading and market-data sockets from the simulator, each its own connection, HMAC secret redacted")
    func recordQFEXBothSockets() throws {
        let simulator = try RunningTape("simulate", "--venue", "qfex", "--port", "0", "--seed", "4", "--credentials", "PUBKEY-77:SECRET-KEY-77")
        let url = try #require(simulator.firstLine())
        let folder = try CLIFolder()
        setenv("TAPETESTQ_API_KEY", "PUBKEY-77", 1)
        setenv("TAPETESTQ_SECRET", "SECRET-KEY-77", 1)
        let recorded = try tape("record", "--venue", "qfex", "--url", url, "-o", folder.path("q.tape"),
                                "--credentials-env", "TAPETESTQ", "--max-frames", "80", "--duration", "60")
        #expect(recorded.status == 0, "\(recorded.error)")
        #expect(recorded.error.contains("\(url)/mds"), "\(recorded.error)")
        simulator.signal(SIGTERM)
        #expect(simulator.wait() == 0)

        let reader = try TapeReader(path: folder.path("q.tape"))
        #expect(reader.header.endpoints == [url, url + "/mds"])
        var frames: [Frame] = []
        try reader.forEachFrame { frames.append($0.frame) }
        let opened = frames.filter { $0.kind == .opened }.compactMap { ConnectionOpened(payload: $0.payload) }
        #expect(opened.map(\.url) == [url + "/", url + "/mds"])
        let market = frames.filter { $0.connection == ConnectionID(1) && $0.kind == .text }.map { String(decoding: $0.payload, as: UTF8.self) }
        #expect(market.contains { $0.contains("level2") })
        let trading = frames.filter { $0.connection == ConnectionID(0) && $0.kind == .text }.map { String(decoding: $0.payload, as: UTF8.self) }
        #expect(trading.first?.contains("auth") == true)
        let everything = String(decoding: frames.flatMap(\.payload), as: UTF8.self)
        #expect(!everything.contains("SECRET-KEY-77"))

        let replay = try tape("replay", folder.path("q.tape"))
        #expect(replay.status == 0, "\(replay.error)")
        #expect(replay.output.contains("authenticated"))
        #expect(replay.output.contains("bookSnapshot"))
    }

    @Test("when the venue goes away every socket reconnects with backoff, the gap is noted on the tape, and the tape replays with the old connections marked reconnected",
          arguments: ["digitex", "qfex", "roxom", "notional", "satori"])
    func reconnectsThroughAnOutage(venue: String) throws {
        var simulator = try RunningTape("simulate", "--venue", venue, "--port", "0", "--seed", "3")
        let url = try #require(simulator.firstLine())
        let port = try #require(url.split(separator: ":").last.map(String.init))
        let folder = try CLIFolder()
        setenv("TAPETESTR_TOKEN", "reconnecting-trader", 1)
        setenv("TAPETESTR_API_KEY", "reconnecting-key", 1)
        setenv("TAPETESTR_SECRET", "reconnecting-secret", 1)
        setenv("TAPETESTR_ADDRESS", "0x742d35cc6634c0532925a3b844bc9e7595f0beb0", 1)
        setenv("TAPETESTR_SIGNER", try makeSatoriSigner(in: folder), 1)
        let sockets = venue == "qfex" ? 2 : 1
        let recorder = try RunningTape("record", "--venue", venue, "--url", url, "-o", folder.path("g.tape"),
                                       "--credentials-env", "TAPETESTR", "--duration", "60")
        #expect(recorder.waitForErrorLine(containing: "recording \(venue) from") != nil)
        simulator.signal(SIGTERM)
        #expect(simulator.wait() == 0)
        #expect(recorder.waitForErrorLine(containing: "reconnecting to \(url)/ in 0.5 s (attempt 1)") != nil)
        simulator = try RunningTape("simulate", "--venue", venue, "--port", port, "--seed", "3")
        #expect(simulator.firstLine() == url)
        for _ in 0..<sockets { #expect(recorder.waitForErrorLine(containing: "reconnected to \(url)/") != nil) }
        recorder.signal(SIGINT)
        #expect(recorder.wait() == 0, "\(recorder.standardError)")
        #expect(recorder.standardOutput.contains("\(2 * sockets) connection(s), \(sockets) reconnect(s); stopped by Ctrl-C"), "\(recorder.standardOutput)")
        simulator.signal(SIGTERM)
        #expect(simulator.wait() == 0)

        var frames: [Frame] = []
        try TapeReader(path: folder.path("g.tape")).forEachFrame { frames.append($0.frame) }
        #expect(frames.filter { $0.kind == .opened }.map(\.connection) == (0..<(2 * sockets)).map { ConnectionID(UInt32($0)) })
        for old in 0..<sockets {
            let gap = frames.filter { $0.connection == ConnectionID(UInt32(old)) }.map(\.kind).drop { $0 != .closed }
            #expect(gap.first == .closed && gap.dropFirst().first == .annotation, "c\(old): \(Array(gap.prefix(3)))")
        }
        let replay = try tape("replay", folder.path("g.tape"))
        #expect(replay.status == 0, "\(replay.error)")
        let replaced = replay.output.components(separatedBy: "(disconnected, reconnected as c").count - 1
        #expect(replaced == sockets, "\(replay.output)")
        #expect(replay.output.contains("c0 \(venue) (disconnected, reconnected as c"), "\(replay.output)")
    }

    @Test("--rotate-size splits the recording into parts that each check with gzip -t and replay on their own, frames adding up to the summary's")
    func rotatesBySize() throws {
        let simulator = try RunningTape("simulate", "--venue", "digitex", "--port", "0", "--seed", "6")
        let url = try #require(simulator.firstLine())
        let folder = try CLIFolder()
        setenv("TAPETESTS_TOKEN", "rotating-trader", 1)
        let recorded = try tape("record", "--venue", "digitex", "--url", url, "-o", folder.path("s.tape"), "--credentials-env", "TAPETESTS",
                                "--rotate-size", "2K", "--duration", "3")
        #expect(recorded.status == 0, "\(recorded.error)")
        simulator.signal(SIGTERM)
        #expect(simulator.wait() == 0)
        let parts = [folder.path("s.tape")] + (1...9).map { folder.path(String(format: "s.%04d.tape", $0)) }
            .filter { FileManager.default.fileExists(atPath: $0) }
        #expect(parts.count >= 2, "\(recorded.output)")
        #expect(recorded.output.contains("tapes (\(parts.count) parts): \(parts.joined(separator: " "))"), "\(recorded.output)")
        var frames = 0
        for part in parts {
            #expect(try gzipChecks(part), "gzip -t \(part)")
            try TapeReader(path: part).forEachFrame { entry in
                let continued = entry.frame.kind == .opened && String(decoding: entry.frame.payload, as: UTF8.self).contains("x-tapedeck-continued-from")
                if !continued { frames += 1 }
            }
            let replay = try tape("replay", part)
            #expect(replay.status == 0, "\(part): \(replay.error)")
            #expect(replay.output.contains("c0 digitex"), "\(part)")
        }
        #expect(recorded.output.contains("recorded \(frames) frames"), "\(recorded.output) vs \(frames)")
    }

    @Test("bad rotation flags are refused with what to write instead")
    func badRotationFlags() throws {
        let size = try tape("record", "--venue", "digitex", "--url", "ws://127.0.0.1:1", "-o", "/tmp/never.tape", "--rotate-size", "12X")
        #expect(size.status == 64)
        #expect(size.error.contains("--rotate-size takes a positive size like 1048576, 512K, 64M or 2G, not '12X'"))
        let every = try tape("proxy", "--upstream", "ws://127.0.0.1:1", "-o", "/tmp/never.tape", "--rotate-every", "0m")
        #expect(every.status == 64)
        #expect(every.error.contains("--rotate-every takes a positive duration"))
    }

    @Test("a venue it cannot drive is refused, naming the proxy as the way to record it")
    func unsupportedVenue() throws {
        let folder = try CLIFolder()
        let result = try tape("record", "--venue", "nowhere", "--url", "ws://127.0.0.1:1", "-o", folder.path("never.tape"))
        #expect(result.status == 64)
        #expect(result.error.contains("tape proxy"))
    }

    @Test("missing venue credentials are refused before anything is written, naming the variable to set",
          arguments: [("notional", "NOCREDS_ADDRESS"), ("satori", "NOCREDS_API_KEY")])
    func missingCredentials(venue: String, variable: String) throws {
        let folder = try CLIFolder()
        let result = try tape("record", "--venue", venue, "--url", "ws://127.0.0.1:1", "--credentials-env", "NOCREDS", "-o", folder.path("n.tape"))
        #expect(result.status == 64)
        #expect(result.error.contains("\(variable) is not set"), "\(result.error)")
        #expect(!FileManager.default.fileExists(atPath: folder.path("n.tape")))
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

/// True when `gzip -t` accepts the file: a tape is a valid gzip stream.
func gzipChecks(_ path: String) throws -> Bool {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["gzip", "-t", path]
    try process.run()
    process.waitUntilExit()
    return process.terminationStatus == 0
}
