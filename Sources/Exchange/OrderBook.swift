/// One instrument's resting orders in price-time priority, without accounts or money.
///
/// Orders live in one pool array (slots reused through a free list) and each price level is a
/// FIFO linked through slot indices, so adding, cancelling and filling allocate nothing once the
/// pool has grown. Levels are kept sorted worst-to-best per side, so the best level is `last`:
/// the levels that change most sit at the end of the array, where insertion and removal are cheap.
struct OrderBook {
    /// A resting order in the pool.
    struct Slot {
        var id: UInt64
        var account: UInt32
        var side: Side
        var price: Int64
        var remaining: Int64
        var filled: Int64
        /// Order margin reserved for this order's remainder (cash minor units).
        var reserved: Int64
        var expiry: Int64
        var timeInForce: TimeInForce
        var clientTag: UInt64
        var reduceOnly: Bool
        var previous: Int32
        var next: Int32
        var live: Bool
    }

    /// All resting orders at one price, oldest first.
    struct Level {
        var price: Int64
        var quantity: Int64
        var count: Int32
        var head: Int32
        var tail: Int32
    }

    private(set) var slots: [Slot] = []
    private var free: [Int32] = []
    /// Bids ascending (best last).
    private(set) var bids: [Level] = []
    /// Asks descending (best last).
    private(set) var asks: [Level] = []

    init() {
        slots.reserveCapacity(1_024)
        bids.reserveCapacity(256)
        asks.reserveCapacity(256)
    }

    var bestBid: Int64? { bids.last?.price }
    var bestAsk: Int64? { asks.last?.price }

    @inline(__always)
    func levels(_ side: Side) -> [Level] {
        switch side {
        case .buy: return bids
        case .sell: return asks
        }
    }

    /// The index of the best level on `side`, or nil when that side is empty.
    @inline(__always)
    func bestLevel(_ side: Side) -> Level? {
        switch side {
        case .buy: return bids.last
        case .sell: return asks.last
        }
    }

    /// Where `price` is or would be inserted: (index, found). Bids ascending, asks descending.
    @inline(__always)
    private static func search(_ levels: [Level], _ price: Int64, _ ascending: Bool) -> (Int, Bool) {
        // Most activity is near the top of the book: check the best level first.
        var low = 0, high = levels.count
        if let last = levels.last {
            if last.price == price { return (levels.count - 1, true) }
            if ascending ? last.price < price : last.price > price { return (levels.count, false) }
        }
        while low < high {
            let middle = (low + high) / 2
            let p = levels[middle].price
            if p == price { return (middle, true) }
            if ascending ? p < price : p > price { low = middle + 1 } else { high = middle }
        }
        return (low, false)
    }

    /// Appends an order at the back of its price level and returns its slot.
    mutating func add(_ order: Slot) -> Int32 {
        let slot: Int32
        if let reused = free.popLast() {
            slot = reused
            slots[Int(slot)] = order
        } else {
            slot = Int32(slots.count)
            slots.append(order)
        }
        slots[Int(slot)].previous = -1
        slots[Int(slot)].next = -1
        slots[Int(slot)].live = true
        let ascending = order.side == .buy
        switch order.side {
        case .buy: Self.link(slot, price: order.price, quantity: order.remaining, in: &bids, slots: &slots, ascending: ascending)
        case .sell: Self.link(slot, price: order.price, quantity: order.remaining, in: &asks, slots: &slots, ascending: ascending)
        }
        return slot
    }

    private static func link(
        _ slot: Int32, price: Int64, quantity: Int64, in levels: inout [Level], slots: inout [Slot],
        ascending: Bool
    ) {
        let (index, found) = search(levels, price, ascending)
        if found {
            let tail = levels[index].tail
            slots[Int(tail)].next = slot
            slots[Int(slot)].previous = tail
            levels[index].tail = slot
            levels[index].quantity += quantity
            levels[index].count += 1
        } else {
            levels.insert(Level(price: price, quantity: quantity, count: 1, head: slot, tail: slot), at: index)
        }
    }

