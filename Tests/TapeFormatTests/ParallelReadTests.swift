import Foundation
import TapeCore
@testable import TapeFormat
import Testing

@Suite("Reading on several cores")
struct ParallelReadTests {
    /// A tape of many small blocks, so that a read goes through hundreds of them.
    private func manyBlockTape(in folder: TemporaryFolder) throws -> (TapeReader, [Frame]) {
        let frames = randomFrames(count: 3_000, seed: 31, maxPayload: 300)
        let path = try writeTape(frames, to: folder.path("many.tape"), blockSize: 4096)
        let reader = try TapeReader(path: path)
        #expect(reader.blocks.count > 100)
        return (reader, frames)
    }

    @Test("the read-ahead holds a bounded number of blocks, and a finished read keeps none")
    func blocksAreReleased() throws {
        let folder = try TemporaryFolder()
        let (reader, frames) = try manyBlockTape(in: folder)
        let threads = 3
        var mostHeld = 0
        var count = 0
        try reader.forEachFrameView(parallelism: threads) { _ in
            count += 1
            mostHeld = max(mostHeld, reader.bufferPool.leasesOut)
        }
        #expect(count == frames.count)
        // The window (2 × threads + 2), one block per thread being decoded, the reader's own.
        #expect(mostHeld <= 3 * threads + 3, "at most \(3 * threads + 3) blocks alive, saw \(mostHeld)")
        // A decoding thread may still be letting go of its last result, never more than that.
        #expect(reader.bufferPool.leasesOut <= threads, "\(reader.bufferPool.leasesOut) blocks still held after the read")
    }

    @Test("copies of a cursor read on independently and each sees every frame")
    func copiedCursorsReadIndependently() throws {
        let folder = try TemporaryFolder()
        let (reader, frames) = try manyBlockTape(in: folder)
        var first = reader.cursor(options: FrameCursor.Options(parallelism: 2))
        var seenBeforeCopy: [Frame] = []
        for _ in 0..<500 { seenBeforeCopy.append(try #require(try first.next()).frame) }
        var second = first
        var restOfFirst: [Frame] = []
        var restOfSecond: [Frame] = []
        // Alternate between the copies, so that both pull on the read-ahead they started with.
        while true {
            let a = try first.next()
            let b = try second.next()
            if let a { restOfFirst.append(a.frame) }
            if let b { restOfSecond.append(b.frame) }
            if a == nil && b == nil { break }
        }
        #expect(seenBeforeCopy + restOfFirst == frames)
        #expect(seenBeforeCopy + restOfSecond == frames)
    }
}
