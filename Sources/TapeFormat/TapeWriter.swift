import Foundation
import TapeCore

/// Writes a tape: frames go into blocks, blocks are compressed and written on background threads.
///
/// `append` only frames the record into the open block (a memory copy) under a lock. Sealed blocks
/// wait in a bounded queue; when it is full, `append` waits: back-pressure, never a silent drop. A
/// block is sealed when it reaches `blockSize`, when it has been open for nearly `flushInterval`
/// (below), and on `flush()` / `close()`.
///
/// Two threads take it from there (see "The threads" below). The *compressor* runs in the
/// lowest scheduling class, so it only ever uses a core nothing else wants: a recording proxy's
/// event loops are never made to wait for a block being compressed (that wait was most of the
/// proxy's latency tail). The *writer* thread, at normal priority, seals blocks on time, writes
/// compressed blocks to the file in order, and compresses a block itself when the compressor has
/// not: when it has waited its grace, when the queue is half full, or when `flush()` or `close()`
/// is waiting. Blocks are sealed by time that grace before the flush interval is up, so a killed
/// process loses at most one flush interval of frames even when the machine is too busy to give
/// the compressor a core.
///
/// A writer dropped without `close()` closes itself: its threads hold only its `WriterEngine`, so
/// the writer's `deinit` runs, and it finishes the file (the last frames and the index) as
/// `close()` would.
public final class TapeWriter: @unchecked Sendable {
    public struct Options: Sendable {
        /// Uncompressed bytes at which a block is sealed. Larger blocks compress a little better;
        /// smaller ones seek and recover at a finer grain.
        public var blockSize = 1 << 20
        /// Longest time a frame waits in an open block before it is compressed and written.
        public var flushInterval: Duration = .seconds(1)
        /// Deflate level (libdeflate's scale), 0 (stored) and 1 (fastest) to 12 (smallest). 8 keeps a
        /// tape within a few percent of `gzip -6` of its payloads alone; 9 gains little and is slower.
        public var compressionLevel: Int32 = 8
        /// Sealed blocks that may wait for compression before `append` blocks its caller.
        public var maxPendingBlocks = 8
        /// Compress on a thread in the lowest scheduling class (SCHED_IDLE on Linux). Off: the
        /// writer thread compresses every block itself, at normal priority.
        public var compressInBackground = true
        /// How long a sealed block may wait for the background compressor before the writer
        /// thread compresses it itself; at most a quarter of `flushInterval` is used.
        public var backgroundCompressionGrace: Duration = .milliseconds(250)
        /// Replace an existing file at the path (off by default: tapes are never overwritten).
        public var overwrite = false
        /// Called on the writer thread after each block is on disk (status lines, tests).
        public var onBlockWritten: (@Sendable (BlockInfo) -> Void)?
        /// Called on the background compressor before it compresses a block (tests hold it here
        /// to stand for a compressor that gets no core).
        var beforeBackgroundCompression: (@Sendable () -> Void)?

        public init() {}
    }

    private let engine: WriterEngine

    public var path: String { engine.path }
    public var header: TapeHeader { engine.header }

    /// Creates the file and writes the header member before returning, so an unwritable path fails here.
    public init(path: String, header: TapeHeader, options: Options = Options()) throws(TapeError) {
        engine = try WriterEngine(path: path, header: header, options: options)
    }

    deinit {
        try? engine.close()
    }

    /// The error that stopped the writer (a failed disk write), if any. Every later call throws it;
    /// an owner that is not appending (an idle connection) polls this to notice in time.
    public var failed: TapeError? { engine.failed }

    /// Frames written so far (accepted by `append`; on disk after the next flush).
    public var frameCount: Int { engine.frameCount }

    /// Adds a frame. Times must not go backwards (the reader seeks by time); payloads are kept exactly.
    public func append(_ frame: Frame) throws(TapeError) { try engine.append(frame) }

    /// Seals the open block and returns once every block so far is written to the file.
    public func flush() throws(TapeError) { try engine.flush() }

    /// Writes what is left, then the block index, and closes the file. Calling it again does nothing.
    public func close() throws(TapeError) { try engine.close() }
}

/// What a `TapeWriter` does, with the state its threads share. The threads hold this, not the
/// `TapeWriter`, so that a writer nobody holds any more is deinitialised and can close.
final class WriterEngine: @unchecked Sendable {
    let path: String
    let header: TapeHeader
    private let options: TapeWriter.Options
    private let sink: FileSink
    private let deflater: RawDeflater
    private let condition = NSCondition()
    /// The writer's threads (each holds the engine while it runs, until `close()` ends it).
    private var threads: [Thread] = []

