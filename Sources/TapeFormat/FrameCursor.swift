import TapeCore

/// Reads frames in order from a starting point, decoding blocks ahead on other cores when asked.
/// A damaged block ends the read with its error, or is skipped and listed.
public struct FrameCursor {
    public struct Options: Sendable {
        /// Threads that decode blocks ahead of the reader; 0: each block decodes on the reading
        /// thread as it is reached.
        public var readAheadThreads = 0
        /// Skip damaged blocks (listing them in `skipped`) instead of throwing.
        public var skipDamaged = false

        public init(readAheadThreads: Int = 0, skipDamaged: Bool = false) {
            self.readAheadThreads = max(0, readAheadThreads)
            self.skipDamaged = skipDamaged
        }

        /// `parallelism` threads decoding ahead (1: none), for a reader that does little with each
        /// frame and would only wait for one.
        public init(parallelism: Int, skipDamaged: Bool = false) {
            self.init(readAheadThreads: parallelism > 1 ? parallelism : 0, skipDamaged: skipDamaged)
        }
    }

    enum Start {
        case frame(Int)
        case time(Timestamp)
    }

    private let reader: TapeReader
    private let options: Options
    private var nextBlock: Int
    private var start: Start?
    /// With parallelism, the blocks after this one decode on other threads while it is read.
    private var prefetcher: BlockPrefetcher?
    private var block: DecodedBlock?
    private var position = 0
    private var frameNumber = 0
    /// Damaged blocks passed over (only with `skipDamaged`).
    public private(set) var skipped: [TapeError] = []

    init(reader: TapeReader, block: Int, skippingTo start: Start, options: Options) {
        self.reader = reader
        self.options = options
        self.nextBlock = block
        self.start = start
    }

    /// The next frame, or nil at the end of the tape.
    public mutating func next() throws(TapeError) -> RecordedFrame? {
        while position == (block?.count ?? 0) {
            guard try loadNextBlock() else { return nil }
        }
        let frame = RecordedFrame(number: frameNumber, frame: block!.frame(at: position))
        position += 1
        frameNumber += 1
        return frame
    }

    /// Hands the next frame to `body` as a view (no copy); false at the end of the tape.
    public mutating func nextView(_ body: (FrameView) throws -> Void) throws -> Bool {
        while position == (block?.count ?? 0) {
            guard try loadNextBlock() else { return false }
        }
        try block!.withView(at: position, body)
        position += 1
        frameNumber += 1
        return true
    }

    /// Moves to the next readable block; false at the end.
    private mutating func loadNextBlock() throws(TapeError) -> Bool {
        while nextBlock < reader.blocks.count {
            let result = decoded(nextBlock)
            nextBlock += 1
            switch result {
            case .success(let decoded):
                block = decoded
                position = skipCount(in: decoded)
                frameNumber = decoded.firstFrame + position
                start = nil
                return true
            case .failure(let error):
                guard options.skipDamaged else { throw error }
                skipped.append(error)
            }
        }
        block = nil
        position = 0
        return false
    }

    /// Block `index`, decoded here or, with parallelism, by the read-ahead threads.
    private mutating func decoded(_ index: Int) -> Result<DecodedBlock, TapeError> {
        guard options.readAheadThreads > 0 else {
            return Result { () throws(TapeError) in try reader.decodedBlock(index) }
        }
        // A copy of this cursor shares the read-ahead; whichever copy falls behind starts its own.
        if let result = prefetcher?.take(index) { return result }
        let started = BlockPrefetcher(reader: reader, blocks: index..<reader.blocks.count,
                                      threads: options.readAheadThreads, window: 2 * options.readAheadThreads + 2)
        prefetcher = started
        return started.take(index)!
    }

    /// How many frames at the front of the first block come before the requested start.
    private func skipCount(in block: DecodedBlock) -> Int {
        switch start {
        case .none: 0
        case .frame(let number): max(0, min(block.count, number - block.firstFrame))
        case .time(let time): block.spans.firstIndex(where: { $0.time >= time.nanoseconds }) ?? block.count
        }
    }
}
