extension Exchange {
    /// Checks what must always hold and describes the first violation, or returns nil:
    ///
    /// - no book is crossed, and every level's totals match its orders;
    /// - contracts are conserved: positions on each instrument sum to zero;
    /// - cash is conserved: Σ (balance − signed entry notional) + fee pool = Σ deposits, because
    ///   every trade moves `price × lots × value` from buyer to seller in that measure, fees move
    ///   balance into the pool, and funding moves balance between accounts (rounding to insurance);
    /// - each position's order margin is the sum of its resting orders' reservations, and
    ///   its entry notional is zero exactly when it is flat.
    public func invariantViolation() -> String? {
        var conserved: Int64 = feePool, deposits: Int64 = 0
        for account in accounts {
            // Wrapping sums: the equality is exact modulo 2⁶⁴ even if a partial sum overflows.
            deposits &+= account.deposited
            conserved &+= account.cash
            for position in account.positions {
                conserved &-= position.quantity > 0 ? position.basis : -position.basis
            }
        }
        if conserved != deposits {
            return "cash not conserved: balances − entry notionals + fees = \(Cash(minor: conserved)), deposits = \(Cash(minor: deposits))"
        }
        for i in books.indices {
            if let problem = books[i].violation() { return "instrument \(i): \(problem)" }
            var net: Int64 = 0
            var reserved = Array(repeating: Int64(0), count: accounts.count)
            for side in [Side.buy, Side.sell] {
                for slot in books[i].slotsInPriority(side) {
                    let order = books[i].slots[Int(slot)]
                    reserved[Int(order.account)] += order.reserved
                    guard let location = locations[order.id], location.slot == slot, Int(location.instrument) == i else {
                        return "instrument \(i): order \(order.id) is in the book but not in the order index"
                    }
                }
            }
            for (a, account) in accounts.enumerated() {
                let position = account.positions[i]
                net += position.quantity
                if position.orderMargin != reserved[a] {
                    return "account \(a) instrument \(i): order margin \(position.orderMargin) ≠ reservations \(reserved[a])"
                }
                if (position.quantity == 0) != (position.basis == 0) && !(a == 0 && position.quantity != 0) {
                    return "account \(a) instrument \(i): position \(position.quantity) with entry notional \(position.basis)"
                }
                if position.basis < 0 { return "account \(a) instrument \(i): negative entry notional \(position.basis)" }
            }
            if net != 0 { return "instrument \(i): positions sum to \(net), not zero" }
        }
        var indexed = 0
        for i in books.indices {
            for side in [Side.buy, Side.sell] { indexed += books[i].slotsInPriority(side).count }
        }
        if indexed != locations.count { return "order index holds \(locations.count) orders, books hold \(indexed)" }
        return nil
    }
}