    /// Removes an order from its level and frees its slot; returns the order as it was.
    @discardableResult
    mutating func remove(_ slot: Int32) -> Slot {
        let order = slots[Int(slot)]
        precondition(order.live, "removing free slot \(slot) in state \(order)")
        switch order.side {
        case .buy: Self.unlink(order, slot: slot, in: &bids, slots: &slots, ascending: true)
        case .sell: Self.unlink(order, slot: slot, in: &asks, slots: &slots, ascending: false)
        }
        slots[Int(slot)].live = false
        free.append(slot)
        return order
    }

    private static func unlink(
        _ order: Slot, slot: Int32, in levels: inout [Level], slots: inout [Slot],
        ascending: Bool
    ) {
        let (index, found) = search(levels, order.price, ascending)
        precondition(found, "order \(order.id) at price \(order.price) has no level")
        if order.previous >= 0 { slots[Int(order.previous)].next = order.next } else { levels[index].head = order.next }
        if order.next >= 0 { slots[Int(order.next)].previous = order.previous } else { levels[index].tail = order.previous }
        levels[index].quantity -= order.remaining
        levels[index].count -= 1
        if levels[index].count == 0 { levels.remove(at: index) }
    }

    /// Reduces a resting order by `lots` (a fill or a quantity decrease) keeping its place.
    mutating func reduce(_ slot: Int32, by lots: Int64, filled: Bool) {
        let order = slots[Int(slot)]
        precondition(order.live && lots > 0 && lots < order.remaining,
                     "reducing order \(order.id) by \(lots) in state \(order)")
        slots[Int(slot)].remaining -= lots
        if filled { slots[Int(slot)].filled += lots }
        switch order.side {
        case .buy:
            let (index, _) = Self.search(bids, order.price, true)
            bids[index].quantity -= lots
        case .sell:
            let (index, _) = Self.search(asks, order.price, false)
            asks[index].quantity -= lots
        }
    }

    /// Updates the margin reserved for a resting order.
    mutating func setReserved(_ slot: Int32, _ reserved: Int64) {
        slots[Int(slot)].reserved = reserved
    }

    /// The slot at the front of the best level on `side`, or nil when that side is empty.
    @inline(__always)
    func headOfBest(_ side: Side) -> Int32? {
        switch side {
        case .buy: return bids.last?.head
        case .sell: return asks.last?.head
        }
    }

    /// Live slots on `side` in priority order (best price first, oldest first).
    func slotsInPriority(_ side: Side) -> [Int32] {
        var result: [Int32] = []
        let ladder = levels(side)
        for level in ladder.reversed() {
            var slot = level.head
            while slot >= 0 {
                result.append(slot)
                slot = slots[Int(slot)].next
            }
        }
        return result
    }

    /// The top `depth` levels on `side` as (price, quantity), best first.
    func depth(_ side: Side, levels depth: Int) -> [(price: Int64, quantity: Int64)] {
        let ladder = levels(side)
        var result: [(price: Int64, quantity: Int64)] = []
        result.reserveCapacity(min(depth, ladder.count))
        var index = ladder.count - 1
        while index >= 0 && result.count < depth {
            result.append((ladder[index].price, ladder[index].quantity))
            index -= 1
        }
        return result
    }

    /// Checks the book's structure; returns a description of the first violation, or nil.
    func violation() -> String? {
        if let bid = bestBid, let ask = bestAsk, bid >= ask { return "crossed book: bid \(bid) ≥ ask \(ask)" }
        for (side, ladder) in [(Side.buy, bids), (Side.sell, asks)] {
            for (index, level) in ladder.enumerated() {
                if index > 0 {
                    let before = ladder[index - 1].price
                    if side == .buy ? before >= level.price : before <= level.price {
                        return "\(side) levels out of order at \(level.price)"
                    }
                }
                var sum: Int64 = 0, count: Int32 = 0, slot = level.head, previous: Int32 = -1
                while slot >= 0 {
                    let order = slots[Int(slot)]
                    if !order.live || order.price != level.price || order.side != side || order.remaining <= 0
                        || order.previous != previous {
                        return "order \(order.id) inconsistent with level \(level.price)"
                    }
                    sum += order.remaining
                    count += 1
                    previous = slot
                    slot = order.next
                }
                if sum != level.quantity || count != level.count || previous != level.tail {
                    return "\(side) level \(level.price) says \(level.quantity) lots in \(level.count) orders, holds \(sum) in \(count)"
                }
            }
        }
        return nil
    }
}
