import Foundation
import Samples
import TapeCore
@testable import TapeFormat

/// A fresh folder under the system temp folder, removed when the value goes away.
final class TemporaryFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("tapedeck-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String {
        url.appendingPathComponent(name).path
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }
}

let testHeader = TapeHeader(
    venue: "digitex",
    endpoints: ["wss://ws.mapi.digitexfutures.com"],
    wallClockStartNanoseconds: 1_598_000_000_123_456_789,
    toolVersion: "test",
    labels: ["purpose": "tests", "symbol": "BTCUSD-PERP"]
)

/// Random frames of every kind, times non-decreasing, payloads from empty to `maxPayload` bytes.
func randomFrames(count: Int, seed: UInt64, maxPayload: Int = 600) -> [Frame] {
    var generator = SeededRandom(seed: seed)
    var time: Int64 = 0
    return (0..<count).map { _ in
        time += Int64.random(in: 0...5_000_000, using: &generator)
        let kind = FrameKind.allCases.randomElement(using: &generator)!
        let length = Int.random(in: 0...maxPayload, using: &generator)
        let payload: [UInt8]
        if kind == .binary {
            payload = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
        } else {
            // JSON-like text: compresses like the real thing, and holds newlines now and then.
            let alphabet = Array(#"{"ch":"orderbook","data":[1234.5,0.001],"id":42}\#n "#.utf8)
            payload = (0..<length).map { _ in alphabet.randomElement(using: &generator)! }
        }
        return Frame(
            time: Timestamp(nanoseconds: time),
            direction: Direction.allCases.randomElement(using: &generator)!,
            connection: ConnectionID(UInt32.random(in: 0...3, using: &generator)),
            kind: kind,
            payload: payload
        )
    }
}

/// Writes `frames` to a new tape file and returns its path.
@discardableResult
func writeTape(_ frames: [Frame], to path: String, blockSize: Int = 1 << 20) throws -> String {
    var options = TapeWriter.Options()
    options.blockSize = blockSize
    let writer = try TapeWriter(path: path, header: testHeader, options: options)
    for frame in frames {
        try writer.append(frame)
    }
    try writer.close()
    return path
}

func readAllFrames(_ reader: TapeReader, parallelism: Int = 1) throws -> [Frame] {
    var frames: [Frame] = []
    try reader.forEachFrame(parallelism: parallelism) { frames.append($0.frame) }
    return frames
}

func fileBytes(_ path: String) throws -> [UInt8] {
    Array(try Data(contentsOf: URL(fileURLWithPath: path)))
}
