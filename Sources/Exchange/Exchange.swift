import TapeCore

/// A deterministic perpetual-futures exchange: price-time matching per instrument, isolated
/// margin with leverage, maker/taker fees, scheduled funding, mark-price liquidation and
/// conditional orders.
///
/// No I/O and no clock: every call takes `at now:` (which must never go backwards) and returns
/// the events it caused, in order. Nothing iterates a Dictionary or Set into output: accounts
/// and instruments are dense arrays, orders are visited in book priority order.
public struct Exchange: Sendable {
    /// Where a resting order lives.
    struct Location: Equatable {
        var instrument: Int32
        var slot: Int32
    }

    /// Prices and funding state of one instrument.
    struct Market {
        /// Price units; 0 until first set.
        var mark: Int64 = 0
        var index: Int64 = 0
        var last: Int64 = 0
        var fundingRate: Int64 = 0
        /// The next funding instant (nanoseconds on the exchange's time line).
        var nextFunding: Int64
    }

    public let config: ExchangeConfig
    var books: [OrderBook]
    var markets: [Market]
    var accounts: [AccountState]
    var locations = OrderIndex()
    var expiries = ExpiryQueue()
    var triggers: [TriggerSnapshot] = []
    var nextOrderID: UInt64 = 1
    var nextTradeID: UInt64 = 1
    var nextTriggerID: UInt64 = 1
    /// Fees collected minus rebates paid (cash).
    var feePool: Int64 = 0
    /// The time of the latest call.
    public internal(set) var now: Timestamp

    /// An exchange at time `start` with only the insurance account open.
    public init(config: ExchangeConfig, at start: Timestamp = .zero) {
        self.config = config
        self.now = start
        books = Array(repeating: OrderBook(), count: config.instruments.count)
        markets = config.instruments.map { spec in
            Market(nextFunding: Exchange.nextBoundary(after: start.nanoseconds, interval: spec.fundingIntervalNanos,
                                                      utcAtZero: config.utcNanosAtZero))
        }
        accounts = []
        _ = openAccount(deposit: config.insuranceDeposit)
    }

    /// Opens an account with a deposit; ids are given out densely from 1 (0 is insurance).
    public mutating func openAccount(deposit: Cash) -> AccountID {
        let positions = config.instruments.map { PositionState(leverage: $0.defaultLeverage) }
        accounts.append(AccountState(cash: deposit.minor, deposited: deposit.minor, positions: positions))
        return AccountID(UInt32(accounts.count - 1))
    }

    /// Adds money to an account's balance.
    public mutating func deposit(_ amount: Cash, to account: AccountID) {
        precondition(Int(account.rawValue) < accounts.count, "deposit to \(account), which is not open")
        accounts[Int(account.rawValue)].cash += amount.minor
        accounts[Int(account.rawValue)].deposited += amount.minor
    }

    // MARK: - Orders

    /// Submits an order: validation, margin check, matching, then resting or cancelling the rest.
    public mutating func submit(_ order: OrderRequest, account: AccountID, at now: Timestamp) -> [ExchangeEvent] {
        var events: [ExchangeEvent] = []
        submit(order, account: account, at: now, into: &events)
        return events
    }

    /// `submit` appending to a caller's buffer, so a hot loop allocates nothing per call.
    public mutating func submit(_ order: OrderRequest, account: AccountID, at now: Timestamp, into events: inout [ExchangeEvent]) {
        arrive(at: now, into: &events)
        placeOrder(order, account: account, into: &events)
        afterTrades(into: &events)
        checkIfConfigured()
    }

    /// Cancels one resting order of `account`.
    public mutating func cancel(_ order: OrderID, account: AccountID, at now: Timestamp) -> [ExchangeEvent] {
        var events: [ExchangeEvent] = []
        cancel(order, account: account, at: now, into: &events)
        return events
    }

    /// `cancel` appending to a caller's buffer.
    public mutating func cancel(_ order: OrderID, account: AccountID, at now: Timestamp, into events: inout [ExchangeEvent]) {
        arrive(at: now, into: &events)
        guard let location = locations[order.rawValue],
              books[Int(location.instrument)].slots[Int(location.slot)].account == account.rawValue
        else {
            events.append(.rejected(Rejection(account: account, request: .cancel(order), reason: .unknownOrder, time: now)))
            return
        }
        removeResting(location, reason: .requested, into: &events)
        checkIfConfigured()
    }

    /// Cancels every resting order of `account` on `instrument`, optionally only one side and/or
    /// one price (Digitex cancelAllOrders); in book priority order. Cancelling nothing is no error.
    public mutating func cancelAll(
        account: AccountID, instrument: InstrumentID, side: Side? = nil, price: Price? = nil, at now: Timestamp
    ) -> [ExchangeEvent] {
        var events: [ExchangeEvent] = []
        arrive(at: now, into: &events)
        guard isKnown(instrument) else {
            events.append(.rejected(Rejection(account: account, request: .cancelAll, reason: .unknownInstrument, time: now)))
            return events
        }
        let i = Int(instrument.rawValue)
        for s in [Side.buy, Side.sell] where side == nil || side == s {
            for slot in books[i].slotsInPriority(s) {
                let order = books[i].slots[Int(slot)]
                guard order.account == account.rawValue, price == nil || price?.units == order.price else { continue }
                removeResting(Location(instrument: instrument.rawValue, slot: slot), reason: .requested, into: &events)
            }
        }
        checkIfConfigured()
        return events
    }

