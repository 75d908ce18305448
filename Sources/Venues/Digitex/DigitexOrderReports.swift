/// The order reports of a trading connection (`orderStatus`, `orderFilled`), read in one pass
/// with a `JSONCursor` (see `DigitexShortcuts`): the private pushes a busy account gets most.
///
/// The reader gives exactly the push that `DigitexAccountDecoding.push` gives. Unlike the
/// market-data readers it steps over fields it does not read: these pushes carry many
/// (`traderId`, `entryQty`, `fundingCount`, …) that nothing uses, and the general path ignores
/// them too. A field it reads that appears twice, or holds what the general path would read
/// differently or refuse, makes it decline.
enum DigitexOrderReports {
    /// The template and values of each channel's last report (`JSONTemplated`): an account's
    /// reports repeat their members frame after frame, only some values change.
    struct Templates: Sendable {
        fileprivate var orderStatus = JSONTemplated(Parts())
        fileprivate var orderFilled = JSONTemplated(Parts())
    }

    /// The push in `data`, with the cursor on it; nil to decline. `channel` is `.orderStatus` or `.orderFilled`.
    static func read(_ cursor: inout JSONCursor, _ channel: DigitexChannel, templates: inout Templates) -> Shared<DigitexAccountPush>? {
        // An order's reports come in turns, accepted then filled: each names the order as the
        // other channel's last report did, and shares that String rather than allocate its own.
        if channel == .orderFilled { return read(&cursor, &templates.orderFilled, twin: templates.orderStatus.last.clOrdId) }
        return read(&cursor, &templates.orderStatus, twin: templates.orderFilled.last.clOrdId)
    }

    /// Read by the channel's last template when the push follows it, else by `Parts.shape`.
    private static func read(
        _ cursor: inout JSONCursor, _ templated: inout JSONTemplated<Parts>, twin: String?
    ) -> Shared<DigitexAccountPush>? {
        cursor.read(
            Parts.shape, by: &templated, reset: { $0 = Parts() },
            { parts, cursor, slot, element in parts.read(&cursor, slot, element, twin: twin) }, finish: { _, parts in parts.finish() })
    }

