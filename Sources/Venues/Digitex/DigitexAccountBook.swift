/// Applies Digitex private pushes to the account state: order chains, contract chains,
/// conditional orders, the position and the balance.
///
/// Rule for contradictions: a frame that refers to something our state does not have (a fill
/// for an order we never saw, a cancel of an unknown order, a contract whose predecessor we do
/// not hold after a full snapshot) yields an `Anomaly` with both sides, and that part of the
/// frame is not applied. The account summary fields (balance, margins, position totals) are
/// absolute values from the venue, not deltas, so they are applied whatever else the frame holds.
struct DigitexAccountBook: Sendable {
    var state = AccountState()
    /// Live contracts (qty > 0) by `contractId`.
    var contracts: [Int64: DigitexContract] = [:]
    /// True once a full snapshot (`traderStatus`) has been applied; before it, an unknown
    /// predecessor contract is expected (we joined mid-session) and not an anomaly.
    var hasBaseline = false
    let instruments: [String]
    let balanceAsset: String
    /// The actions returned for the last push: the next push fills their array again once the
    /// caller has dropped them (`EmittedEvents(reusing:)`).
    private var lastActions: [ClientAction] = []

    init(instruments: [String], balanceAsset: String) {
        self.instruments = instruments
        self.balanceAsset = balanceAsset
    }

    /// The client's actions for one push: its events, each to be emitted. (The push is read
    /// where it stands, part by part: taken out of its box whole, it was copied, ~450 instructions
    /// of an order report's ~12,000.)
    mutating func apply(_ channel: DigitexChannel, _ push: Shared<DigitexAccountPush>, raw: [UInt8]) -> [ClientAction] {
        let symbol = push.value.symbol
        guard instruments.contains(symbol) else {
            return [.emit(.anomaly(Anomaly(
                kind: .unknownSymbol, expected: "instruments \(instruments.joined(separator: ", "))",
                received: "\(channel.rawValue) for \(symbol)", raw: raw)))]
        }
        var events = EmittedEvents(reusing: &lastActions)
        defer { lastActions = events.actions }
        switch channel {
        case .orderStatus:
            applyOrderStatus(push, raw: raw, into: &events)
        case .orderFilled:
            applyFill(push, raw: raw, into: &events)
        default:
            guard applyOther(channel, push.value, raw: raw, into: &events) else { return events.actions }
        }
        applySummary(push.value.account, symbol: symbol, time: push.value.timestampMillis, into: &events)
        return events.actions
    }

    /// The channels other than the order reports; false when the push leaves the account
    /// summary as it was.
    private mutating func applyOther(
        _ channel: DigitexChannel, _ push: DigitexAccountPush, raw: [UInt8], into events: inout EmittedEvents
    ) -> Bool {
        switch channel {
        case .orderStatus, .orderFilled:
            preconditionFailure("order reports are applied by apply(_:_:raw:)")
        case .orderCancelled:
            applyCancel(push, raw: raw, into: &events)
        case .contractClosed:
            if let code = push.errorCode { events.append(.venueError(DigitexErrorCodes.error(code: code, message: "closeContract"))) }
        case .traderStatus:
            replaceOrders(push, includingConditional: true, raw: raw, into: &events)
            replaceContracts(push.contracts)
            hasBaseline = true
        case .leverage:
            // An error leaves everything as it was (the docs: "Nothing will change").
            if let code = push.errorCode {
                events.append(.venueError(DigitexErrorCodes.error(code: code, message: "changeLeverageAll")))
                return false
            }
            // Every contract and active order got a new id: the push lists the complete new set.
            replaceOrders(push, includingConditional: false, raw: raw, into: &events)
            replaceContracts(push.contracts)
            if let leverage = push.account.leverage { events.append(.leverageChanged(symbol: push.symbol, leverage: leverage)) }
        case .traderBalance:
            break
        case .position:
            applyContractChain(push.contracts, raw: raw, into: &events)
            for id in push.terminatedOrderIDs {
                guard let key = state.ordersByKey.first(where: { $0.key == id || $0.value.venueOrderID == id })?.key,
                      var order = state.ordersByKey.removeValue(forKey: key) else {
                    events.append(.anomaly(Anomaly(kind: .cancelForUnknownOrder, expected: "no open order \(id)",
                                                   received: "position push terminating \(id)", raw: raw)))
                    continue
                }
                order.status = .terminated
                events.append(.orderUpdated(order))
            }
            events.append(.positionLiquidated(Liquidation(
                symbol: push.symbol, positionSide: push.account.positionType, price: nil, quantity: nil,
                terminatedOrderIDs: push.terminatedOrderIDs, balanceChange: push.balanceIncrement,
                venueTimeMillis: push.timestampMillis)))
        case .funding:
            applyContractChain(push.contracts, raw: raw, into: &events)
            events.append(.fundingPaid(FundingPayment(
                symbol: push.symbol, amount: push.payout ?? .zero, perContract: push.payoutPerContract, rate: nil,
                venueTimeMillis: push.timestampMillis)))
        case .condOrderStatus:
            applyConditional(push, raw: raw, into: &events)
        }
        return true
    }

