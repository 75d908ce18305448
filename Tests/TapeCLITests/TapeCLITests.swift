import Foundation
import Testing

/// Runs the built `tape` executable as a user would, and checks output and exit codes.
@Suite("The tape command line")
struct TapeCLITests {
    @Test("export then import rebuilds a tape whose export is byte-identical")
    func exportImportRoundTrip() throws {
        let folder = try CLIFolder()
        try folder.write("in.jsonl", Self.sampleLines)
        #expect(try tape("import", "--from", "jsonl", folder.path("in.jsonl"), "-o", folder.path("a.tape")).status == 0)
        #expect(try tape("export", folder.path("a.tape"), "-o", folder.path("a.jsonl")).status == 0)
        #expect(try tape("import", folder.path("a.jsonl"), "-o", folder.path("b.tape")).status == 0)
        #expect(try tape("export", folder.path("b.tape"), "-o", folder.path("b.jsonl")).status == 0)
        #expect(try folder.read("a.jsonl") == Self.sampleLines)
        #expect(try folder.read("b.jsonl") == Self.sampleLines)
    }

    @Test("import writes at any compression level the same frames, and refuses a level outside 1...12")
    func importCompressionLevel() throws {
        let folder = try CLIFolder()
        try folder.write("in.jsonl", Self.sampleLines)
        for level in ["1", "12"] {
            #expect(try tape("import", "--compression-level", level, folder.path("in.jsonl"), "-o", folder.path("\(level).tape")).status == 0)
            #expect(try tape("export", folder.path("\(level).tape"), "-o", folder.path("\(level).jsonl")).status == 0)
            #expect(try folder.read("\(level).jsonl") == Self.sampleLines)
            #expect(try tape("inspect", folder.path("\(level).tape")).status == 0)
        }
        let refused = try tape("import", "--compression-level", "13", folder.path("in.jsonl"), "-o", folder.path("13.tape"))
        #expect(refused.status == 64)
        #expect(refused.error.contains("--compression-level 13 is outside 1...12"))
        #expect(!FileManager.default.fileExists(atPath: folder.path("13.tape")))
    }

