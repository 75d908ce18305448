/// Turns inbound QFEX frames (both documented shapes, both sockets) into `QFEXMessage`s.
public struct QFEXDecoder: Sendable {
    private var scanner = JSONScanner()
    private var shortcuts = QFEXShortcuts.Memory()

    public init() {}

    public mutating func decode(_ bytes: [UInt8]) -> Result<QFEXMessage, UnrecognisedFrame> {
        if let book = bytes.withUnsafeBufferPointer({ QFEXShortcuts.decode($0, memory: &shortcuts) }) { return .success(book) }
        return decodeGenerally(bytes)
    }

    /// Every frame the general way: scanned into tokens, fields looked up by name. Order books in
    /// their plain shape take a shortcut (`QFEXShortcuts`) to the same message.
    mutating func decodeGenerally(_ bytes: [UInt8]) -> Result<QFEXMessage, UnrecognisedFrame> {
        scanner.decode(bytes) { (root) throws(DecodeFailure) in try Self.message(root) }
    }

    static func message(_ root: JSONValue) throws(DecodeFailure) -> QFEXMessage {
        if root.isArray {
            var messages: [QFEXMessage] = []
            for element in root.elements { messages.append(try message(element)) }
            return .batch(messages)
        }
        guard root.isObject else { throw DecodeFailure(.unknownMessage(nil)) }
        if let channel = root["channel"], root["contents"] != nil {
            return try envelope(root, channel: channel.string ?? "")
        }
        if let type = root["type"]?.string {
            return try typed(root, type: type)
        }
        // Single-key responses: the one key names the message.
        let members = root.members
        guard members.count >= 1, let (key, value) = members.first else { throw DecodeFailure(.unknownMessage(nil)) }
        switch key {
        case "order_response": return .order(try QFEXAccountDecoding.order(value, "order_response"))
        case "fill_response": return .fill(try QFEXAccountDecoding.fill(value))
        case "position_response": return .positions([try QFEXAccountDecoding.position(value, "position_response")])
        case "balance_response": return .balances([try QFEXAccountDecoding.balance(value, "balance_response")])
        case "user_leverage_response": return .userLeverage(try QFEXAccountDecoding.tiers(value, key))
        case "available_leverage_levels_response": return .availableLeverage(try QFEXAccountDecoding.tiers(value, key))
        case "user_orders":
            guard value.isArray else { throw DecodeFailure(.badField(key, in: key)) }
            var orders: [QFEXOrderReport] = []
            for element in value.elements { orders.append(try QFEXAccountDecoding.order(element, key)) }
            return .userOrders(orders)
        case "user_trades":
            guard value.isArray else { throw DecodeFailure(.badField(key, in: key)) }
            var fills: [Fill] = []
            for element in value.elements { fills.append(try QFEXAccountDecoding.userTrade(element)) }
            return .userTrades(fills)
        case "subscribed", "unsubscribed":
            guard let channel = value.string else { throw DecodeFailure(.badField(key, in: key)) }
            return key == "subscribed" ? .subscribed(channel) : .unsubscribed(channel)
        case "authenticated":
            guard let flag = value.bool else { throw DecodeFailure(.badField(key, in: key)) }
            return .authenticated(flag, detail: nil)
        case "ack_response", "ack":
            return .acknowledged(value.bool ?? true)
        case "err", "error":
            let text = value.string ?? String(decoding: value.rawBytes, as: UTF8.self)
            return .error(VenueError(code: key, message: text, meaning: nil))
        default:
            throw DecodeFailure(.unknownMessage(key))
        }
    }

    private static func envelope(_ root: JSONValue, channel: String) throws(DecodeFailure) -> QFEXMessage {
        let fields = try FieldReader(root, message: channel)
        let contents = try fields.array("contents")
        switch channel {
        case "v4_positions":
            var positions: [Position] = []
            for element in contents { positions.append(try QFEXAccountDecoding.position(element, channel)) }
            return .positions(positions)
        case "v4_balances":
            var balances: [Balance] = []
            for element in contents { balances.append(try QFEXAccountDecoding.balance(element, channel)) }
            return .balances(balances)
        case "v4_orders", "v4_order_responses":
            var messages: [QFEXMessage] = []
            for element in contents { messages.append(.order(try QFEXAccountDecoding.order(element, channel))) }
            return .batch(messages)
        case "v4_fills":
            var messages: [QFEXMessage] = []
            for element in contents { messages.append(.fill(try QFEXAccountDecoding.fill(element))) }
            return .batch(messages)
        default:
            throw DecodeFailure(.unknownMessage(channel))
        }
    }

    private static func typed(_ root: JSONValue, type: String) throws(DecodeFailure) -> QFEXMessage {
        let fields = try FieldReader(root, message: type)
        switch type {
        case "auth":
            guard let result = try fields.optionalString("result") else {
                throw DecodeFailure(.unknownMessage("request auth"))
            }
            return .authenticated(result == "success", detail: result)
        case "bbo", "level2":
            return .book(BookSnapshot(
                symbol: try fields.string("symbol"), bids: try fields.bookLevels("bid"),
                asks: try fields.bookLevels("ask"), sequence: try fields.optionalInt("sequence"),
                venueTimeMillis: QFEXMarketDecoding.millis(try fields.optionalString("time"))))
        case "trade":
            guard let side = QFEXVocabulary.side(try fields.string("side")) else { throw fields.bad("side") }
            return .trade(Trade(
                symbol: try fields.string("symbol"), price: try fields.decimal("price"), quantity: try fields.quantity("size"),
                side: side, tradeID: try fields.optionalString("trade_id"),
                venueTimeMillis: QFEXMarketDecoding.millis(try fields.optionalString("time"))))
        case "funding":
            return .funding(FundingRate(
                symbol: try fields.string("symbol"), rate: try fields.decimal("funding_rate"), nextFundingTimeMillis: nil,
                venueTimeMillis: QFEXMarketDecoding.millis(try fields.optionalString("time"))))
        case "underlier", "mark_price":
            return .price(PriceUpdate(
                symbol: try fields.string("symbol"), kind: type == "underlier" ? .index : .mark,
                price: try fields.decimal("price"), venueTimeMillis: QFEXMarketDecoding.millis(try fields.optionalString("time"))))
        case "refdata":
            var instruments: [Instrument] = []
            for element in try fields.array("data") {
                let entry = try FieldReader(element, message: "refdata")
                instruments.append(Instrument(
                    symbol: try entry.string("symbol"), tickSize: try entry.optionalDecimal("tick_size"),
                    lotSize: try entry.optionalDecimal("lot_size")))
            }
            return .referenceData(instruments)
        case "subscribed":
            return .subscribed(try fields.optionalString("channel") ?? "")
        default:
            // Requests (`add_order`, `subscribe`, …) have a type and params; they are not server messages.
            throw DecodeFailure(.unknownMessage(root["params"] != nil || root["channels"] != nil ? "request \(type)" : type))
        }
    }
}