    // MARK: Orders

    // The order reports take the push in its box and read their one order where it stands (a
    // `_read` of it): copied out of the box, with its four ids, it cost ~400 instructions a frame.

    private mutating func applyOrderStatus(_ push: Shared<DigitexAccountPush>, raw: [UInt8], into events: inout EmittedEvents) {
        var report: DigitexOrder { _read { yield push.value.orders[0] } }
        let status = report.status ?? .accepted
        if status == .rejected {
            let code = report.errorCode ?? push.value.errorCode ?? 0
            events.append(.commandRejected(.order(report.clOrdId), DigitexErrorCodes.error(code: code, message: "placeOrder")))
        }
        let key = report.chainKey
        let index = state.ordersByKey.index(forKey: key)
        let previous = index.map { state.ordersByKey.values[$0] }
        guard let side = report.side ?? previous?.side else {
            events.append(.unrecognised(UnrecognisedFrame(reason: .missingField("orderSide", in: "orderStatus"), raw: raw)))
            return
        }
        let order = makeOrder(push.value.orders, at: 0, symbol: push.value.symbol, side: side, status: status, previous: previous)
        store(order, key: key, at: index)
        events.append(.orderUpdated(order))
    }

    private mutating func applyFill(_ push: Shared<DigitexAccountPush>, raw: [UInt8], into events: inout EmittedEvents) {
        var report: DigitexOrder { _read { yield push.value.orders[0] } }
        let key = report.chainKey
        guard let index = state.ordersByKey.index(forKey: key) else {
            let traded = push.value.marketTrades.map { "\($0.quantity)@\($0.price)" }.joined(separator: ", ")
            events.append(.anomaly(Anomaly(
                kind: .fillForUnknownOrder, expected: "no open order in chain \(key)",
                received: "fill of clOrdId \(report.clOrdId) [\(traded)], \(report.quantity) left", raw: raw)))
            return
        }
        // An order with nothing left is taken out of the book rather than copied and then removed.
        let keep = report.quantity > .zero
        var order = keep ? state.ordersByKey.values[index] : state.ordersByKey.remove(at: index).value
        if order.venueOrderID != report.clOrdId {
            // The chain key matched, so the venue's account of the order wins; say that a link was missed.
            events.append(.anomaly(Anomaly(
                kind: .orderChainBroken, expected: "order \(key) currently \(order.venueOrderID)",
                received: "fill of \(report.clOrdId)", raw: raw)))
        }
        for trade in push.value.marketTrades.indices {
            var fill = push.value.marketTrades[trade]
            // The decoders name the report's order in each trade already: written over with the
            // same Strings, they cost a retain and a release each.
            if fill.venueOrderID != report.clOrdId { fill.venueOrderID = report.clOrdId }
            let clientOrderID = order.clientOrderID ?? report.origClOrdId
            if fill.clientOrderID != clientOrderID { fill.clientOrderID = clientOrderID }
            events.append(.orderFilled(fill))
        }
        order.previousVenueOrderID = report.clOrdId
        order.venueOrderID = report.newClOrdId ?? report.clOrdId
        order.quantity = report.quantity
        order.status = report.quantity.isZero ? .filled : .partiallyFilled
        order.venueTimeMillis = report.timestampMillis ?? order.venueTimeMillis
        if keep { state.ordersByKey.values[index] = order }
        events.append(.orderUpdated(order))
        applyContractChain(push.value.contracts, raw: raw, into: &events)
    }

