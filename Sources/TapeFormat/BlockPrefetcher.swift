import Foundation

/// Decodes the blocks of a range ahead of a reader, on `threads` threads of its own, and hands
/// them over in block order.
///
/// Each thread takes the next block not yet taken, as long as fewer than `window` blocks wait for
/// the reader; so the cores stay busy while the reader works, with no barrier between batches
/// (decoding in batches left a core idle at the end of every batch while the slowest block of it
/// finished). The threads stop when the range is done or the prefetcher is released.
final class BlockPrefetcher {
    private let state: State

    init(reader: TapeReader, blocks: Range<Int>, threads: Int, window: Int) {
        state = State(reader: reader, blocks: blocks, window: max(window, threads))
        for number in 0..<max(1, threads) {
            let thread = Thread { [state] in state.decodeUntilDone() }
            thread.name = "tapedeck.decode.\(number)"
            thread.start()
        }
    }

    deinit {
        state.stop()
    }

    /// Block `index`, waiting for it to be decoded; nil unless it is the next block this
    /// prefetcher hands over.
    func take(_ index: Int) -> Result<DecodedBlock, TapeError>? {
        state.take(index)
    }

    /// What the decoding threads share with the reader, under one lock.
    private final class State: @unchecked Sendable {
        let reader: TapeReader
        let blocks: Range<Int>
        let window: Int
        private let condition = NSCondition()
        /// Decoded blocks waiting for the reader, by block index modulo `window`.
        private var slots: [Result<DecodedBlock, TapeError>?]
        /// The next block a decoding thread will take.
        private var nextToDecode: Int
        /// The next block the reader will take.
        private var nextToHand: Int
        private var stopped = false

        init(reader: TapeReader, blocks: Range<Int>, window: Int) {
            self.reader = reader
            self.blocks = blocks
            self.window = window
            slots = Array(repeating: nil, count: window)
            nextToDecode = blocks.lowerBound
            nextToHand = blocks.lowerBound
        }

        func decodeUntilDone() {
            while let index = claim() {
                let result = Result { () throws(TapeError) in try reader.decodedBlock(index) }
                condition.withLock {
                    slots[index % window] = result
                    condition.broadcast()
                }
            }
        }

        /// The next block to decode, waiting while the window is full; nil when there is no more.
        private func claim() -> Int? {
            condition.withLock {
                while !stopped && nextToDecode < blocks.upperBound && nextToDecode - nextToHand >= window {
                    condition.wait()
                }
                guard !stopped && nextToDecode < blocks.upperBound else { return nil }
                defer { nextToDecode += 1 }
                return nextToDecode
            }
        }

        func take(_ index: Int) -> Result<DecodedBlock, TapeError>? {
            condition.withLock {
                guard index == nextToHand, index < blocks.upperBound else { return nil }
                let slot = nextToHand % window
                while slots[slot] == nil { condition.wait() }
                defer {
                    slots[slot] = nil
                    nextToHand += 1
                    condition.broadcast()
                }
                return slots[slot]
            }
        }

        func stop() {
            condition.withLock {
                stopped = true
                slots = Array(repeating: nil, count: window)
                condition.broadcast()
            }
        }
    }
}