    // Guarded by `condition`.
    private var open = BlockBuilder()
    /// Sealed blocks in seal order, the next to write first; each compressed by whichever thread gets to it.
    private var pending: [PendingBlock] = []
    /// Callers of `flush()` waiting now: the writer thread compresses for them rather than wait.
    private var flushesWaiting = 0
    private var compressorRunning = false
    private var compressorStopping = false
    private var nextFrameNumber = 0
    private var lastTime: Int64 = 0
    private var blocksSealed = 0
    private var blocksWritten = 0
    private var closing = false
    private var finished = false
    private var failure: TapeError?

    // Only touched by the writer thread (and by `init`, before it starts).
    private var index: [BlockInfo] = []

    init(path: String, header: TapeHeader, options: TapeWriter.Options) throws(TapeError) {
        precondition(options.blockSize > 0 && options.maxPendingBlocks > 0, "writer options must be positive")
        self.path = path
        self.header = header
        self.options = options
        self.sink = try FileSink(path: path, overwrite: options.overwrite)
        self.deflater = RawDeflater(level: options.compressionLevel)
        let line = header.encodedLine()
        let member = line.withUnsafeBytes { MemberHeader(kind: .header).member(content: $0, deflater: deflater) }
        try sink.append(member)
        startThreads()
    }

    var failed: TapeError? {
        condition.withLock { failure }
    }

    var frameCount: Int {
        condition.withLock { nextFrameNumber }
    }

    func append(_ frame: Frame) throws(TapeError) {
        condition.lock()
        defer { condition.unlock() }
        try checkUsable()
        guard frame.time.nanoseconds >= lastTime else {
            throw TapeError(
                .invalidFrame, file: path,
                "frame \(nextFrameNumber) goes back in time (\(frame.time) after \(Timestamp(nanoseconds: lastTime)))",
                remedy: "append frames in time order; stamp them when they are received"
            )
        }
        guard frame.payload.count <= FrameRecord.maxPayloadLength else {
            throw TapeError(
                .invalidFrame, file: path,
                "frame \(nextFrameNumber) has a \(frame.payload.count)-byte payload, over the \(FrameRecord.maxPayloadLength)-byte limit",
                remedy: "split the message; no venue sends frames this large"
            )
        }
        if open.isEmpty {
            open.start(frameNumber: nextFrameNumber, time: frame.time.nanoseconds, openedAt: .now)
            condition.broadcast()  // the compressor now has a flush deadline to wait for
        }
        FrameRecord.append(frame, to: &open.content)
        open.add(time: frame.time.nanoseconds)
        nextFrameNumber += 1
        lastTime = frame.time.nanoseconds
        if open.content.count >= options.blockSize {
            try sealOpenBlock()
        }
    }

    func flush() throws(TapeError) {
        condition.lock()
        defer { condition.unlock() }
        try checkUsable()
        if !open.isEmpty { try sealOpenBlock() }
        let target = blocksSealed
        flushesWaiting += 1
        condition.broadcast()
        while blocksWritten < target && failure == nil {
            condition.wait()
        }
        flushesWaiting -= 1
        if let failure { throw failure }
    }

    func close() throws(TapeError) {
        condition.lock()
        if !closing {
            closing = true
            condition.broadcast()
        }
        while !finished {
            condition.wait()
        }
        let failure = self.failure
        condition.unlock()
        if let failure { throw failure }
    }

    // MARK: - Under the lock

    private func checkUsable() throws(TapeError) {
        if let failure { throw failure }
        if closing {
            throw TapeError(.writerClosed, file: path, "the tape writer is closed", remedy: "open a new writer")
        }
    }

    /// Moves the open block to the queue, waiting while the queue is full.
    private func sealOpenBlock() throws(TapeError) {
        while pending.count >= options.maxPendingBlocks && failure == nil {
            condition.wait()
        }
        if let failure { throw failure }
        moveOpenBlockToQueue()
    }

    private func moveOpenBlockToQueue() {
        pending.append(PendingBlock(number: blocksSealed, block: open, sealedAt: .now))
        open = BlockBuilder()
        blocksSealed += 1
        condition.broadcast()
    }

    // MARK: - The threads