    @Test("cat filters by kind, direction, payload, time and frame range")
    func catFilters() throws {
        let folder = try CLIFolder()
        try folder.write("in.jsonl", Self.sampleLines)
        _ = try tape("import", folder.path("in.jsonl"), "-o", folder.path("a.tape"))
        let tapePath = folder.path("a.tape")
        #expect(try tape("cat", tapePath, "--kind", "text", "--direction", "in").output
            == "#2 7.000002000 in c0 text 23  {\"id\":1,\"status\":\"ok\"}\\n\n")
        #expect(try tape("cat", tapePath, "--contains", "auth").output.hasPrefix("#1 0.000002000 out c0 text 24"))
        #expect(try tape("cat", tapePath, "--from", "7.000003", "--to", "7.000003").output == "#3 7.000003000 in c1 binary 3  000102\n")
        #expect(try tape("cat", tapePath, "--from-frame", "4").output == "#4 7.000004000 in c1 close 5  code 1000 bye\n")
        #expect(try tape("cat", tapePath, "--connection", "1", "--limit", "1").output.hasPrefix("#3 "))
    }

    @Test("inspect reports counts, gaps and no damage on a sound tape")
    func inspectSound() throws {
        let folder = try CLIFolder()
        try folder.write("in.jsonl", Self.sampleLines)
        _ = try tape("import", folder.path("in.jsonl"), "-o", folder.path("a.tape"))
        let result = try tape("inspect", folder.path("a.tape"), "--gap", "5")
        #expect(result.status == 0)
        #expect(result.output.contains("frames     5 in 1 blocks (index present)"))
        #expect(result.output.contains("  c1                   2             8"))
        #expect(result.output.contains("gaps       1 longer than 5 s"))
        #expect(result.output.contains("damage     none"))
    }

    @Test("inspect finds a damaged block, exits 2, and --repair copies the rest to a new tape")
    func inspectDamaged() throws {
        let folder = try CLIFolder()
        // Many frames with a small block size would need the library; instead damage the one
        // block of a small tape and check that nothing is claimed to survive from it.
        try folder.write("in.jsonl", Self.sampleLines)
        _ = try tape("import", folder.path("in.jsonl"), "-o", folder.path("a.tape"))
        var bytes = try folder.bytes("a.tape")
        let original = bytes
        let blockOffset = try headerMemberLength(bytes)
        bytes[blockOffset + 70] ^= 0xff
        try Data(bytes).write(to: URL(fileURLWithPath: folder.path("bad.tape")))

        let inspect = try tape("inspect", folder.path("bad.tape"), "--repair", folder.path("fixed.tape"))
        #expect(inspect.status == 2)
        #expect(inspect.output.contains("damage     1 region(s)"))
        #expect(inspect.output.contains("frames 0–4 lost"))
        #expect(inspect.output.contains("repaired: 0 frames copied"))
        #expect(try folder.bytes("a.tape") == original, "the original is never modified")

        let fixed = try tape("cat", folder.path("fixed.tape"))
        #expect(fixed.status == 0)
        #expect(fixed.output.hasPrefix("#0 0.000000000 in c0 annotation"))
        #expect(fixed.output.contains("tape repair: dropped bytes \(blockOffset)–"))
    }

    @Test("bad input gets one line naming the file and a non-zero exit code")
    func badInput() throws {
        let folder = try CLIFolder()
        try folder.write("text.txt", "hello\n")
        let notTape = try tape("inspect", folder.path("text.txt"))
        #expect(notTape.status == 1)
        #expect(notTape.error == "tape: not a tape (no gzip header): \(folder.path("text.txt")) at offset 0; give the path of a .tape file; convert other captures with 'tape import'\n")

        try folder.write("empty.tape", "")
        #expect(try tape("cat", folder.path("empty.tape")).error.contains("the file is empty"))

        try folder.write("bad.jsonl", "{\"t\":1,\"dir\":\"in\",\"conn\":0,\"kind\":\"text\",\"text\":\"a\"}\n{oops\n")
        let badLine = try tape("import", folder.path("bad.jsonl"), "-o", folder.path("partial.tape"))
        #expect(badLine.status == 1)
        #expect(badLine.error.contains("line 2: not a frame object"))
        // What came before the bad line was kept.
        #expect(try tape("cat", folder.path("partial.tape")).output.hasPrefix("#0 0.000000001 in c0 text 1  a"))

        let usage = try tape("cat", folder.path("partial.tape"), "--kind", "smoke")
        #expect(usage.status == 64)
        #expect(usage.error.contains("unknown --kind 'smoke'"))

        try folder.write("exists.tape", "")
        let exists = try tape("import", folder.path("in.jsonl"), "-o", folder.path("exists.tape"))
        #expect(exists.status == 1)
    }

    @Test("every subcommand has help")
    func help() throws {
        for command in ["inspect", "cat", "export", "import"] {
            let result = try tape(command, "--help")
            #expect(result.status == 0)
            #expect(result.output.contains("USAGE: tape \(command)"))
        }
    }

    static let sampleLines = """
        {"header":{"endpoints":["wss://ws.mapi.digitexfutures.com"],"format":"tapedeck","labels":{"k":"v"},"toolVersion":"test","venue":"digitex","version":"1.0","wallClockStartNanoseconds":1598000000000000000}}
        {"n":0,"t":1000,"dir":"out","conn":0,"kind":"opened","text":"wss://ws.mapi.digitexfutures.com\\r\\nHost: x\\r\\n"}
        {"n":1,"t":2000,"dir":"out","conn":0,"kind":"text","text":"{\\"id\\":1,\\"method\\":\\"auth\\"}"}
        {"n":2,"t":7000002000,"dir":"in","conn":0,"kind":"text","text":"{\\"id\\":1,\\"status\\":\\"ok\\"}\\n"}
        {"n":3,"t":7000003000,"dir":"in","conn":1,"kind":"binary","base64":"AAEC"}
        {"n":4,"t":7000004000,"dir":"in","conn":1,"kind":"close","base64":"A+hieWU="}

        """
}

/// The byte length of a tape's first gzip member, read from its TD subfield (bytes 20–23).
func headerMemberLength(_ bytes: [UInt8]) throws -> Int {
    Int(bytes[20]) | Int(bytes[21]) << 8 | Int(bytes[22]) << 16 | Int(bytes[23]) << 24
}

struct CLIResult {
    var status: Int32
    var output: String
    var error: String
}

