import Foundation
import TapeCore

/// Writes a tape: frames go into blocks, blocks are compressed and written on a background thread.
///
/// `append` only frames the record into the open block (a memory copy) under a lock; compressing
/// and writing happen on the writer's own thread, fed by a bounded queue of sealed blocks. When the
/// queue is full, `append` waits: back-pressure, never a silent drop. A block is sealed when it
/// reaches `blockSize`, when it has been open for `flushInterval`, and on `flush()` / `close()`, so a
/// killed process loses at most one flush interval of frames.
public final class TapeWriter: @unchecked Sendable {
    public struct Options: Sendable {
        /// Uncompressed bytes at which a block is sealed. Larger blocks compress a little better;
        /// smaller ones seek and recover at a finer grain.
        public var blockSize = 1 << 20
        /// Longest time a frame waits in an open block before it is compressed and written.
        public var flushInterval: Duration = .seconds(1)
        /// zlib level, 1 (fast) to 9 (small); 6 matches `gzip -6`.
        public var compressionLevel: Int32 = 6
        /// Sealed blocks that may wait for the compressor before `append` blocks its caller.
        public var maxPendingBlocks = 8
        /// Replace an existing file at the path (off by default: tapes are never overwritten).
        public var overwrite = false
        /// Called on the writer thread after each block is on disk (status lines, tests).
        public var onBlockWritten: (@Sendable (BlockInfo) -> Void)?

        public init() {}
    }

    public let path: String
    public let header: TapeHeader
    private let options: Options
    private let sink: FileSink
    private let deflater: RawDeflater
    private let condition = NSCondition()
    private var thread: Thread?

    // Guarded by `condition`.
    private var open = BlockBuilder()
    private var sealed: [BlockBuilder] = []
    private var nextFrameNumber = 0
    private var lastTime: Int64 = 0
    private var blocksSealed = 0
    private var blocksWritten = 0
    private var closing = false
    private var finished = false
    private var failure: TapeError?

    // Only touched by the writer thread (and by `init`, before it starts).
    private var index: [BlockInfo] = []

    /// Creates the file and writes the header member before returning, so an unwritable path fails here.
    public init(path: String, header: TapeHeader, options: Options = Options()) throws(TapeError) {
        precondition(options.blockSize > 0 && options.maxPendingBlocks > 0, "writer options must be positive")
        self.path = path
        self.header = header
        self.options = options
        self.sink = try FileSink(path: path, overwrite: options.overwrite)
        self.deflater = RawDeflater(level: options.compressionLevel)
        let line = header.encodedLine()
        let member = line.withUnsafeBytes { MemberHeader(kind: .header).member(content: $0, deflater: deflater) }
        try sink.append(member)
        let thread = Thread { [unowned self] in self.runCompressor() }
        thread.name = "tape-writer"
        self.thread = thread
        thread.start()
    }

    /// The error that stopped the writer (a failed disk write), if any. Every later call throws it;
    /// an owner that is not appending (an idle connection) polls this to notice in time.
    public var failed: TapeError? {
        condition.withLock { failure }
    }

    /// Frames written so far (accepted by `append`; on disk after the next flush).
    public var frameCount: Int {
        condition.withLock { nextFrameNumber }
    }

    /// Adds a frame. Times must not go backwards (the reader seeks by time); payloads are kept exactly.
    public func append(_ frame: Frame) throws(TapeError) {
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

    /// Seals the open block and returns once every block so far is written to the file.
    public func flush() throws(TapeError) {
        condition.lock()
        defer { condition.unlock() }
        try checkUsable()
        if !open.isEmpty { try sealOpenBlock() }
        let target = blocksSealed
        while blocksWritten < target && failure == nil {
            condition.wait()
        }
        if let failure { throw failure }
    }

    /// Writes what is left, then the block index, and closes the file. Calling it again does nothing.
    public func close() throws(TapeError) {
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

    deinit {
        if !finished { try? close() }
    }

    // MARK: - Under the lock

    private func checkUsable() throws(TapeError) {
        if let failure { throw failure }
        if closing {
            throw TapeError(.writerClosed, file: path, "the tape writer is closed", remedy: "open a new writer")
        }
    }

    /// Moves the open block to the compressor's queue, waiting while the queue is full.
    private func sealOpenBlock() throws(TapeError) {
        while sealed.count >= options.maxPendingBlocks && failure == nil {
            condition.wait()
        }
        if let failure { throw failure }
        sealed.append(open)
        open = BlockBuilder()
        blocksSealed += 1
        condition.broadcast()
    }

    // MARK: - The writer thread

    private func runCompressor() {
        condition.lock()
        while true {
            if !sealed.isEmpty {
                let batch = sealed
                sealed.removeAll(keepingCapacity: true)
                condition.broadcast()  // room in the queue again
                condition.unlock()
                let result = writeBlocks(batch)
                condition.lock()
                blocksWritten += batch.count
                if case .failure(let error) = result, failure == nil { failure = error }
                condition.broadcast()
                continue
            }
            if closing || failure != nil {
                if !open.isEmpty && failure == nil {
                    sealed.append(open)
                    open = BlockBuilder()
                    blocksSealed += 1
                    continue
                }
                break
            }
            if open.isEmpty {
                condition.wait()
            } else {
                let deadline = open.openedAt + options.flushInterval
                if ContinuousClock.now >= deadline {
                    sealed.append(open)
                    open = BlockBuilder()
                    blocksSealed += 1
                } else {
                    let remaining = ContinuousClock.now.duration(to: deadline)
                    _ = condition.wait(until: Date(timeIntervalSinceNow: remaining.secondsDouble))
                }
            }
        }
        condition.unlock()
        let ending = failure == nil ? finishFile() : abandonFile()
        condition.lock()
        if case .failure(let error) = ending, failure == nil { failure = error }
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    private func writeBlocks(_ blocks: [BlockBuilder]) -> Result<Void, TapeError> {
        for block in blocks {
            let offset = sink.length
            let header = MemberHeader(
                kind: .frames, count: UInt32(block.frameCount), first: UInt64(block.firstFrame),
                firstTime: block.firstTime, lastTime: block.lastTime
            )
            let member = block.content.withUnsafeBytes { header.member(content: $0, deflater: deflater) }
            do throws(TapeError) {
                try sink.append(member)
            } catch {
                return .failure(error)
            }
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

extension Duration {
    var secondsDouble: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
