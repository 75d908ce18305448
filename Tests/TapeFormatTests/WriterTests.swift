import Dispatch
import Foundation
import Testing
import TapeCore
@testable import TapeFormat

@Suite("The background writer")
struct WriterTests {
    @Test("frames from concurrent producers are all kept, each producer's in its own order")
    func concurrentProducers() throws {
        let folder = try TemporaryFolder()
        var options = TapeWriter.Options()
        options.blockSize = 4_096
        options.maxPendingBlocks = 2  // small, so producers also meet back-pressure
        let writer = try TapeWriter(path: folder.path("c.tape"), header: testHeader, options: options)
        let clock = StampClock()
        let producers = 4
        let perProducer = 5_000
        DispatchQueue.concurrentPerform(iterations: producers) { producer in
            for sequence in 0..<perProducer {
                // Stamping under the same lock as the append keeps times in order, as a recorder must.
                try! clock.appendStamped(to: writer, producer: producer, sequence: sequence)
            }
        }
        try writer.close()
        let reader = try TapeReader(path: folder.path("c.tape"))
        var lastSeen = [Int](repeating: -1, count: producers)
        var total = 0
        try reader.forEachFrame { recorded in
            let fields = String(decoding: recorded.frame.payload, as: UTF8.self).split(separator: ":")
            let producer = Int(fields[0])!
            let sequence = Int(fields[1])!
            #expect(sequence == lastSeen[producer] + 1)
            #expect(recorded.frame.connection == ConnectionID(UInt32(producer)))
            lastSeen[producer] = sequence
            total += 1
        }
        #expect(total == producers * perProducer)
    }

    @Test("a block is written within the flush interval, and a tape never closed reads back")
    func flushInterval() throws {
        let folder = try TemporaryFolder()
        let written = DispatchSemaphore(value: 0)
        var options = TapeWriter.Options()
        options.flushInterval = .milliseconds(20)
        options.onBlockWritten = { _ in written.signal() }
        let path = folder.path("f.tape")
        let writer = try TapeWriter(path: path, header: testHeader, options: options)
        try writer.append(.text(#"{"ch":"ping"}"#, at: .seconds(1), .inbound))
        // Wait on the event itself; the timeout only bounds a broken writer.
        #expect(written.wait(timeout: .now() + 30) == .success)

        let unclosed = try TapeReader(path: path)
        #expect(unclosed.indexStatus == .missing)
        #expect(unclosed.damage.isEmpty)
        #expect(try readAllFrames(unclosed).map(\.payload) == [Array(#"{"ch":"ping"}"#.utf8)])
        try writer.close()
    }

    @Test("flush puts every frame so far on disk without closing")
    func explicitFlush() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("flush.tape")
        let writer = try TapeWriter(path: path, header: testHeader)
        let frames = randomFrames(count: 100, seed: 6)
        for frame in frames { try writer.append(frame) }
        try writer.flush()
        #expect(try readAllFrames(TapeReader(path: path)) == frames)
        try writer.append(Frame.text("late", at: frames.last!.time, .inbound))
        try writer.close()
        #expect(try TapeReader(path: path).frameCount == 101)
    }
}

/// Hands out increasing times and appends under one lock, like a recorder stamping received frames.
final class StampClock: @unchecked Sendable {
    private let lock = NSLock()
    private var now: Int64 = 0

    func appendStamped(to writer: TapeWriter, producer: Int, sequence: Int) throws {
        try lock.withLock {
            now += 1_000
            try writer.append(Frame(
                time: Timestamp(nanoseconds: now), direction: .inbound, connection: ConnectionID(UInt32(producer)),
                kind: .text, payload: Array("\(producer):\(sequence)".utf8)
            ))
        }
    }
}