/// The `tape` executable next to the test bundle (SwiftPM builds it with the tests).
func tape(_ arguments: String...) throws -> CLIResult {
    let products = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    let candidates = [products, products.deletingLastPathComponent()].map { $0.appendingPathComponent("tape") }
    guard let executable = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
        Issue.record("the tape executable was not built next to \(products.path)")
        return CLIResult(status: -1, output: "", error: "")
    }
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    let output = Pipe()
    let error = Pipe()
    process.standardOutput = output
    process.standardError = error
    try process.run()
    // Read both pipes to the end before waiting, so a large output cannot block the child.
    let errorData = DispatchQueue(label: "stderr")
    nonisolated(unsafe) var errorBytes = Data()
    let group = DispatchGroup()
    errorData.async(group: group) { errorBytes = error.fileHandleForReading.readDataToEndOfFile() }
    let outputBytes = output.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    process.waitUntilExit()
    return CLIResult(status: process.terminationStatus,
                     output: String(decoding: outputBytes, as: UTF8.self),
                     error: String(decoding: errorBytes, as: UTF8.self))
}

final class CLIFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("tapedeck-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
    func write(_ name: String, _ text: String) throws { try Data(text.utf8).write(to: URL(fileURLWithPath: path(name))) }
    func read(_ name: String) throws -> String { try String(contentsOfFile: path(name), encoding: .utf8) }
    func bytes(_ name: String) throws -> [UInt8] { Array(try Data(contentsOf: URL(fileURLWithPath: path(name)))) }

    deinit { try? FileManager.default.removeItem(at: url) }
}

/// `tape replay` and `tape verify` on tapes imported from JSON lines.
@Suite("tape replay and verify")
struct ReplayCLITests {
    static let digitexLines = """
        {"header":{"endpoints":["wss://ws.mapi.digitexfutures.com"],"format":"tapedeck","labels":{},"toolVersion":"test","venue":"digitex","version":"1.0","wallClockStartNanoseconds":1598000000000000000}}
        {"n":0,"t":0,"dir":"out","conn":0,"kind":"opened","text":"wss://ws.mapi.digitexfutures.com\\r\\n"}
        {"n":1,"t":1000000,"dir":"out","conn":0,"kind":"text","text":"{\\"id\\":2,\\"method\\":\\"auth\\",\\"params\\":{\\"type\\":\\"token\\",\\"value\\":\\"yourToken\\"}}"}
        {"n":2,"t":2000000,"dir":"in","conn":0,"kind":"text","text":"{\\"ch\\":\\"tradingStatus\\",\\"data\\":{\\"available\\":true}}"}
        {"n":3,"t":3000000,"dir":"in","conn":0,"kind":"text","text":"{\\"ch\\":\\"orderbook_1\\",\\"data\\":{\\"symbol\\":\\"BTCUSD-PERP\\",\\"ts\\":1,\\"bids\\":[[9000,1]],\\"asks\\":[[9005,2]]}}"}
        {"n":4,"t":4000000,"dir":"out","conn":0,"kind":"text","text":"{\\"id\\":3,\\"method\\":\\"getTraderStatus\\",\\"params\\":{\\"symbol\\":\\"BTCUSD-PERP\\"}}"}

        """

    @Test("replay prints the same digest in two processes, and --events prints JSON lines")
    func replayTwice() throws {
        let folder = try CLIFolder()
        try folder.write("in.jsonl", Self.digitexLines)
        #expect(try tape("import", folder.path("in.jsonl"), "-o", folder.path("a.tape")).status == 0)
        let first = try tape("replay", folder.path("a.tape"))
        let second = try tape("replay", folder.path("a.tape"))
        #expect(first.status == 0)
        let digest = first.output.split(separator: "\n").first { $0.hasPrefix("digest") }
        #expect(digest?.contains("sha256:") == true)
        #expect(digest == second.output.split(separator: "\n").first { $0.hasPrefix("digest") })
        #expect(first.output.contains("tradingStatusChanged"))

        let events = try tape("replay", folder.path("a.tape"), "--events")
        #expect(events.status == 0)
        let lines = events.output.split(separator: "\n")
        // auth accepted, authenticated, trading available, then the book snapshot.
        #expect(lines.count == 4)
        #expect(lines.allSatisfy { $0.hasPrefix(#"{"seq":"#) })
        #expect(events.error.contains(String(digest ?? "none")))
    }