    private func startThreads() {
        let writer = Thread { [unowned self] in self.runWriter() }
        writer.name = "tape-writer"
        threads = [writer]
        if options.compressInBackground {
            compressorRunning = true
            let compressor = Thread { [unowned self] in self.runBackgroundCompressor() }
            compressor.name = "tape-compressor"
            threads.append(compressor)
        }
        for thread in threads { thread.start() }
    }

    /// The writer thread: seals blocks on time, compresses what the background compressor has not
    /// got to in time, writes compressed blocks in order, and finishes the file.
    private func runWriter() {
        condition.lock()
        while failure == nil {
            let ready = takeCompressedBlocks()
            if !ready.isEmpty {
                condition.broadcast()  // room in the queue again
                condition.unlock()
                let result = writeBlocks(ready)
                condition.lock()
                blocksWritten += ready.count
                if case .failure(let error) = result, failure == nil { failure = error }
                condition.broadcast()
                continue
            }
            let now = ContinuousClock.now
            if let target = blockToCompressHere(now: now) {
                pending[target].taken = true
                let number = pending[target].number, block = pending[target].block
                condition.unlock()
                let member = compress(block, with: deflater)
                condition.lock()
                store(member, forBlock: number)
                continue
            }
            if closing {
                guard open.isEmpty else { moveOpenBlockToQueue(); continue }
                if pending.isEmpty { break }
            }
            if !open.isEmpty && now >= open.openedAt + sealAge {
                moveOpenBlockToQueue()
                continue
            }
            waitForWork(until: nextDeadline())
        }
        compressorStopping = true
        condition.broadcast()
        while compressorRunning { condition.wait() }
        condition.unlock()
        let ending = failure == nil ? finishFile() : abandonFile()
        condition.lock()
        if case .failure(let error) = ending, failure == nil { failure = error }
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    /// The background compressor: takes the oldest block nobody has taken, in the lowest
    /// scheduling class, until the writer thread stops it.
    private func runBackgroundCompressor() {
        lowerThisThreadToIdlePriority()
        let deflater = RawDeflater(level: options.compressionLevel)
        condition.lock()
        while !compressorStopping {
            guard let target = pending.firstIndex(where: { $0.member == nil && !$0.taken }) else {
                condition.wait()
                continue
            }
            pending[target].taken = true
            let number = pending[target].number, block = pending[target].block
            condition.unlock()
            options.beforeBackgroundCompression?()
            let member = compress(block, with: deflater)
            condition.lock()
            store(member, forBlock: number)
        }
        compressorRunning = false
        condition.broadcast()
        condition.unlock()
    }

    /// The compressed blocks at the head of the queue, removed from it: the next ones to write.
    private func takeCompressedBlocks() -> [PendingBlock] {
        let count = pending.prefix { $0.member != nil }.count
        guard count > 0 else { return [] }
        defer { pending.removeFirst(count) }
        return Array(pending.prefix(count))
    }

    /// The block the writer thread should compress now, if any: when somebody waits (a flush, the
    /// close, an appender held by a half-full queue) or the oldest uncompressed block has waited
    /// its grace. A block nobody has taken comes first; otherwise the writer thread does the
    /// oldest again (its compressor may have no core), and the first copy done is kept.
    private func blockToCompressHere(now: ContinuousClock.Instant) -> Int? {
        guard let oldest = pending.firstIndex(where: { $0.member == nil }) else { return nil }
        let urgent = !options.compressInBackground || flushesWaiting > 0 || closing
            || pending.count * 2 >= options.maxPendingBlocks
        let overdue = now >= pending[oldest].sealedAt + grace
        guard urgent || overdue else { return nil }
        return pending[oldest...].firstIndex(where: { $0.member == nil && !$0.taken }) ?? oldest
    }

    private func store(_ member: [UInt8], forBlock number: Int) {
        guard let slot = pending.firstIndex(where: { $0.number == number }), pending[slot].member == nil else { return }
        pending[slot].member = member
        condition.broadcast()
    }

    private func compress(_ block: BlockBuilder, with deflater: RawDeflater) -> [UInt8] {
        let header = MemberHeader(
            kind: .frames, count: UInt32(block.frameCount), first: UInt64(block.firstFrame),
            firstTime: block.firstTime, lastTime: block.lastTime
        )
        return block.content.withUnsafeBytes { header.member(content: $0, deflater: deflater) }
    }

    /// How long a sealed block waits for the background compressor before the writer thread
    /// compresses it: the grace asked for, but at most a quarter of the flush interval.
    private var grace: Duration {
        options.compressInBackground ? min(options.backgroundCompressionGrace, options.flushInterval / 4) : .zero
    }

    /// How long a block stays open at most: the flush interval less the grace, so that it is
    /// compressed and on disk within the flush interval whoever compresses it.
    private var sealAge: Duration { options.flushInterval - grace }

    /// The next time the writer thread has something to do unprompted: sealing the open block,
    /// or the end of the grace of the oldest block still uncompressed.
    private func nextDeadline() -> ContinuousClock.Instant? {
        let seal = open.isEmpty ? nil : open.openedAt + sealAge
        let rescue = pending.first(where: { $0.member == nil }).map { $0.sealedAt + grace }
        switch (seal, rescue) {
        case let (seal?, rescue?): return min(seal, rescue)
        case let (deadline?, nil), let (nil, deadline?): return deadline
        case (nil, nil): return nil
        }
    }

    private func waitForWork(until deadline: ContinuousClock.Instant?) {
        guard let deadline else {
            condition.wait()
            return
        }
        let remaining = ContinuousClock.now.duration(to: deadline)
        if remaining > .zero {
            _ = condition.wait(until: Date(timeIntervalSinceNow: remaining.secondsDouble))
        }
    }

    private func writeBlocks(_ blocks: [PendingBlock]) -> Result<Void, TapeError> {
        for queued in blocks {
            let offset = sink.length
            let member = queued.member!
            do throws(TapeError) {
                try sink.append(member)
            } catch {
                return .failure(error)
            }
            let block = queued.block
            let info = BlockInfo(
                offset: offset, length: member.count, firstFrame: block.firstFrame,
                frameCount: block.frameCount, firstTime: block.firstTime, lastTime: block.lastTime
            )
            index.append(info)
            options.onBlockWritten?(info)
        }
        return .success(())
    }

    /// Appends the index and the footer that points at it, then closes the file.
    private func finishFile() -> Result<Void, TapeError> {
        let indexOffset = sink.length
        let indexHeader = MemberHeader(kind: .index, count: UInt32(index.count), comment: BlockIndex.encode(index))
        let footerHeader = MemberHeader(kind: .footer, first: UInt64(indexOffset))
        let empty = UnsafeRawBufferPointer(start: nil, count: 0)
        let index = indexHeader.member(content: empty, deflater: deflater)
        let footer = footerHeader.member(content: empty, deflater: deflater)
        return Result { () throws(TapeError) in
            try sink.append(index)
            try sink.append(footer)
            try sink.finish()
        }
    }

    /// After a failed write: keep every whole block on disk (readable by scanning) and close.
    private func abandonFile() -> Result<Void, TapeError> {
        Result { () throws(TapeError) in try sink.finish() }
    }
}

/// A sealed block on its way to the file.
private struct PendingBlock {
    /// Its place in seal order (and in the file).
    let number: Int
    let block: BlockBuilder
    let sealedAt: ContinuousClock.Instant
    /// The compressed gzip member, once a thread has made it.
    var member: [UInt8]?
    /// A thread is compressing it.
    var taken = false
}

/// A block being filled: its framed records and what the index will say about it.
private struct BlockBuilder {
    var content: [UInt8] = []
    var firstFrame = 0
    var frameCount = 0
    var firstTime: Int64 = 0
    var lastTime: Int64 = 0
    var openedAt = ContinuousClock.Instant.now

    var isEmpty: Bool { frameCount == 0 }

    mutating func start(frameNumber: Int, time: Int64, openedAt: ContinuousClock.Instant) {
        firstFrame = frameNumber
        firstTime = time
        self.openedAt = openedAt
    }

    mutating func add(time: Int64) {
        frameCount += 1
        lastTime = time
    }
}

/// Puts the calling thread in the lowest scheduling class: it runs only on a core no other
/// thread wants, and yields it at once when one does (SCHED_IDLE; elsewhere it stays as it is).
private func lowerThisThreadToIdlePriority() {
    #if os(Linux)
    var parameters = sched_param()
    parameters.sched_priority = 0
    let schedIdle: Int32 = 5  // SCHED_IDLE in <linux/sched.h>; Glibc does not export the name to Swift
    _ = pthread_setschedparam(pthread_self(), schedIdle, &parameters)
    #endif
}

extension Duration {
    var secondsDouble: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
