import Foundation
import Replay
import Samples
import TapeCore
import TapeFormat
import TapeTesting

/// Paths and scratch folders for the replay tests.
enum Fixtures {
    /// The repository root: the nearest folder above this file that holds Package.swift.
    static let repositoryRoot: URL = {
        var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
            let parent = url.deletingLastPathComponent()
            precondition(parent.path != url.path, "no Package.swift above \(#filePath)")
            url = parent
        }
        return url
    }()

    /// A documented example file in `../shared/venues/<venue>/`.
    static func example(_ venue: String, _ file: String) -> String {
        repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/venues/\(venue)/\(file)").path
    }

    /// Every `.jsonl` example file of a venue, sorted by name.
    static func allExamples(_ venue: String) throws -> [String] {
        let folder = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/venues/\(venue)")
        return try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".jsonl") }.sorted()
            .map { folder.appendingPathComponent($0).path }
    }
}

/// A temporary folder removed when the value goes away.
final class ScratchFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("replay-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
}

/// The Digitex documented sequence: auth → tradingStatus, then a market order accepted and filled.
func digitexOrderTape(in folder: ScratchFolder, name: String = "digitex.tape") throws -> String {
    let path = folder.path(name)
    try SequenceTape.write(venue: .digitex, files: [
        Fixtures.example("digitex", "seq_auth_ok_trading_available.jsonl"),
        Fixtures.example("digitex", "seq_place_market_order_accept_fill.jsonl"),
    ], to: path)
    return path
}

/// Writes a simulator session to a tape, with its header labels, in blocks of `blockSize` bytes.
func writeTape(_ recording: SimulatorSessions.Recording, to path: String, blockSize: Int = 1 << 20) throws {
    var options = TapeWriter.Options()
    options.blockSize = blockSize
    let header = TapeHeader(venue: recording.venue.rawValue, endpoints: recording.endpoints,
                            wallClockStartNanoseconds: recording.wallClockStartNanoseconds, labels: recording.labels)
    let writer = try TapeWriter(path: path, header: header, options: options)
    for frame in recording.frames { try writer.append(frame) }
    try writer.close()
}
