/// The order reports of a trading connection (`orderStatus`, `orderFilled`), read in one pass
/// with a `JSONCursor` (see `DigitexShortcuts`): the private pushes a busy account gets most.
///
/// The reader gives exactly the push that `DigitexAccountDecoding.push` gives. Unlike the
/// market-data readers it steps over fields it does not read: these pushes carry many
/// (`traderId`, `entryQty`, `fundingCount`, …) that nothing uses, and the general path ignores
/// them too. A field it reads that appears twice, or holds what the general path would read
/// differently or refuse, makes it decline.
enum DigitexOrderReports {
    /// The fields of the push's `data`: the order, the account summary, and the two lists.
    enum Field: String, CaseIterable, Sendable {
        case symbol, timestamp, errCode
        case traderBalance, orderMargin, positionMargin, upnl, pnl, markPx, leverage, positionType
        case positionContracts, positionVolume, positionLiquidationVolume, positionBankruptcyVolume
        case clOrdId, newClOrdId, oldClOrdId, origClOrdId, orderStatus, orderType, timeInForce, orderSide
        case px, paidPx, qty, origQty, droppedQty, openTime, oldContractId
        case contracts, marketTrades
    }

    enum ContractField: String, CaseIterable, Sendable {
        case contractId, oldContractId, origContractId, positionType, qty, entryPx, paidPx
        case liquidationPx, bankruptcyPx, exitPx, leverage, timestamp, isIncrease, isFunding, isLiquidation
    }

    enum TradeField: String, CaseIterable, Sendable {
        case side, px, qty, isMaker
    }

    static let fields = JSONKeyTable<Field>()
    static let contractFields = JSONKeyTable<ContractField>()
    static let tradeFields = JSONKeyTable<TradeField>()

    /// The order the venue writes each object's keys in, learnt per channel (`JSONKeyOrder`).
    struct KeyOrders: Sendable {
        var orderStatus = JSONKeyOrder()
        var orderFilled = JSONKeyOrder()
        var contract = JSONKeyOrder()
        var trade = JSONKeyOrder()
    }

    /// A `marketTrades` entry before the order it belongs to is known (the fields come in any order).
    private struct TradeReport {
        var side: Side?
        var price: FixedDecimal
        var quantity: FixedDecimal
        var isMaker: Bool?
    }

    /// The push in `data`, with the cursor on it; nil to decline. `channel` is `.orderStatus` or `.orderFilled`.
    static func read(_ cursor: inout JSONCursor, _ channel: DigitexChannel, keyOrders: inout KeyOrders) -> DigitexAccountPush? {
        if channel == .orderFilled {
            return read(&cursor, keys: &keyOrders.orderFilled, contractKeys: &keyOrders.contract, tradeKeys: &keyOrders.trade)
        }
        return read(&cursor, keys: &keyOrders.orderStatus, contractKeys: &keyOrders.contract, tradeKeys: &keyOrders.trade)
    }

