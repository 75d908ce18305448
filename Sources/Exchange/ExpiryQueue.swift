/// A binary min-heap of (expiry, order id): the next order to expire is on top, ties by order id.
///
/// Cancelled and filled orders are not removed; the exchange skips entries whose order is gone.
struct ExpiryQueue {
    struct Entry: Comparable {
        var expiry: Int64
        var order: UInt64
        static func < (lhs: Entry, rhs: Entry) -> Bool {
            (lhs.expiry, lhs.order) < (rhs.expiry, rhs.order)
        }
    }

    private var heap: [Entry] = []

    var isEmpty: Bool { heap.isEmpty }
    var next: Entry? { heap.first }

    mutating func push(_ entry: Entry) {
        heap.append(entry)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            if heap[child] < heap[parent] {
                heap.swapAt(child, parent)
                child = parent
            } else {
                break
            }
        }
    }

    mutating func pop() -> Entry? {
        guard !heap.isEmpty else { return nil }
        heap.swapAt(0, heap.count - 1)
        let top = heap.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < heap.count && heap[left] < heap[smallest] { smallest = left }
            if right < heap.count && heap[right] < heap[smallest] { smallest = right }
            if smallest == parent { break }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
        return top
    }
}
