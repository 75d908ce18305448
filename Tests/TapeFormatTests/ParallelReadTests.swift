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

    @Test("cursors dropped part-way, with their read-ahead still decoding, leave later reads whole")
    func droppedCursors() throws {
        let folder = try TemporaryFolder()
        let (reader, frames) = try manyBlockTape(in: folder)
        for stop in [0, 1, 37, 900, 2_999] {
            var cursor = reader.cursor(fromFrame: stop, options: FrameCursor.Options(parallelism: 3))
            #expect(try cursor.next()?.frame == frames[stop])
        }
        #expect(try readAllFrames(reader, parallelism: 2) == frames)
    }

    @Test("one thread decoding ahead reads every frame in order; parallelism 1 decodes on the reading thread")
    func oneReadAheadThread() throws {
        let folder = try TemporaryFolder()
        let (reader, frames) = try manyBlockTape(in: folder)
        var cursor = reader.cursor(options: FrameCursor.Options(readAheadThreads: 1))
        var read: [Frame] = []
        while let next = try cursor.next() { read.append(next.frame) }
        #expect(read == frames)
        #expect(FrameCursor.Options(parallelism: 1).readAheadThreads == 0)
        #expect(FrameCursor.Options(parallelism: 3).readAheadThreads == 3)
        #expect(FrameCursor.Options(readAheadThreads: -1).readAheadThreads == 0)
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

@Suite("Block sanity")
struct BlockSanityTests {
    @Test("a block whose header claims more frames than its bytes can hold is damaged, not a huge allocation")
    func impossibleFrameCount() throws {
        var record: [UInt8] = []
        FrameRecord.append(Frame(time: .zero, direction: .inbound, connection: ConnectionID(0), kind: .text, payload: []), to: &record)
        #expect(record.count == FrameRecord.shortestRecord, "the shortest record is \(record.count) bytes")
        var header = MemberHeader(kind: .frames)
        header.count = UInt32.max
        let member = record.withUnsafeBytes { header.member(content: $0, deflater: RawDeflater(level: 6)) }
        let info = BlockInfo(offset: 0, length: member.count, firstFrame: 0, frameCount: Int(UInt32.max), firstTime: 0, lastTime: 0)
        let pool = BlockBufferPool()
        let result = member.withUnsafeBytes { bytes in
            Result { () throws(BlockFailure) in try BlockDecoder.decode(bytes, info: info, pool: pool) }
        }
        guard case .failure(let failure) = result else { Issue.record("decoded a block of 4 billion frames"); return }
        #expect(failure.reason == "its header says 4294967295 frames, more than its 26 bytes can hold")
        #expect(pool.leasesOut == 0)
    }
}
