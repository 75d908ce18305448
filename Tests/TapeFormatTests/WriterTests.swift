import Dispatch
import Foundation
import Testing
import TapeCore
@testable import TapeFormat

@Suite("The background writer")
struct WriterTests {
    @Test("frames from concurrent producers are all kept, each producer's in its own order",
          arguments: [true, false])
    func concurrentProducers(compressInBackground: Bool) throws {
        let folder = try TemporaryFolder()
        var options = TapeWriter.Options()
        options.blockSize = 4_096
        options.maxPendingBlocks = 2  // small, so producers also meet back-pressure
        options.compressInBackground = compressInBackground
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

    @Test("a writer dropped without close() finishes its file: every frame, and the index",
          arguments: [true, false])
    func droppedWriterCloses(compressInBackground: Bool) throws {
        let folder = try TemporaryFolder()
        let path = folder.path("dropped.tape")
        let frames = randomFrames(count: 500, seed: 9)
        var options = TapeWriter.Options()
        options.compressInBackground = compressInBackground
        options.flushInterval = .seconds(3_600)  // nothing reaches the disk by time: only the close does it
        do {
            let writer = try TapeWriter(path: path, header: testHeader, options: options)
            for frame in frames { try writer.append(frame) }
        }
        let reader = try TapeReader(path: path)
        #expect(reader.indexStatus == .present && reader.damage.isEmpty)
        #expect(try readAllFrames(reader) == frames)
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

    @Test("a flush does not wait for a background compressor that gets no core")
    func flushWithoutTheCompressor() throws {
        let folder = try TemporaryFolder()
        let gate = Gate()
        var options = TapeWriter.Options()
        options.blockSize = 2_048
        options.flushInterval = .seconds(3_600)
        options.backgroundCompressionGrace = .seconds(3_600)  // only the flush can hurry the writer thread
        options.beforeBackgroundCompression = { gate.pass() }
        let path = folder.path("starved.tape")
        let writer = try TapeWriter(path: path, header: testHeader, options: options)
        let frames = randomFrames(count: 60, seed: 11, maxPayload: 200)
        for frame in frames { try writer.append(frame) }
        // Flush on another thread, so a writer that waits for the compressor fails the test
        // instead of hanging it; the timeout only bounds a broken writer.
        let flushed = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            try! writer.flush()
            flushed.signal()
        }
        #expect(flushed.wait(timeout: .now() + 30) == .success)
        #expect(try readAllFrames(TapeReader(path: path)) == frames)
        gate.open()
        try writer.close()
        let reader = try TapeReader(path: path)
        #expect(reader.indexStatus == .present && reader.damage.isEmpty)
        #expect(try readAllFrames(reader) == frames)
    }

    @Test("a block the background compressor does not get to is compressed and written by the writer thread")
    func graceWithoutTheCompressor() throws {
        let folder = try TemporaryFolder()
        let gate = Gate()
        let written = DispatchSemaphore(value: 0)
        var options = TapeWriter.Options()
        options.flushInterval = .milliseconds(10)
        options.backgroundCompressionGrace = .milliseconds(10)
        options.beforeBackgroundCompression = { gate.pass() }
        options.onBlockWritten = { _ in written.signal() }
        let path = folder.path("grace.tape")
        let writer = try TapeWriter(path: path, header: testHeader, options: options)
        try writer.append(.text(#"{"ch":"ping"}"#, at: .seconds(1), .inbound))
        #expect(written.wait(timeout: .now() + 30) == .success)  // the timeout only bounds a broken writer
        #expect(try readAllFrames(TapeReader(path: path)).map(\.payload) == [Array(#"{"ch":"ping"}"#.utf8)])
        gate.open()
        try writer.close()
    }

    #if os(Linux)
    @Test("the background compressor runs in the idle scheduling class")
    func compressorPriority() throws {
        let folder = try TemporaryFolder()
        let policies = PolicyLog()
        let written = DispatchSemaphore(value: 0)
        var options = TapeWriter.Options()
        options.blockSize = 16  // the first frame seals a block
        options.flushInterval = .seconds(3_600)
        options.backgroundCompressionGrace = .seconds(3_600)  // so only the compressor compresses it
        options.beforeBackgroundCompression = { policies.add(sched_getscheduler(0)) }
        options.onBlockWritten = { _ in written.signal() }
        let writer = try TapeWriter(path: folder.path("idle.tape"), header: testHeader, options: options)
        try writer.append(.text(#"{"ch":"a frame longer than a block"}"#, at: .seconds(1), .inbound))
        #expect(written.wait(timeout: .now() + 30) == .success)
        #expect(policies.values == [5])  // SCHED_IDLE
        try writer.close()
    }
    #endif
}

/// Holds every thread that passes until it is opened (a stand-in for a thread that gets no core).
final class Gate: @unchecked Sendable {
    private let condition = NSCondition()
    private var isOpen = false

    func pass() {
        condition.withLock { while !isOpen { condition.wait() } }
    }

    func open() {
        condition.withLock {
            isOpen = true
            condition.broadcast()
        }
    }
}

final class PolicyLog: @unchecked Sendable {
    private let lock = NSLock()
    private var policies: [Int32] = []
    func add(_ policy: Int32) { lock.withLock { policies.append(policy) } }
    var values: [Int32] { lock.withLock { policies } }
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