    /// The values of a report, by slot of `shape`: the order, the account summary, and each entry
    /// of the two lists.
    fileprivate struct Parts {
        enum Slot: Int {
            case symbol, timestamp, errCode
            case traderBalance, orderMargin, positionMargin, upnl, pnl, markPx, leverage, positionType
            case positionContracts, positionVolume, positionLiquidationVolume, positionBankruptcyVolume
            case clOrdId, newClOrdId, oldClOrdId, origClOrdId, orderStatus, orderType, timeInForce, orderSide
            case px, paidPx, qty, origQty, droppedQty, openTime, oldContractId
            case contract, contractId, contractOldId, contractOrigId, contractPositionType, contractQty, contractEntryPx
            case contractPaidPx, contractLiquidationPx, contractBankruptcyPx, contractExitPx, contractLeverage, contractTimestamp
            case contractIsIncrease, contractIsFunding, contractIsLiquidation
            case trade, tradeSide, tradePx, tradeQty, tradeIsMaker
        }

        static let shape: JSONShape = {
            func value(_ slot: Slot) -> JSONShape { .value(slot.rawValue) }
            let contract = JSONShape.object([
                ("contractId", value(.contractId)), ("oldContractId", value(.contractOldId)), ("origContractId", value(.contractOrigId)),
                ("positionType", value(.contractPositionType)), ("qty", value(.contractQty)), ("entryPx", value(.contractEntryPx)),
                ("paidPx", value(.contractPaidPx)), ("liquidationPx", value(.contractLiquidationPx)),
                ("bankruptcyPx", value(.contractBankruptcyPx)), ("exitPx", value(.contractExitPx)), ("leverage", value(.contractLeverage)),
                ("timestamp", value(.contractTimestamp)), ("isIncrease", value(.contractIsIncrease)),
                ("isFunding", value(.contractIsFunding)), ("isLiquidation", value(.contractIsLiquidation)),
            ], opened: Slot.contract.rawValue)
            let trade = JSONShape.object([
                ("side", value(.tradeSide)), ("px", value(.tradePx)), ("qty", value(.tradeQty)), ("isMaker", value(.tradeIsMaker)),
            ], opened: Slot.trade.rawValue)
            let names: [(String, Slot)] = [
                ("symbol", .symbol), ("timestamp", .timestamp), ("errCode", .errCode), ("traderBalance", .traderBalance),
                ("orderMargin", .orderMargin), ("positionMargin", .positionMargin), ("upnl", .upnl), ("pnl", .pnl), ("markPx", .markPx),
                ("leverage", .leverage), ("positionType", .positionType), ("positionContracts", .positionContracts),
                ("positionVolume", .positionVolume), ("positionLiquidationVolume", .positionLiquidationVolume),
                ("positionBankruptcyVolume", .positionBankruptcyVolume), ("clOrdId", .clOrdId), ("newClOrdId", .newClOrdId),
                ("oldClOrdId", .oldClOrdId), ("origClOrdId", .origClOrdId), ("orderStatus", .orderStatus), ("orderType", .orderType),
                ("timeInForce", .timeInForce), ("orderSide", .orderSide), ("px", .px), ("paidPx", .paidPx), ("qty", .qty),
                ("origQty", .origQty), ("droppedQty", .droppedQty), ("openTime", .openTime), ("oldContractId", .oldContractId),
            ]
            return .object(names.map { ($0.0, value($0.1)) } + [
                ("contracts", .array(of: contract, nullable: true)),
                ("marketTrades", .array(of: trade, nullable: true)),
            ])
        }()

        /// A contract and the values it cannot be made without, or holds as plain flags.
        struct ContractParts {
            var contract = DigitexContract(contractId: 0, quantity: .zero, isIncrease: false, isFunding: false, isLiquidation: false)
            var contractId: Int64?
            var quantity: FixedDecimal?
            var isIncrease: Bool?
            var isFunding: Bool?
            var isLiquidation: Bool?
        }

        /// A `marketTrades` entry before the order it belongs to is known (the fields come in any order).
        struct TradeParts {
            var side: Side?
            var price: FixedDecimal?
            var quantity: FixedDecimal?
            var isMaker: Bool?
        }

        var symbol: String?
        var clOrdId: String?
        var quantity: FixedDecimal?
        var contracts: [ContractParts] = []
        var trades: [TradeParts] = []
        /// The last push made, written over by the next (no allocation a frame) unless a message
        /// still holds it. Its one order and its account summary are read straight into it.
        var push = Shared(DigitexAccountPush(symbol: "", orders: [DigitexOrder(clOrdId: "", quantity: .zero)]))

        /// The report's order, where it stands in the push (copied in at the end, it cost ~400
        /// instructions a frame: its four ids retained, the last ones released).
        var order: DigitexOrder {
            _read { yield push.value.orders[0] }
            _modify { yield &push.value.orders[0] }
        }

        /// The report's account summary, where it stands in the push.
        var account: DigitexAccountSnapshot {
            _read { yield push.value.account }
            _modify { yield &push.value.account }
        }

        /// Reads the value of `slot` (in list entry `element`). `twin`: the order id of the other
        /// channel's last report, shared where this one repeats it.
        @inline(__always)
        mutating func read(_ cursor: inout JSONCursor, _ slot: Int, _ element: Int, twin: String?) -> Bool {
            // By raw value: `Slot(rawValue:)` would be a call per value.
            switch slot {
            case Slot.symbol.rawValue: return cursor.read(&symbol)
            case Slot.timestamp.rawValue: return cursor.readOptional(&order.timestampMillis)
            case Slot.errCode.rawValue: return cursor.readOptional(&order.errorCode)
            case Slot.traderBalance.rawValue: return cursor.readOptional(&account.traderBalance)
            case Slot.orderMargin.rawValue: return cursor.readOptional(&account.orderMargin)
            case Slot.positionMargin.rawValue: return cursor.readOptional(&account.positionMargin)
            case Slot.upnl.rawValue: return cursor.readOptional(&account.unrealisedPnL)
            case Slot.pnl.rawValue: return cursor.readOptional(&account.realisedPnL)
            case Slot.markPx.rawValue: return cursor.readOptional(&account.markPrice)
            case Slot.leverage.rawValue: return cursor.readOptionalQuantity(&account.leverage)
            case Slot.positionType.rawValue: return DigitexOrderReports.readPositionType(&cursor, into: &account.positionType)
            case Slot.positionContracts.rawValue: return cursor.readOptionalQuantity(&account.positionContracts)
            case Slot.positionVolume.rawValue: return cursor.readOptionalQuantity(&account.positionVolume)
            case Slot.positionLiquidationVolume.rawValue: return cursor.readOptionalQuantity(&account.positionLiquidationVolume)
            case Slot.positionBankruptcyVolume.rawValue: return cursor.readOptionalQuantity(&account.positionBankruptcyVolume)
            case Slot.clOrdId.rawValue: return cursor.read(&clOrdId, sharingWith: twin)
            case Slot.newClOrdId.rawValue: return cursor.readOptional(&order.newClOrdId)
            case Slot.oldClOrdId.rawValue: return cursor.readOptional(&order.oldClOrdId)
            case Slot.origClOrdId.rawValue: return cursor.readOptional(&order.origClOrdId, sharingWith: clOrdId)
            case Slot.orderStatus.rawValue:
                return cursor.readOptional(&order.status, words: DigitexVocabulary.statusWords, parse: DigitexVocabulary.status)
            case Slot.orderType.rawValue:
                return cursor.readOptional(&order.type, words: DigitexVocabulary.orderTypeWords, parse: DigitexVocabulary.orderType)
            case Slot.timeInForce.rawValue:
                return cursor.readOptional(
                    &order.timeInForce, words: DigitexVocabulary.timeInForceWords, parse: DigitexVocabulary.timeInForce)
            case Slot.orderSide.rawValue:
                return DigitexOrderReports.readKnownWord(
                    &cursor, into: &order.side, words: DigitexVocabulary.sideWords, parse: DigitexVocabulary.side)
            case Slot.px.rawValue: return cursor.readOptional(&order.price)
            case Slot.paidPx.rawValue: return cursor.readOptional(&order.paidPrice)
            case Slot.qty.rawValue: return cursor.readQuantity(&quantity)
            case Slot.origQty.rawValue: return cursor.readOptionalQuantity(&order.originalQuantity)
            case Slot.droppedQty.rawValue: return cursor.readOptionalQuantity(&order.droppedQuantity)
            case Slot.openTime.rawValue: return cursor.readOptional(&order.openTimeMillis)
            case Slot.oldContractId.rawValue: return cursor.readOptional(&order.oldContractId)
            case Slot.contract.rawValue: contracts.append(ContractParts())
            case Slot.contractId.rawValue: return cursor.readOptional(&contracts[element].contractId)
            case Slot.contractOldId.rawValue: return cursor.readOptional(&contracts[element].contract.oldContractId)
            case Slot.contractOrigId.rawValue: return cursor.readOptional(&contracts[element].contract.origContractId)
            case Slot.contractPositionType.rawValue:
                return DigitexOrderReports.readPositionType(&cursor, into: &contracts[element].contract.positionType)
            case Slot.contractQty.rawValue: return cursor.readQuantity(&contracts[element].quantity)
            case Slot.contractEntryPx.rawValue: return cursor.readOptional(&contracts[element].contract.entryPrice)
            case Slot.contractPaidPx.rawValue: return cursor.readOptional(&contracts[element].contract.paidPrice)
            case Slot.contractLiquidationPx.rawValue: return cursor.readOptional(&contracts[element].contract.liquidationPrice)
            case Slot.contractBankruptcyPx.rawValue: return cursor.readOptional(&contracts[element].contract.bankruptcyPrice)
            case Slot.contractExitPx.rawValue: return cursor.readOptional(&contracts[element].contract.exitPrice)
            case Slot.contractLeverage.rawValue: return cursor.readOptionalQuantity(&contracts[element].contract.leverage)
            case Slot.contractTimestamp.rawValue: return cursor.readOptional(&contracts[element].contract.timestampMillis)
            case Slot.contractIsIncrease.rawValue: return cursor.readOptional(&contracts[element].isIncrease)
            case Slot.contractIsFunding.rawValue: return cursor.readOptional(&contracts[element].isFunding)
            case Slot.contractIsLiquidation.rawValue: return cursor.readOptional(&contracts[element].isLiquidation)
            case Slot.trade.rawValue: trades.append(TradeParts())
            case Slot.tradeSide.rawValue: return cursor.readOptionalSide(&trades[element].side)
            case Slot.tradePx.rawValue:
                trades[element].price = cursor.decimal()
                return trades[element].price != nil
            case Slot.tradeQty.rawValue: return cursor.readQuantity(&trades[element].quantity)
            default: return cursor.readOptional(&trades[element].isMaker) // Slot.tradeIsMaker
            }
            return true
        }

        /// The push, or nil where the general path would refuse the frame. (Mutating: the order
        /// is finished and the push remade in place, every field it sets made again from what was
        /// read, so that the next report read by template finishes right.)
        mutating func finish() -> Shared<DigitexAccountPush>? {
            guard let symbol, let clOrdId, let quantity else { return nil }
            // More open than was ever placed: the general path rejects the frame.
            if let original = order.originalQuantity, quantity > original { return nil }
            order.clOrdId = clOrdId
            order.quantity = quantity
            // One value, two readers in the general path: the order's and the push's.
            order.leverage = account.leverage
            guard Self.remake(&push.value, symbol: symbol, contracts: contracts, trades: trades) else { return nil }
            return push
        }

        /// Writes what the push makes of the parts (its symbol, time, lists) over the last ones;
        /// false where the general path would refuse the frame. (The lists are remade in place:
        /// the last push, which shared them, is gone by now.)
        private static func remake(
            _ push: inout DigitexAccountPush, symbol: String, contracts: [ContractParts], trades: [TradeParts]
        ) -> Bool {
            push.symbol = symbol
            push.errorCode = push.orders[0].errorCode
            push.timestampMillis = push.orders[0].timestampMillis
            guard push.contracts.remake(count: contracts.count, { index in
                let parts = contracts[index]
                guard let contractId = parts.contractId, let quantity = parts.quantity else { return nil }
                var contract = parts.contract
                contract.contractId = contractId
                contract.quantity = quantity
                contract.isIncrease = parts.isIncrease ?? false
                contract.isFunding = parts.isFunding ?? false
                contract.isLiquidation = parts.isLiquidation ?? false
                return contract
            }) else { return false }
            // What every fill repeats, read once.
            let clOrdId = push.orders[0].clOrdId, origClOrdId = push.orders[0].origClOrdId
            let side = push.orders[0].side, time = push.timestampMillis
            // A loop of its own rather than `remake(count:_:)`: through its closure, each Fill
            // (four Strings) was copied once more, ~110 instructions a fill report.
            for index in trades.indices {
                let trade = trades[index]
                guard let price = trade.price, let quantity = trade.quantity else { return false }
                let fill = Fill(
                    symbol: symbol, venueOrderID: clOrdId, clientOrderID: origClOrdId,
                    // As the general path: a trade without a side is on the order's side.
                    side: trade.side ?? side, price: price, quantity: quantity, isMaker: trade.isMaker, venueTimeMillis: time)
                if index < push.marketTrades.count { push.marketTrades[index] = fill } else { push.marketTrades.append(fill) }
            }
            if push.marketTrades.count > trades.count { push.marketTrades.removeLast(push.marketTrades.count - trades.count) }
            return true
        }
    }

    /// `null` (nil) or a word `parse` knows (an order side, a position type); any other word is the
    /// general path's bad field, so the shortcut declines.
    @inline(__always)
    private static func readKnownWord<T>(
        _ cursor: inout JSONCursor, into value: inout T?, words: [(StaticString, T?)], parse: (String) -> T?
    ) -> Bool {
        var parsed: T??
        guard cursor.readOptional(&parsed, words: words, parse: parse) else { return false }
        if case .some(.none) = parsed { return false }
        value = parsed ?? nil
        return true
    }

    @inline(__always)
    private static func readPositionType(_ cursor: inout JSONCursor, into value: inout PositionSide?) -> Bool {
        readKnownWord(&cursor, into: &value, words: DigitexVocabulary.positionSideWords, parse: DigitexVocabulary.positionSide)
    }
}
