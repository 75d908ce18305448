import Foundation
import Testing
import Samples
import TapeCore
@testable import TapeFormat

@Suite("Seeking")
struct SeekTests {
    @Test("starting at any frame number gives the same frames as reading from the start")
    func seekByFrame() throws {
        let folder = try TemporaryFolder()
        let frames = randomFrames(count: 2_000, seed: 4, maxPayload: 300)
        let reader = try TapeReader(path: writeTape(frames, to: folder.path("s.tape"), blockSize: 8_192))
        for start in [0, 1, 17, 999, 1_000, 1_999, 2_000, 5_000] {
            var cursor = reader.cursor(fromFrame: start)
            var got: [RecordedFrame] = []
            while let frame = try cursor.next() { got.append(frame) }
            let expected = frames.indices.dropFirst(start).map { RecordedFrame(number: $0, frame: frames[$0]) }
            #expect(got == expected, "from frame \(start)")
        }
    }

    @Test("starting at any time gives the first frame at or after it, as a linear search would")
    func seekByTime() throws {
        let folder = try TemporaryFolder()
        let frames = randomFrames(count: 2_000, seed: 5, maxPayload: 300)
        let reader = try TapeReader(path: writeTape(frames, to: folder.path("t.tape"), blockSize: 8_192))
        var generator = SeededRandom(seed: 9)
        let end = frames.last!.time.nanoseconds
        let probes = [0, end, end + 1] + (0..<50).map { _ in Int64.random(in: 0...end, using: &generator) }
            + frames.prefix(20).map(\.time.nanoseconds)
        for probe in probes {
            var cursor = reader.cursor(fromTime: Timestamp(nanoseconds: probe))
            let expectedNumber = frames.firstIndex { $0.time.nanoseconds >= probe }
            let first = try cursor.next()
            #expect(first?.number == expectedNumber, "at time \(probe)")
            if let expectedNumber { #expect(first?.frame == frames[expectedNumber]) }
        }
    }
}

@Suite("Frame views")
struct FrameViewTests {
    @Test("views carry the same frames as copies, from any start, on one or several threads")
    func viewsMatchFrames() throws {
        let folder = try TemporaryFolder()
        let frames = randomFrames(count: 3_000, seed: 11, maxPayload: 400)
        let reader = try TapeReader(path: writeTape(frames, to: folder.path("v.tape"), blockSize: 4_096))
        for parallelism in [1, 3] {
            for start in [0, 1_234] {
                var seen: [RecordedFrame] = []
                try reader.forEachFrameView(from: start, parallelism: parallelism) { view in
                    seen.append(RecordedFrame(number: view.number, frame: view.frame))
                }
                let expected = frames.indices.dropFirst(start).map { RecordedFrame(number: $0, frame: frames[$0]) }
                #expect(seen == expected, "parallelism \(parallelism), start \(start)")
            }
        }
    }

    @Test("copies into one reused buffer are the same frames, and a frame kept from before is not overwritten")
    func reusedBuffer() throws {
        let folder = try TemporaryFolder()
        let frames = randomFrames(count: 1_000, seed: 13, maxPayload: 400)
        let reader = try TapeReader(path: writeTape(frames, to: folder.path("r.tape"), blockSize: 4_096))
        var buffer: [UInt8] = []
        var kept: [Frame] = []
        var seen = 0
        try reader.forEachFrameView { view in
            let frame = view.frame(reusing: &buffer)
            #expect(frame == frames[view.number])
            // Every tenth frame is kept, as a client keeps an anomaly's raw bytes.
            if view.number % 10 == 0 { kept.append(frame) }
            seen += 1
        }
        #expect(seen == frames.count)
        #expect(kept == stride(from: 0, to: frames.count, by: 10).map { frames[$0] })
    }

    @Test("parallel reading skips a damaged block like sequential reading does")
    func parallelSkipsDamage() throws {
        let folder = try TemporaryFolder()
        let frames = randomFrames(count: 2_000, seed: 12, maxPayload: 300)
        let path = try writeTape(frames, to: folder.path("d.tape"), blockSize: 4_096)
        var bytes = try fileBytes(path)
        let blocks = try TapeReader(bytes: bytes).blocks
        bytes[blocks[3].offset + blocks[3].length - 12] ^= 0x01  // inside the deflate data of block 3
        let reader = try TapeReader(bytes: bytes)
        var numbers: [Int] = []
        try reader.forEachFrame(parallelism: 2, skipDamaged: true) { numbers.append($0.number) }
        #expect(numbers == Array(frames.indices).filter { !blocks[3].frames.contains($0) })
    }
}