    /// Changes a resting order's price and/or remaining quantity.
    ///
    /// Priority: a smaller quantity at the same price keeps the order's place in its level; a
    /// price change or a larger quantity sends it to the back of the (new) level, and a new price
    /// that crosses the book matches at once like a new order (same id). `quantity` is the new
    /// open (remaining) quantity, not the original total.
    public mutating func amend(
        _ order: OrderID, account: AccountID, price: Price? = nil, quantity: Quantity? = nil, at now: Timestamp
    ) -> [ExchangeEvent] {
        var events: [ExchangeEvent] = []
        arrive(at: now, into: &events)
        amendOrder(order, account: account, price: price, quantity: quantity, into: &events)
        afterTrades(into: &events)
        checkIfConfigured()
        return events
    }

    /// Sets `account`'s leverage on `instrument`, recomputing position and order margins.
    public mutating func setLeverage(_ leverage: Int64, account: AccountID, instrument: InstrumentID, at now: Timestamp) -> [ExchangeEvent] {
        var events: [ExchangeEvent] = []
        arrive(at: now, into: &events)
        changeLeverage(leverage, account: account, instrument: instrument, into: &events)
        checkIfConfigured()
        return events
    }

    // MARK: - Time and prices

    /// Moves time forward: expires orders, pays funding at each due funding time, in time order.
    ///
    /// Driver calls (time, prices, funding rate) trap on a time that goes backwards or an
    /// instrument that is not listed: those are programming errors, not traders' requests.
    public mutating func advanceTime(to now: Timestamp) -> [ExchangeEvent] {
        var events: [ExchangeEvent] = []
        arrive(at: now, into: &events)
        checkIfConfigured()
        return events
    }

    /// Sets the mark price; liquidates positions whose liquidation price it reaches and fires
    /// mark-price triggers.
    public mutating func updateMarkPrice(_ price: Price, instrument: InstrumentID = InstrumentID(0), at now: Timestamp) -> [ExchangeEvent] {
        var events: [ExchangeEvent] = []
        precondition(isKnown(instrument), "updateMarkPrice for \(instrument), which is not listed")
        arrive(at: now, into: &events)
        let i = Int(instrument.rawValue)
        markets[i].mark = price.units
        events.append(.markPrice(instrument, price, at: now))
        liquidateIfNeeded(instrument: i, into: &events)
        fireTriggers(into: &events)
        afterTrades(into: &events)
        checkIfConfigured()
        return events
    }

    /// Sets the index (spot) price and fires index-price triggers (Digitex SPOT_PRICE).
    public mutating func updateIndexPrice(_ price: Price, instrument: InstrumentID = InstrumentID(0), at now: Timestamp) -> [ExchangeEvent] {
        var events: [ExchangeEvent] = []
        precondition(isKnown(instrument), "updateIndexPrice for \(instrument), which is not listed")
        arrive(at: now, into: &events)
        markets[Int(instrument.rawValue)].index = price.units
        events.append(.indexPrice(instrument, price, at: now))
        fireTriggers(into: &events)
        afterTrades(into: &events)
        checkIfConfigured()
        return events
    }

    /// Sets the funding rate that the next funding applies (longs pay shorts when positive);
    /// clamped to the instrument's maximum.
    public mutating func setFundingRate(_ rate: Rate, instrument: InstrumentID = InstrumentID(0)) {
        precondition(isKnown(instrument), "setFundingRate for \(instrument), which is not listed")
        let cap = config.instruments[Int(instrument.rawValue)].maxFundingRate.perHundredMillion
        markets[Int(instrument.rawValue)].fundingRate = min(max(rate.perHundredMillion, -cap), cap)
    }

    // MARK: - Internals shared by the extensions

    func isKnown(_ instrument: InstrumentID) -> Bool {
        instrument.rawValue >= 0 && Int(instrument.rawValue) < books.count
    }

    func isKnown(_ account: AccountID) -> Bool {
        Int(account.rawValue) < accounts.count
    }

    mutating func checkIfConfigured() {
        guard config.checksInvariants else { return }
        if let problem = invariantViolation() {
            preconditionFailure("exchange invariant broken at \(now): \(problem)")
        }
    }

    /// The first instant after `time` on a grid of `interval` aligned to 00:00 UTC.
    static func nextBoundary(after time: Int64, interval: Int64, utcAtZero: Int64) -> Int64 {
        let utc = time + utcAtZero
        return (Arithmetic.divFloor(utc, interval) + 1) * interval - utcAtZero
    }
}