    private mutating func applyCancel(_ push: DigitexAccountPush, raw: [UInt8], into events: inout EmittedEvents) {
        let status = push.status ?? .cancelled
        for report in push.orders {
            let key = report.chainKey
            if status == .rejected {
                let code = report.errorCode ?? push.errorCode ?? 0
                events.append(.commandRejected(.order(report.oldClOrdId ?? report.clOrdId),
                                               DigitexErrorCodes.error(code: code, message: "cancelOrder")))
                continue
            }
            guard var order = state.ordersByKey.removeValue(forKey: key) else {
                events.append(.anomaly(Anomaly(
                    kind: .cancelForUnknownOrder, expected: "no open order in chain \(key)",
                    received: "\(status) of \(report.oldClOrdId ?? report.clOrdId)", raw: raw)))
                continue
            }
            order.previousVenueOrderID = report.oldClOrdId ?? order.venueOrderID
            order.venueOrderID = report.clOrdId
            // A cancel that reports an open status is still a removal; keep the model's meaning.
            order.status = status.isOpen ? .cancelled : status
            order.venueTimeMillis = push.timestampMillis ?? order.venueTimeMillis
            events.append(.orderUpdated(order))
        }
    }

    /// traderStatus and leverage list every active order: they replace ours.
    private mutating func replaceOrders(
        _ push: DigitexAccountPush, includingConditional: Bool, raw: [UInt8], into events: inout EmittedEvents
    ) {
        var replacement: [String: Order] = [:]
        for (index, report) in push.orders.enumerated() {
            let key = report.chainKey
            let previous = state.ordersByKey[key]
            guard let side = report.side ?? previous?.side else { continue }
            let order = makeOrder(push.orders, at: index, symbol: push.symbol, side: side, status: .accepted, previous: previous)
            guard !order.quantity.isZero else { continue }
            replacement[key] = order
        }
        for (key, order) in state.ordersByKey.sorted(by: { $0.key < $1.key }) where replacement[key] == nil {
            events.append(.anomaly(Anomaly(
                kind: .orderChainBroken, expected: "open order \(key) (\(order.venueOrderID))",
                received: "full order list without it", raw: raw)))
        }
        state.ordersByKey = replacement
        for order in state.openOrders { events.append(.orderUpdated(order)) }
        guard includingConditional else { return }
        state.conditionalOrdersByID = [:]
        for conditional in push.conditionalOrders { state.conditionalOrdersByID[conditional.actionID] = conditional }
        for conditional in state.conditionalOrders { events.append(.conditionalOrderUpdated(conditional)) }
    }

    /// The order report `index` of `reports` describes on `side` (the report's, or else the chain's
    /// last); what else it leaves out is kept from `previous`, the chain's last order. (The report
    /// is read where it stands, not copied out. Not optional: returning an optional order cost a
    /// copy of it and a destroy.)
    private func makeOrder(
        _ reports: [DigitexOrder], at index: Int, symbol: String, side: Side, status: OrderStatus, previous: Order?
    ) -> Order {
        var report: DigitexOrder { _read { yield reports[index] } }
        return Order(
            symbol: symbol, venueOrderID: report.clOrdId, clientOrderID: report.origClOrdId ?? previous?.clientOrderID,
            previousVenueOrderID: report.oldClOrdId, side: side, type: report.type ?? previous?.type ?? .limit,
            timeInForce: report.timeInForce ?? previous?.timeInForce, price: report.price ?? previous?.price,
            quantity: report.quantity, originalQuantity: report.originalQuantity ?? previous?.originalQuantity,
            status: status, leverage: report.leverage ?? previous?.leverage,
            venueTimeMillis: report.timestampMillis ?? report.openTimeMillis)
    }

    /// Keeps open orders with something left; forgets the rest. `index` is where `key` stands
    /// (nil if it does not), found once per frame: hashing an id costs more than the rest of
    /// storing the order.
    private mutating func store(_ order: Order, key: String, at index: [String: Order].Index?) {
        let keep = order.status.isOpen && order.quantity > .zero
        switch (index, keep) {
        case (let index?, true): state.ordersByKey.values[index] = order
        case (let index?, false): state.ordersByKey.remove(at: index)
        case (nil, true): state.ordersByKey[key] = order
        case (nil, false): break
        }
    }
}
