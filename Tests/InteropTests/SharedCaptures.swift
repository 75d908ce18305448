import Foundation
import TapeCore

/// Reads the real captures in `shared/captures/` (repo root = three levels above this file).
enum SharedCaptures {
    static let directory: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // InteropTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // repo root
        .appendingPathComponent("../shared/captures")
        .standardizedFileURL

    static func bytes(_ relativePath: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: directory.appendingPathComponent(relativePath)))
    }

    /// Every capture file, relative to `shared/captures/`, sorted.
    static func allFiles() throws -> [String] {
        var files: [String] = []
        for folder in ["cryptofeed", "hftbacktest", "pcap"] {
            let names = try FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent(folder).path)
            files += names.map { "\(folder)/\($0)" }
        }
        return files.sorted()
    }
}

extension Array where Element == Frame {
    func count(_ kind: FrameKind, _ direction: Direction? = nil) -> Int {
        filter { $0.kind == kind && (direction == nil || $0.direction == direction) }.count
    }

    /// Times never go backwards (the tape writer's requirement).
    var timesAreNonDecreasing: Bool {
        zip(self, dropFirst()).allSatisfy { $0.time <= $1.time }
    }
}

extension Frame {
    var text: String { String(decoding: payload, as: UTF8.self) }
}
