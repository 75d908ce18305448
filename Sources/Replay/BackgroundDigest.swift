import Foundation

/// A `ReplayDigest` computed on a thread of its own, in event order, while the replay goes on.
///
/// Encoding every event as canonical JSON and hashing it costs more than the replay itself, and
/// it needs nothing from the replay but the events: so they are handed over in batches, and the
/// digest is the same as computed inline (tested). A bounded queue keeps memory flat: when the
/// digest falls behind, `add` waits.
final class BackgroundDigest: @unchecked Sendable {
    /// Events handed over at a time: large enough that handing over costs nothing per event.
    static let batchSize = 1_024
    /// Batches that may wait for the digest thread before `add` waits.
    static let maxQueuedBatches = 8

    private var batch: [ReplayEvent] = []
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var queued: [[ReplayEvent]] = []
    private var ending = false
    private var done = false
    /// The digest thread's own until it sets `done`; `finish` reads it after.
    private var digest = ReplayDigest()

    init() {
        batch.reserveCapacity(Self.batchSize)
        let thread = Thread { [self] in digestUntilEnded() }
        thread.name = "replay-digest"
        thread.start()
    }

    /// Adds the next event (on the replay's thread).
    func add(_ event: ReplayEvent) {
        batch.append(event)
        if batch.count == Self.batchSize { handOver() }
    }

    /// Waits for every event to be hashed, then returns the digest over them and `state`.
    func finish(state: ReplayState) -> String {
        handOver()
        let digest = condition.withLock {
            ending = true
            condition.broadcast()
            while !done { condition.wait() }
            return self.digest
        }
        return digest.finish(state: state)
    }

    private func handOver() {
        guard !batch.isEmpty else { return }
        condition.withLock {
            while queued.count >= Self.maxQueuedBatches { condition.wait() }
            queued.append(batch)
            condition.broadcast()
        }
        batch = []
        batch.reserveCapacity(Self.batchSize)
    }

    private func digestUntilEnded() {
        condition.lock()
        while true {
            if let next = queued.first {
                queued.removeFirst()
                condition.broadcast()  // room in the queue again
                condition.unlock()
                for event in next { digest.add(event: event) }
                condition.lock()
                continue
            }
            if ending { break }
            condition.wait()
        }
        done = true
        condition.broadcast()
        condition.unlock()
    }
}
