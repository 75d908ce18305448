/// Order id → where the order rests, for ids the exchange hands out in increasing order.
///
/// Recent ids live in a window array indexed by `id − base` (a load, no hashing); when the window
/// reaches `windowLimit` entries, the live entries of its older half move to a dictionary and the
/// window slides. Memory stays bounded by the window plus the long-lived orders, and the hot
/// path (orders that live briefly) never hashes. The dictionary is only looked up, never iterated.
struct OrderIndex {
    private static let none = Exchange.Location(instrument: -1, slot: -1)
    private let windowLimit: Int
    private var base: UInt64 = 0
    private var window: [Exchange.Location] = []
    private var overflow: [UInt64: Exchange.Location] = [:]
    /// How many orders are indexed.
    private(set) var count = 0

    init(windowLimit: Int = 1 << 18) {
        precondition(windowLimit >= 2, "OrderIndex window must hold at least two ids")
        self.windowLimit = windowLimit
        window.reserveCapacity(windowLimit)
    }

    subscript(id: UInt64) -> Exchange.Location? {
        get {
            if id >= base {
                let index = Int(id - base)
                guard index < window.count else { return nil }
                let location = window[index]
                return location.slot < 0 ? nil : location
            }
            return overflow[id]
        }
        set {
            if id >= base {
                let index = Int(id - base)
                while window.count <= index { window.append(Self.none) }
                if window[index].slot >= 0 { count -= 1 }
                window[index] = newValue ?? Self.none
                if newValue != nil { count += 1 }
                if window.count >= windowLimit { slide() }
            } else {
                if overflow[id] != nil { count -= 1 }
                overflow[id] = newValue
                if newValue != nil { count += 1 }
            }
        }
    }

    /// Moves the live entries of the older half of the window to the dictionary.
    private mutating func slide() {
        let half = window.count / 2
        for index in 0..<half where window[index].slot >= 0 {
            overflow[base + UInt64(index)] = window[index]
        }
        window.removeFirst(half)
        base += UInt64(half)
    }
}
