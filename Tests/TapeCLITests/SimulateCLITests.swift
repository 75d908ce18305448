import Foundation
import Testing

/// `tape simulate` as a user runs it: the URL first, serving until SIGTERM.
@Suite("tape simulate")
struct SimulateCLITests {
    private func executable() -> URL? {
        let products = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        return [products, products.deletingLastPathComponent()].map { $0.appendingPathComponent("tape") }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    @Test("prints the ws:// URL as its first line and exits cleanly on SIGTERM")
    func servesUntilTerminated() throws {
        let tapeURL = try #require(executable())
        let process = Process()
        process.executableURL = tapeURL
        process.arguments = ["simulate", "--venue", "digitex", "--port", "0", "--seed", "7", "--credentials", "key:secret"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        let url = String(decoding: line, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? ""
        #expect(url.hasPrefix("ws://127.0.0.1:"))
        #expect(Int(url.split(separator: ":").last ?? "") ?? 0 > 0)
        process.terminate()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }

    @Test("a venue that is not simulated yet is refused as a bad argument")
    func unknownVenue() throws {
        let result = try tape("simulate", "--venue", "nowhere")
        #expect(result.status == 64)
        #expect(result.error.contains("--venue nowhere is not simulated"))
        let credentials = try tape("simulate", "--credentials", "no-colon")
        #expect(credentials.status == 64)
        #expect(credentials.error.contains("write KEY:SECRET"))
    }
}