    private static func read(
        _ cursor: inout JSONCursor, keys: inout JSONKeyOrder, contractKeys: inout JSONKeyOrder, tradeKeys: inout JSONKeyOrder
    ) -> DigitexAccountPush? {
        var symbol: String?
        var account = DigitexAccountSnapshot()
        var clOrdId: String?
        var order = DigitexOrder(clOrdId: "", quantity: .zero)
        var quantity: FixedDecimal?
        var contracts: [DigitexContract] = []
        var trades: [TradeReport] = []
        let read = cursor.readObject(fields, order: &keys) { cursor, field in
            switch field {
            case .symbol: return cursor.read(&symbol)
            case .timestamp: return cursor.readOptional(&order.timestampMillis)
            case .errCode: return cursor.readOptional(&order.errorCode)
            case .traderBalance: return cursor.readOptional(&account.traderBalance)
            case .orderMargin: return cursor.readOptional(&account.orderMargin)
            case .positionMargin: return cursor.readOptional(&account.positionMargin)
            case .upnl: return cursor.readOptional(&account.unrealisedPnL)
            case .pnl: return cursor.readOptional(&account.realisedPnL)
            case .markPx: return cursor.readOptional(&account.markPrice)
            case .leverage: return cursor.readOptionalQuantity(&account.leverage)
            case .positionType: return readPositionType(&cursor, into: &account.positionType)
            case .positionContracts: return cursor.readOptionalQuantity(&account.positionContracts)
            case .positionVolume: return cursor.readOptionalQuantity(&account.positionVolume)
            case .positionLiquidationVolume: return cursor.readOptionalQuantity(&account.positionLiquidationVolume)
            case .positionBankruptcyVolume: return cursor.readOptionalQuantity(&account.positionBankruptcyVolume)
            case .clOrdId: return cursor.read(&clOrdId)
            case .newClOrdId: return cursor.readOptional(&order.newClOrdId)
            case .oldClOrdId: return cursor.readOptional(&order.oldClOrdId)
            case .origClOrdId: return cursor.readOptional(&order.origClOrdId)
            case .orderStatus:
                return cursor.readOptional(&order.status, words: DigitexVocabulary.statusWords, parse: DigitexVocabulary.status)
            case .orderType:
                return cursor.readOptional(&order.type, words: DigitexVocabulary.orderTypeWords, parse: DigitexVocabulary.orderType)
            case .timeInForce:
                return cursor.readOptional(&order.timeInForce, words: DigitexVocabulary.timeInForceWords, parse: DigitexVocabulary.timeInForce)
            case .orderSide:
                return readKnownWord(&cursor, into: &order.side, words: DigitexVocabulary.sideWords, parse: DigitexVocabulary.side)
            case .px: return cursor.readOptional(&order.price)
            case .paidPx: return cursor.readOptional(&order.paidPrice)
            case .qty: return cursor.readQuantity(&quantity)
            case .origQty: return cursor.readOptionalQuantity(&order.originalQuantity)
            case .droppedQty: return cursor.readOptionalQuantity(&order.droppedQuantity)
            case .openTime: return cursor.readOptional(&order.openTimeMillis)
            case .oldContractId: return cursor.readOptional(&order.oldContractId)
            case .contracts:
                return cursor.null() || cursor.readArray { cursor in
                    guard let contract = contract(&cursor, keys: &contractKeys) else { return false }
                    contracts.append(contract)
                    return true
                }
            case .marketTrades:
                return cursor.null() || cursor.readArray { cursor in
                    guard let trade = trade(&cursor, keys: &tradeKeys) else { return false }
                    trades.append(trade)
                    return true
                }
            }
        }
        guard read, let symbol, let clOrdId, let quantity else { return nil }
        // More open than was ever placed: the general path rejects the frame.
        if let original = order.originalQuantity, quantity > original { return nil }
        order.clOrdId = clOrdId
        order.quantity = quantity
        // One value, two readers in the general path: the order's and the push's.
        order.leverage = account.leverage
        var push = DigitexAccountPush(symbol: symbol)
        push.account = account
        push.errorCode = order.errorCode
        push.timestampMillis = order.timestampMillis
        push.contracts = contracts
        push.marketTrades = trades.map { trade in
            Fill(symbol: symbol, venueOrderID: order.clOrdId, clientOrderID: order.origClOrdId,
                 // As the general path: a trade without a side is on the order's side.
                 side: trade.side ?? order.side, price: trade.price, quantity: trade.quantity,
                 isMaker: trade.isMaker, venueTimeMillis: push.timestampMillis)
        }
        push.orders = [order]
        return push
    }

    private static func contract(_ cursor: inout JSONCursor, keys: inout JSONKeyOrder) -> DigitexContract? {
        var contractId: Int64?
        var quantity: FixedDecimal?
        var contract = DigitexContract(contractId: 0, quantity: .zero, isIncrease: false, isFunding: false, isLiquidation: false)
        var isIncrease: Bool?
        var isFunding: Bool?
        var isLiquidation: Bool?
        let read = cursor.readObject(contractFields, order: &keys) { cursor, field in
            switch field {
            case .contractId: return cursor.readOptional(&contractId) && contractId != nil
            case .oldContractId: return cursor.readOptional(&contract.oldContractId)
            case .origContractId: return cursor.readOptional(&contract.origContractId)
            case .positionType: return readPositionType(&cursor, into: &contract.positionType)
            case .qty: return cursor.readQuantity(&quantity)
            case .entryPx: return cursor.readOptional(&contract.entryPrice)
            case .paidPx: return cursor.readOptional(&contract.paidPrice)
            case .liquidationPx: return cursor.readOptional(&contract.liquidationPrice)
            case .bankruptcyPx: return cursor.readOptional(&contract.bankruptcyPrice)
            case .exitPx: return cursor.readOptional(&contract.exitPrice)
            case .leverage: return cursor.readOptionalQuantity(&contract.leverage)
            case .timestamp: return cursor.readOptional(&contract.timestampMillis)
            case .isIncrease: return cursor.readOptional(&isIncrease)
            case .isFunding: return cursor.readOptional(&isFunding)
            case .isLiquidation: return cursor.readOptional(&isLiquidation)
            }
        }
        guard read, let contractId, let quantity else { return nil }
        contract.contractId = contractId
        contract.quantity = quantity
        contract.isIncrease = isIncrease ?? false
        contract.isFunding = isFunding ?? false
        contract.isLiquidation = isLiquidation ?? false
        return contract
    }

    private static func trade(_ cursor: inout JSONCursor, keys: inout JSONKeyOrder) -> TradeReport? {
        var side: Side?
        var price: FixedDecimal?
        var quantity: FixedDecimal?
        var isMaker: Bool?
        let read = cursor.readObject(tradeFields, order: &keys) { cursor, field in
            switch field {
            case .side: return cursor.readOptionalSide(&side)
            case .px:
                price = cursor.decimal()
                return price != nil
            case .qty: return cursor.readQuantity(&quantity)
            case .isMaker: return cursor.readOptional(&isMaker)
            }
        }
        guard read, let price, let quantity else { return nil }
        return TradeReport(side: side, price: price, quantity: quantity, isMaker: isMaker)
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
