import Foundation
import TapeCore
import TapeFormat
@testable import TapeNet
import Testing

/// Writes the same script of frames through a recorder: two connections, one ending halfway.
private func recordScript(_ recorder: TapeRecorder, frames count: Int) throws -> [String] {
    let first = recorder.newConnection()
    let second = recorder.newConnection()
    try recorder.record(.outbound, first, .opened, ConnectionOpened(url: "ws://venue/trade", headers: []).payload)
    try recorder.record(.outbound, second, .opened, ConnectionOpened(url: "ws://venue/mds", headers: []).payload)
    var random = SeededRandom(seed: 11)
    var written: [String] = []
    for index in 0..<count {
        let connection = index < count / 2 && index % 3 == 0 ? second : first
        // Incompressible enough that blocks reach the disk at a steady pace.
        let noise = String((0..<48).map { _ in Character(UnicodeScalar(UInt8(ascii: "a") + UInt8(random.next() % 26))) })
        let text = "\(index) \(noise)"
        try recorder.record(index % 2 == 0 ? .inbound : .outbound, connection, .text, Array(text.utf8))
        written.append("\(connection) \(text)")
        if index == count / 2 { try recorder.record(.inbound, second, .closed, []) }
    }
    try recorder.record(.inbound, first, .closed, [])
    return written
}

private func isContinuation(_ frame: Frame) -> Bool {
    frame.kind == .opened && (ConnectionOpened(payload: frame.payload)?.headers.contains { $0.name == TapeRecorder.continuationHeader } ?? false)
}

private func gzipTest(_ path: String) throws -> Bool {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["gzip", "-t", path]
    try process.run()
    process.waitUntilExit()
    return process.terminationStatus == 0
}

@Suite("Tape recorder rotation")
struct TapeRecorderRotationTests {
    @Test("part names insert a four-digit number before .tape")
    func partNames() {
        #expect(TapeRecorder.Rotation.partPath("/t/session.tape", part: 0) == "/t/session.tape")
        #expect(TapeRecorder.Rotation.partPath("/t/session.tape", part: 1) == "/t/session.0001.tape")
        #expect(TapeRecorder.Rotation.partPath("/t/session.tape", part: 12345) == "/t/session.12345.tape")
        #expect(TapeRecorder.Rotation.partPath("/t/capture", part: 2) == "/t/capture.0002")
    }

    @Test("rotating by size: every part is a complete tape, linked to the previous one, open connections re-declared, no frame lost or repeated")
    func bySize() throws {
        let scratch = ScratchFolder()
        defer { scratch.remove() }
        let path = scratch.tapePath()
        var options = TapeWriter.Options()
        options.blockSize = 1_024
        let recorder = try TapeRecorder(path: path, header: TapeHeader(venue: "qfex", wallClockStartNanoseconds: 7), options: options,
                                        rotation: .init(sizeBytesMax: 4_096))
        let written = try recordScript(recorder, frames: 3_000)
        try recorder.close()
        let parts = recorder.parts
        #expect(parts.count >= 3, "\(parts.count) parts")
        #expect(parts.first == path)

        var replayed: [String] = []
        for (number, part) in parts.enumerated() {
            #expect(try gzipTest(part), "gzip -t \(part)")
            let reader = try TapeReader(path: part)
            #expect(reader.indexStatus == .present)
            #expect(reader.header.labels["part"] == String(number))
            #expect(reader.header.labels["previous-part"] == (number == 0 ? nil : (parts[number - 1] as NSString).lastPathComponent))
            #expect(reader.header.wallClockStartNanoseconds == 7)
            var frames: [Frame] = []
            try reader.forEachFrame { frames.append($0.frame) }
            // Every connection a part uses is opened in it, before its first other frame.
            var opened = Set<ConnectionID>()
            var orphans = 0
            for frame in frames {
                if frame.kind == .opened { opened.insert(frame.connection) } else if !opened.contains(frame.connection) { orphans += 1 }
            }
            #expect(orphans == 0, "part \(number): \(orphans) frames of connections it never opened")
            if number > 0 {
                let continued = frames.prefix { isContinuation($0) }
                #expect(!continued.isEmpty)
                #expect(continued.allSatisfy { ConnectionOpened(payload: $0.payload)?.headers.last?.value == (parts[number - 1] as NSString).lastPathComponent })
            }
            replayed += frames.filter { $0.kind == .text }.map { "\($0.connection) \(String(decoding: $0.payload, as: UTF8.self))" }
        }
        let same = replayed == written
        #expect(same, "\(replayed.count) text frames read back of \(written.count) written")
    }

    @Test("rotating by time: with a limit shorter than any gap each frame can start a part, and still none is lost or repeated")
    func byTime() throws {
        let scratch = ScratchFolder()
        defer { scratch.remove() }
        let path = scratch.tapePath()
        let recorder = try TapeRecorder(path: path, header: TapeHeader(venue: "digitex", wallClockStartNanoseconds: 0),
                                        rotation: .init(every: Timestamp.Duration(nanoseconds: 1)))
        let written = try recordScript(recorder, frames: 40)
        try recorder.close()
        #expect(recorder.parts.count > 10)
        var replayed: [String] = []
        for part in recorder.parts {
            try TapeReader(path: part).forEachFrame { entry in
                if entry.frame.kind == .text { replayed.append("\(entry.frame.connection) \(String(decoding: entry.frame.payload, as: UTF8.self))") }
            }
        }
        #expect(replayed == written)
    }
}
