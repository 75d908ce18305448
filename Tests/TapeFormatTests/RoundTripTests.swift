import Foundation
import Testing
import Samples
import TapeCore
@testable import TapeFormat

@Suite("Writing and reading tapes")
struct RoundTripTests {
    @Test("random frames of every kind come back exactly, on one core and on several")
    func randomRoundTrip() throws {
        let folder = try TemporaryFolder()
        var frames = randomFrames(count: 5_000, seed: 1, maxPayload: 2_000)
        let last = frames.last!.time
        // The edge cases named by the issue: empty, 1 MiB, and binary with zero bytes.
        frames.append(Frame(time: last, direction: .inbound, connection: ConnectionID(7), kind: .text, payload: []))
        frames.append(Frame(time: last, direction: .outbound, connection: ConnectionID(7), kind: .binary,
                            payload: (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) }))
        frames.append(Frame(time: last + .seconds(1), direction: .inbound, connection: ConnectionID(UInt32.max),
                            kind: .binary, payload: [0, 0, 10, 0, 255, 0]))
        let path = try writeTape(frames, to: folder.path("random.tape"), blockSize: 64 << 10)

        let reader = try TapeReader(path: path)
        #expect(reader.header == testHeader)
        #expect(reader.indexStatus == .present)
        #expect(reader.damage.isEmpty)
        #expect(reader.blocks.count > 10)
        #expect(reader.frameCount == frames.count)
        #expect(try readAllFrames(reader) == frames)
        #expect(try readAllFrames(reader, parallelism: 4) == frames)
        #expect(reader.verify().isEmpty)
    }

    @Test("frame numbers run from 0 across blocks")
    func frameNumbers() throws {
        let folder = try TemporaryFolder()
        let frames = randomFrames(count: 1_000, seed: 2)
        let reader = try TapeReader(path: writeTape(frames, to: folder.path("n.tape"), blockSize: 4_096))
        var numbers: [Int] = []
        try reader.forEachFrame { numbers.append($0.number) }
        #expect(numbers == Array(0..<1_000))
    }

    @Test("an empty tape has a header, no frames and an index")
    func emptyTape() throws {
        let folder = try TemporaryFolder()
        let reader = try TapeReader(path: writeTape([], to: folder.path("empty.tape")))
        #expect(reader.frameCount == 0)
        #expect(reader.indexStatus == .present)
        #expect(try readAllFrames(reader).isEmpty)
    }

    @Test("gzip -t accepts a tape and zcat shows the header line and one line per frame")
    func gzipTools() throws {
        let folder = try TemporaryFolder()
        let frames = [
            Frame.text(#"{"id":1,"method":"auth"}"#, at: Timestamp(nanoseconds: 1_500), .outbound),
            Frame.text(#"{"id":1,"status":"ok"}"#, at: Timestamp(nanoseconds: 2_000_000_001), .inbound),
        ]
        let path = try writeTape(frames, to: folder.path("z.tape"), blockSize: 16)
        #expect(try run("/bin/gzip", ["-t", path]).status == 0)
        let output = try run("/bin/gzip", ["-dc", path]).output
        let lines = output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0].hasPrefix(#"{"endpoints":["wss://ws.mapi.digitexfutures.com"],"format":"tapedeck""#))
        #expect(Array(lines[1...5]) == [
            "0.000001500 out c0 text 24",
            #"{"id":1,"method":"auth"}"#,
            "2.000000001 in c0 text 22",
            #"{"id":1,"status":"ok"}"#,
            "",
        ])
    }

    @Test("times that go backwards and oversized payloads are refused with the frame number")
    func writerRefusesBadFrames() throws {
        let folder = try TemporaryFolder()
        let writer = try TapeWriter(path: folder.path("bad.tape"), header: testHeader)
        try writer.append(.text("a", at: .seconds(2), .inbound))
        let backwards = #expect(throws: TapeError.self) { try writer.append(.text("b", at: .seconds(1), .inbound)) }
        #expect(backwards?.code == .invalidFrame)
        #expect(backwards?.description.contains("frame 1 goes back in time") == true)
        try writer.close()
        #expect(throws: TapeError.self) { try writer.append(.text("c", at: .seconds(3), .inbound)) }
        // What was accepted before the refusal is on the tape.
        #expect(try readAllFrames(TapeReader(path: folder.path("bad.tape"))).count == 1)
    }

    @Test("a tape is never overwritten unless asked")
    func noOverwrite() throws {
        let folder = try TemporaryFolder()
        let path = try writeTape([], to: folder.path("once.tape"))
        let error = #expect(throws: TapeError.self) { try TapeWriter(path: path, header: testHeader) }
        #expect(error?.code == .cannotWrite)
        #expect(error?.description.contains("choose another output path") == true)
    }
}

/// Runs a program and returns its exit status and standard output as text.
func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

@Suite("The synthetic session")
struct SyntheticSessionTests {
    @Test("every text frame of the demo session is valid JSON, and the same seed gives the same frames")
    func validJSON() throws {
        var first = SyntheticSession(seed: 7)
        var second = SyntheticSession(seed: 7)
        for _ in 0..<5_000 {
            let frame = first.next()
            #expect(frame == second.next())
            guard frame.kind == .text else { continue }
            let parses = (try? JSONSerialization.jsonObject(with: Data(frame.payload))) != nil
            #expect(parses, "not JSON: \(String(decoding: frame.payload, as: UTF8.self))")
            if !parses { return }
        }
    }
}
