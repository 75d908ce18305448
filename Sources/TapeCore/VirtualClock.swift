/// Replay time: it moves only when the driver moves it, in explicit synchronous steps, to the next
/// frame's time or the next due timer, whichever is earlier. It never goes backwards.
///
/// Tie order (documented in docs/DETERMINISM.md): at one instant, frames go first, in frame-number
/// order; then timers, in the order they were scheduled. A replay loop therefore reads
///
///     while let timer = clock.popTimer(dueBefore: frame.time) { client.timerFired(timer, at: clock.now) }
///     clock.advance(to: frame.time)
///     client.receivedFrame(frame, at: clock.now)
///
/// and, at the end of the tape, `popTimer(dueAtOrBefore:)` up to wherever the replay should stop.
public struct VirtualClock: Sendable {
    /// A timer as the clock hands it back when it fires.
    public struct Timer: Hashable, Sendable {
        public let id: TimerID
        public let due: Timestamp
        /// What the timer is for, as its owner named it (e.g. "ping", "pulse:positions").
        public let name: String
    }

    /// Identifies a scheduled timer; ids grow in scheduling order, which breaks ties.
    public struct TimerID: Hashable, Comparable, Sendable {
        public let rawValue: UInt64
        public static func < (lhs: TimerID, rhs: TimerID) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    public private(set) var now: Timestamp
    private var heap = TimerHeap()
    private var cancelled: Set<TimerID> = []
    private var nextID: UInt64 = 0

    public init(start: Timestamp = .zero) {
        now = start
    }

    /// Timers scheduled and neither fired nor cancelled.
    public var pendingCount: Int { heap.count - cancelled.count }

    /// Schedules a timer. A due time in the past fires at the next step, at the current time.
    @discardableResult
    public mutating func schedule(_ name: String, at due: Timestamp) -> TimerID {
        let id = TimerID(rawValue: nextID)
        nextID += 1
        heap.push(Timer(id: id, due: max(due, now), name: name))
        return id
    }

    /// Cancels a pending timer; cancelling a fired or unknown timer does nothing.
    public mutating func cancel(_ id: TimerID) {
        guard id.rawValue < nextID, heap.contains(id) else { return }
        cancelled.insert(id)
    }

    /// Moves time forward to `time`. Moving it backwards is a programming error.
    public mutating func advance(to time: Timestamp) {
        precondition(time >= now, "virtual time cannot go backwards: from \(now) to \(time)")
        now = time
    }

    /// Pops the earliest timer due strictly before `limit` (frames at `limit` go first), moving
    /// time to its due time; nil when there is none.
    public mutating func popTimer(dueBefore limit: Timestamp) -> Timer? {
        popTimer { $0 < limit }
    }

    /// Pops the earliest timer due at or before `limit`, moving time to its due time.
    public mutating func popTimer(dueAtOrBefore limit: Timestamp) -> Timer? {
        popTimer { $0 <= limit }
    }

    /// The due time of the next pending timer.
    public mutating func nextDue() -> Timestamp? {
        dropCancelled()
        return heap.first?.due
    }

    private mutating func popTimer(where isDue: (Timestamp) -> Bool) -> Timer? {
        dropCancelled()
        guard let first = heap.first, isDue(first.due) else { return nil }
        let timer = heap.pop()!
        advance(to: timer.due)
        return timer
    }

    private mutating func dropCancelled() {
        while let first = heap.first, cancelled.contains(first.id) {
            cancelled.remove(first.id)
            _ = heap.pop()
        }
    }
}

/// A binary min-heap of timers ordered by (due time, id): deterministic, O(log n) per operation.
private struct TimerHeap: Sendable {
    private var items: [VirtualClock.Timer] = []

    var count: Int { items.count }
    var first: VirtualClock.Timer? { items.first }

    func contains(_ id: VirtualClock.TimerID) -> Bool { items.contains { $0.id == id } }

    mutating func push(_ timer: VirtualClock.Timer) {
        items.append(timer)
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard Self.precedes(items[child], items[parent]) else { break }
            items.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> VirtualClock.Timer? {
        guard !items.isEmpty else { return nil }
        items.swapAt(0, items.count - 1)
        let top = items.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < items.count && Self.precedes(items[left], items[smallest]) { smallest = left }
            if right < items.count && Self.precedes(items[right], items[smallest]) { smallest = right }
            if smallest == parent { break }
            items.swapAt(parent, smallest)
            parent = smallest
        }
        return top
    }

    private static func precedes(_ a: VirtualClock.Timer, _ b: VirtualClock.Timer) -> Bool {
        (a.due, a.id.rawValue) < (b.due, b.id.rawValue)
    }
}
