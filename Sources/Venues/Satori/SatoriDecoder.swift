/// Turns inbound Satori frames into `SatoriMessage`s.
public struct SatoriDecoder: Sendable {
    private var scanner = JSONScanner()
    private var shortcuts = SatoriShortcuts.Memory()

    public init() {}

    public mutating func decode(_ bytes: [UInt8]) -> Result<SatoriMessage, UnrecognisedFrame> {
        if let trade = bytes.withUnsafeBufferPointer({ SatoriShortcuts.decode($0, memory: &shortcuts) }) { return .success(trade) }
        return decodeGenerally(bytes)
    }

    /// Every frame the general way: scanned into tokens, fields looked up by name. Public trades
    /// in their plain shape take a shortcut (`SatoriShortcuts`) to the same message.
    mutating func decodeGenerally(_ bytes: [UInt8]) -> Result<SatoriMessage, UnrecognisedFrame> {
        scanner.decode(bytes) { (root) throws(DecodeFailure) in try Self.message(root) }
    }

    static func message(_ root: JSONValue) throws(DecodeFailure) -> SatoriMessage {
        let fields = try FieldReader(root, message: "message")
        let event = try fields.string("event")
        if try fields.optionalString("method") != nil, event.hasSuffix("_res") {
            return .subscribeAnswer(event: String(event.dropLast(4)), success: try fields.optionalBool("success") ?? false,
                                    message: try fields.optionalString("msg"))
        }
        if root["apiKey"] != nil { throw DecodeFailure(.unknownMessage("request \(event)")) }
        let data = try FieldReader(try fields.value("data"), message: event)
        switch event {
        case "api_position": return .position(try position(data))
        case "api_entrust": return .order(try order(data))
        case "api_trade":
            let side: Side
            switch try data.string("direction") {
            case "LONG": side = .buy
            case "SHORT": side = .sell
            default: throw data.bad("direction")
            }
            return .trade(Trade(symbol: try data.string("symbol"), price: try data.decimal("price"), quantity: try data.quantity("quantity"),
                                side: side, tradeID: try data.optionalInt("tradeId").map(String.init), venueTimeMillis: try data.optionalInt("time")))
        case "api_account":
            let available = try data.decimal("availableAmount")
            let frozen = try data.optionalDecimal("frozenAmount") ?? .zero
            guard let total = available.adding(frozen) else { throw data.bad("frozenAmount") }
            return .account(SatoriAccountUpdate(
                balance: Balance(asset: try data.string("symbol"), total: total, available: available, orderMargin: frozen),
                logID: try data.int("logId")))
        default:
            throw DecodeFailure(.unknownMessage(event))
        }
    }

    private static func position(_ data: FieldReader) throws(DecodeFailure) -> SatoriPositionUpdate {
        guard let change = SatoriPositionChange(rawValue: try data.string("changeType")) else { throw data.bad("changeType") }
        let size = try data.quantity("currentQuantity")
        let direction: PositionSide
        switch try data.string("direction") {
        case "LONG": direction = .long
        case "SHORT": direction = .short
        default: throw data.bad("direction")
        }
        return SatoriPositionUpdate(
            change: change, positionID: try data.int("positionId"),
            position: Position(symbol: try data.string("symbol"), side: size.isZero ? .flat : direction, size: size,
                               entryPrice: try data.optionalDecimal("openingPrice"), margin: try data.optionalDecimal("marginAmount")),
            closableQuantity: try data.optionalQuantity("canClosedQuantity"), positionType: try data.optionalInt("positionType"))
    }

    /// `direction` is the position side the order works on; with `isClose` it closes it, so the
    /// order's own side is the opposite (an assumption: the docs define neither field).
    private static func order(_ data: FieldReader) throws(DecodeFailure) -> SatoriOrderUpdate {
        guard let change = SatoriOrderChange(rawValue: try data.string("changeType")) else { throw data.bad("changeType") }
        let isClose = try data.optionalBool("isClose") ?? false
        let side: Side
        switch (try data.string("direction"), isClose) {
        case ("LONG", false), ("SHORT", true): side = .buy
        case ("SHORT", false), ("LONG", true): side = .sell
        default: throw data.bad("direction")
        }
        let quantity = try data.quantity("quantity")
        let dealt = try data.optionalQuantity("dealQuantity") ?? .zero
        guard dealt <= quantity else { throw data.bad("dealQuantity") }
        return SatoriOrderUpdate(
            change: change, entrustID: try data.int("currentEntrustId"), clientOrderID: try data.optionalString("clientOrderId"),
            symbol: try data.string("symbol"), side: side, isClose: isClose, isMarket: try data.optionalBool("isMarket") ?? false,
            price: try data.optionalDecimal("price"), quantity: quantity, dealQuantity: dealt,
            dealAmount: try data.optionalQuantity("dealAmount") ?? .zero, leverage: try data.optionalQuantity("lever"),
            fee: try data.optionalDecimal("feeAmt"), isTaker: try data.optionalBool("isTaker"))
    }
}
