/// One account's money and its position on every instrument (internal bookkeeping).
struct AccountState {
    /// The balance: deposits + realised PnL − fees ± funding (cash minor units). Margins are parts
    /// of it that are locked, not amounts taken out of it (Digitex `traderBalance`).
    var cash: Int64
    /// Everything ever deposited.
    var deposited: Int64
    /// Indexed by instrument.
    var positions: [PositionState]

    /// Balance not locked as position or order margin.
    var available: Int64 {
        var locked: Int64 = 0
        for position in positions { locked += position.margin + position.orderMargin }
        return cash - locked
    }
}

/// One account's position on one instrument, with its isolated margin.
struct PositionState {
    /// Signed lots: + long, − short.
    var quantity: Int64 = 0
    /// What the open lots cost: Σ entry price × lots × contract value (cash, ≥ 0).
    var basis: Int64 = 0
    /// Initial margin locked for the open lots, less funding paid, plus funding received (cash).
    var margin: Int64 = 0
    /// Margin reserved for resting orders that would increase the position (cash).
    var orderMargin: Int64 = 0
    var leverage: Int64
    /// Cumulative realised PnL, fees paid and funding received (cash).
    var realized: Int64 = 0
    var fees: Int64 = 0
    var funding: Int64 = 0
    /// Price units; 0 while flat.
    var liquidationPrice: Int64 = 0
    var bankruptcyPrice: Int64 = 0

    init(leverage: Int64) {
        self.leverage = leverage
    }

    /// Lots that an order on `side` would close rather than open.
    @inline(__always)
    func closable(by side: Side) -> Int64 {
        switch side {
        case .buy: return quantity < 0 ? -quantity : 0
        case .sell: return quantity > 0 ? quantity : 0
        }
    }
}
