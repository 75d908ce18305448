import Dispatch
import TapeCore

/// Reads frames in order from a starting point, decoding blocks ahead in batches (on several cores
/// when asked). A damaged block ends the read with its error, or is skipped and listed.
public struct FrameCursor {
    public struct Options: Sendable {
        /// Threads that decode blocks ahead of the reader.
        public var parallelism = 1
        /// Skip damaged blocks (listing them in `skipped`) instead of throwing.
        public var skipDamaged = false

        public init(parallelism: Int = 1, skipDamaged: Bool = false) {
            self.parallelism = parallelism
            self.skipDamaged = skipDamaged
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
    private var ready: [Result<DecodedBlock, TapeError>] = []
    /// With parallelism, the next batch decodes in the background while this one is read.
    private var pending: PendingBatch?
    private var readyBlock = 0
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
            if readyBlock == ready.count {
                ready = takeBatch(startingAt: nextBlock)
                readyBlock = 0
            }
            let result = ready[readyBlock]
            ready[readyBlock] = .failure(Self.handedOver)  // release the block once it is handed over
            readyBlock += 1
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

    /// The decoded batch that starts at `block`: the one decoded ahead if there is one, else decoded now.
    /// With parallelism, the batch after it starts decoding before this returns.
    private mutating func takeBatch(startingAt block: Int) -> [Result<DecodedBlock, TapeError>] {
        let batchSize = max(1, options.parallelism) * 2
        let batch: [Result<DecodedBlock, TapeError>]
        if let pending, pending.range.lowerBound == block {
            batch = pending.wait()
        } else {
            batch = reader.decodeBlocks(block..<min(block + batchSize, reader.blocks.count), parallelism: options.parallelism)
        }
        pending = nil
        let next = block + batch.count
        if options.parallelism > 1 && next < reader.blocks.count {
            pending = PendingBatch(reader: reader, range: next..<min(next + batchSize, reader.blocks.count), parallelism: options.parallelism)
        }
        return batch
    }

    private static let handedOver = TapeError(.outOfRange, file: "", "block already handed over", remedy: "")

    /// How many frames at the front of the first block come before the requested start.
    private func skipCount(in block: DecodedBlock) -> Int {
        switch start {
        case .none: 0
        case .frame(let number): max(0, min(block.count, number - block.firstFrame))
        case .time(let time): block.spans.firstIndex(where: { $0.time >= time.nanoseconds }) ?? block.count
        }
    }
}

/// A batch of blocks decoding on other threads; `wait` returns it once done.
private final class PendingBatch: @unchecked Sendable {
    let range: Range<Int>
    private let group = DispatchGroup()
    // Written once on the decoding thread before `leave`, read only after `wait`.
    private var results: [Result<DecodedBlock, TapeError>] = []

    init(reader: TapeReader, range: Range<Int>, parallelism: Int) {
        self.range = range
        group.enter()
        DispatchQueue.global().async { [self] in
            results = reader.decodeBlocks(range, parallelism: parallelism)
            group.leave()
        }
    }

    func wait() -> [Result<DecodedBlock, TapeError>] {
        group.wait()
        return results
    }
}