    @Test("replay refuses an unknown venue with exit 1 and a damaged tape exits 2 naming frame and offset")
    func replayFailures() throws {
        let folder = try CLIFolder()
        try folder.write("in.jsonl", TapeCLITests.sampleLines.replacingOccurrences(of: #""venue":"digitex""#, with: #""venue":"kraken""#))
        _ = try tape("import", folder.path("in.jsonl"), "-o", folder.path("k.tape"))
        let unknown = try tape("replay", folder.path("k.tape"))
        #expect(unknown.status == 1)
        #expect(unknown.error.contains("venue 'kraken'"))

        try folder.write("d.jsonl", Self.digitexLines)
        _ = try tape("import", folder.path("d.jsonl"), "-o", folder.path("d.tape"))
        var bytes = try folder.bytes("d.tape")
        let blockOffset = try headerMemberLength(bytes)
        bytes[blockOffset + 70] ^= 0xff
        try Data(bytes).write(to: URL(fileURLWithPath: folder.path("bad.tape")))
        let damaged = try tape("replay", folder.path("bad.tape"))
        #expect(damaged.status == 2)
        #expect(damaged.error.contains("stopped before frame 0 at byte offset \(blockOffset)"))
        #expect(try tape("replay", "--pace", "slow", folder.path("d.tape")).status == 64)
    }

    @Test("verify agrees on a consistent session and exits 1 with the divergence otherwise")
    func verify() throws {
        let folder = try CLIFolder()
        try folder.write("in.jsonl", Self.digitexLines)
        _ = try tape("import", folder.path("in.jsonl"), "-o", folder.path("a.tape"))
        let good = try tape("verify", folder.path("a.tape"))
        #expect(good.status == 0, "\(good.output)\(good.error)")
        #expect(good.output.contains("the client sends what the tape recorded"))

        // Drop the tradingStatus line: the trader-status request is then sent before authentication completes.
        let lines = Self.digitexLines.split(separator: "\n").filter { !$0.contains("tradingStatus") }.joined(separator: "\n") + "\n"
        try folder.write("bad.jsonl", lines)
        _ = try tape("import", folder.path("bad.jsonl"), "-o", folder.path("b.tape"))
        let bad = try tape("verify", folder.path("b.tape"))
        #expect(bad.status == 1)
        #expect(bad.output.contains("diverged at frame"))
    }
}

@Suite("tape step")
struct StepCLITests {
    @Test("a script steps, breaks and prints state; a line that does not parse is named and nothing runs")
    func script() throws {
        let folder = try CLIFolder()
        try folder.write("in.jsonl", ReplayCLITests.digitexLines)
        _ = try tape("import", folder.path("in.jsonl"), "-o", folder.path("a.tape"))
        try folder.write("good.txt", "next\nuntil event bookSnapshot\nwhere\nprevious\nstate\n")
        let good = try tape("step", folder.path("a.tape"), "--script", folder.path("good.txt"))
        #expect(good.status == 0, "\(good.error)")
        #expect(good.output.contains("frame 0 at 0.000000000 s: out c0 opened"))
        #expect(good.output.contains("at frame 3 of 5 (t=0.003000000 s)"))
        #expect(good.output.contains("state after frame 2 of 5"))

        try folder.write("bad.txt", "next\nbreak position BTCUSD-PERP size >> 3\n")
        let bad = try tape("step", folder.path("a.tape"), "--script", folder.path("bad.txt"))
        #expect(bad.status == 1)
        #expect(bad.error.contains("line 2"))
        #expect(bad.output.isEmpty)
    }

    @Test("replay, verify and step have help")
    func help() throws {
        for command in ["replay", "verify", "step"] {
            let result = try tape(command, "--help")
            #expect(result.status == 0)
            #expect(result.output.contains("USAGE: tape \(command)"))
        }
    }
}

/// A Satori signer for the simulator (which checks the signature's shape only): prints a fixed
/// 65-byte signature for the timestamp it is given, refusing anything that is not one.
func makeSatoriSigner(in folder: CLIFolder) throws -> String {
    let path = folder.path("signer.sh")
    let script = "#!/bin/sh\ncase \"$1\" in *[!0-9]*|\"\") exit 3;; esac\necho 0x\(String(repeating: "ab", count: 64))1b\n"
    try script.write(toFile: path, atomically: true, encoding: .utf8)
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
    return path
}
