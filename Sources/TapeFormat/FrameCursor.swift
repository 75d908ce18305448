import TapeCore

/// Reads frames in order from a starting point, decoding blocks ahead in batches (on several cores
/// when asked). A damaged block ends the read with its error, or is skipped and listed.
public struct FrameCursor {
    public struct Options: Sendable {
        /// Threads that decode blocks ahead of the reader.
        public var parallelism = 1
        /// Skip damaged blocks (listing them in `skipped`) instead of throwing.
        public var skipDamaged = false

        public init() {}
    }

    enum Start {
        case frame(Int)
        case time(Timestamp)
    }

    private let reader: TapeReader
    private let options: Options
    private var nextBlock: Int
    private var start: Start?
    private var ready: [Result<[Frame], TapeError>] = []
    private var readyBlock = 0
    private var frames: [Frame] = []
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
        while position == frames.count {
            guard try loadNextBlock() else { return nil }
        }
        let frame = RecordedFrame(number: frameNumber, frame: frames[position])
        position += 1
        frameNumber += 1
        return frame
    }

    /// Moves to the next readable block; false at the end.
    private mutating func loadNextBlock() throws(TapeError) -> Bool {
        while nextBlock < reader.blocks.count {
            if readyBlock == ready.count {
                let batch = max(1, options.parallelism) * 2
                let range = nextBlock..<min(nextBlock + batch, reader.blocks.count)
                ready = reader.decodeBlocks(range, parallelism: options.parallelism)
                readyBlock = 0
            }
            let block = nextBlock
            let result = ready[readyBlock]
            ready[readyBlock] = .success([])  // release the frames as soon as they are handed over
            readyBlock += 1
            nextBlock += 1
            switch result {
            case .success(let decoded):
                frames = decoded
                frameNumber = reader.blocks[block].firstFrame
                position = skipCount(in: decoded, firstFrame: frameNumber)
                frameNumber += position
                start = nil
                return true
            case .failure(let error):
                guard options.skipDamaged else { throw error }
                skipped.append(error)
            }
        }
        frames = []
        position = 0
        return false
    }

    /// How many frames at the front of the first block come before the requested start.
    private func skipCount(in frames: [Frame], firstFrame: Int) -> Int {
        switch start {
        case .none: 0
        case .frame(let number): max(0, min(frames.count, number - firstFrame))
        case .time(let time): frames.firstIndex(where: { $0.time >= time }) ?? frames.count
        }
    }
}
