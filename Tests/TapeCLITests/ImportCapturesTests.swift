import Foundation
import Testing

/// Every real capture in shared/captures goes capture → tape → JSON lines → tape → JSON lines,
/// and both JSON-lines exports are the same bytes: nothing is lost or changed by the tape.
@Suite("Importing the shared captures with the command line")
struct ImportCapturesTests {
    static let captures: [String] = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let folder = root.deletingLastPathComponent().appendingPathComponent("shared/captures")
        let files = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)?
            .compactMap { $0 as? URL }
            .filter { $0.lastPathComponent != "README.md" && !$0.hasDirectoryPath }
            .map(\.path) ?? []
        return files.sorted()
    }()

    @Test("there are captures to test: every kind the README lists")
    func capturesPresent() {
        #expect(Self.captures.count == 14)
    }

    @Test("import, export, import, export gives the same JSON lines", arguments: captures)
    func roundTrip(capture: String) throws {
        let folder = try CLIFolder()
        let first = try tape("import", capture, "-o", folder.path("a.tape"))
        #expect(first.status == 0, "\(first.error)")
        let detected = first.output.split(separator: " ").dropFirst(4).first.map(String.init)  // "imported N frames from FORMAT into …"
        #expect(try tape("export", folder.path("a.tape"), "-o", folder.path("a.jsonl")).status == 0)
        #expect(try tape("import", folder.path("a.jsonl"), "-o", folder.path("b.tape")).status == 0)
        #expect(try tape("export", folder.path("b.tape"), "-o", folder.path("b.jsonl")).status == 0)
        let exported = try folder.read("a.jsonl")
        #expect(try folder.read("b.jsonl") == exported)
        // The header records where the tape came from.
        #expect(exported.hasPrefix("{\"header\":"))
        #expect(exported.contains("\"imported-from\":\"\(detected ?? "?")\""))
    }

    @Test("a file in no known format is refused with what to do")
    func unknownFormat() throws {
        let folder = try CLIFolder()
        try folder.write("mystery.bin", "\u{1}\u{2}\u{3} not a capture")
        let result = try tape("import", folder.path("mystery.bin"), "-o", folder.path("x.tape"))
        #expect(result.status == 1)
        #expect(result.error.contains("the capture's format is not recognised"))
        #expect(result.error.contains("--from"))
        #expect(!FileManager.default.fileExists(atPath: folder.path("x.tape")))
    }
}
