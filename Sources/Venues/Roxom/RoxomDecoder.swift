/// Turns inbound Roxom frames into `RoxomMessage`s.
public struct RoxomDecoder: Sendable {
    private var scanner = JSONScanner()
    private var shortcuts = RoxomShortcuts.Memory()

    public init() {}

    public mutating func decode(_ bytes: [UInt8]) -> Result<RoxomMessage, UnrecognisedFrame> {
        if let message = bytes.withUnsafeBufferPointer({ RoxomShortcuts.decode($0, memory: &shortcuts) }) { return .success(message) }
        return decodeGenerally(bytes)
    }

    /// Every frame the general way: scanned into tokens, fields looked up by name. Depth, trades
    /// and tickers in their plain shape take a shortcut (`RoxomShortcuts`) to the same message.
    mutating func decodeGenerally(_ bytes: [UInt8]) -> Result<RoxomMessage, UnrecognisedFrame> {
        scanner.decode(bytes) { (root) throws(DecodeFailure) in try Self.message(root) }
    }

    static func message(_ root: JSONValue) throws(DecodeFailure) -> RoxomMessage {
        let fields = try FieldReader(root, message: "message")
        if let topic = try fields.optionalString("topic") {
            return try market(topic: topic, fields)
        }
        if let event = try fields.optionalString("event") {
            switch event {
            case "error":
                // The code is a string in the docs ("600010"); accept a number too.
                let code = try fields.value("code")
                let text = code.string ?? code.int64.map(String.init) ?? ""
                return .error(VenueError(code: text, message: try fields.optionalString("msg"), meaning: RoxomDecoder.meanings[text]))
            case "subscribe", "unsubscribe":
                return .subscribed
            default:
                throw DecodeFailure(.unknownMessage("event \(event)"))
            }
        }
        guard let type = try fields.optionalString("type") else {
            throw DecodeFailure(.unknownMessage(root["op"]?.string.map { "request \($0)" }))
        }
        switch type {
        case "position":
            var positions: [Position] = []
            for element in try fields.array("data") { positions.append(try position(element)) }
            return .positions(positions)
        case "order":
            return .order(try order(try fields.value("data")))
        case "balance":
            let data = try FieldReader(try fields.value("data"), message: "balance")
            let unit = try data.optionalString("unit") ?? "btc"
            return .balance(RoxomBalanceUpdate(
                balance: Balance(asset: unit.uppercased(), total: try data.decimal("balanceAfter"),
                                 venueTimeMillis: try data.optionalInt("timestamp").map { $0 / 1_000_000 }),
                before: try data.optionalDecimal("balanceBefore"), amount: try data.optionalDecimal("amount"),
                updateType: try data.optionalString("updateType")))
        default:
            throw DecodeFailure(.unknownMessage(type))
        }
    }

    /// Error codes the docs name.
    static let meanings: [String: String] = ["600010": "Authentication failed"]

    private static func market(topic: String, _ fields: FieldReader) throws(DecodeFailure) -> RoxomMessage {
        let parts = topic.split(separator: ".", maxSplits: 1)
        guard parts.count == 2 else { throw DecodeFailure(.unknownMessage(topic)) }
        // The topic names the subscription; the docs' delta example carries a different data.symbol
        // (OIL-BTC under depth.GOLD-BTC, with GOLD-BTC prices), so the topic wins.
        let symbol = String(parts[1])
        let data = try FieldReader(try fields.value("data"), message: topic)
        let time = try fields.optionalInt("createdTime").map { $0 / 1_000_000 }
        switch parts[0] {
        case "depth": return try book(symbol: symbol, data, type: try fields.string("type"), time: time, fields)
        case "level1": return .ticker(try level1(symbol: symbol, data, time: time))
        case "trade": return .trade(try trade(symbol: symbol, data, time: time))
        case "ticker": return .ticker(try ticker(symbol: symbol, data, time: time))
        default: throw DecodeFailure(.unknownMessage(topic))
        }
    }

    private static func book(
        symbol: String, _ data: FieldReader, type: String, time: Int64?, _ fields: FieldReader
    ) throws(DecodeFailure) -> RoxomMessage {
        // "0 or negative indicate removals": a negative size reads as 0.
        let bids = try data.bookLevels("bid", negativeSizeIsRemoval: true)
        let asks = try data.bookLevels("ask", negativeSizeIsRemoval: true)
        switch type {
        case "snapshot": return .bookSnapshot(BookSnapshot(symbol: symbol, bids: bids, asks: asks, sequence: nil, venueTimeMillis: time))
        case "delta": return .bookDelta(BookDelta(symbol: symbol, bids: bids, asks: asks, sequence: nil, venueTimeMillis: time))
        default: throw fields.bad("type")
        }
    }

    /// `bid`/`ask` as `[price, size]`, an empty array for an empty side (the shape our simulator
    /// sends after the level1 docs page; no push example is stored).
    private static func level1(symbol: String, _ data: FieldReader, time: Int64?) throws(DecodeFailure) -> Ticker {
        func top(_ key: StaticString) throws(DecodeFailure) -> BookLevel? {
            let value = try data.value(key)
            guard value.isArray else { throw data.bad(key) }
            if value.count == 0 { return nil }
            guard let (first, second) = value.pair, let price = first.decimal, let size = second.decimal, !size.isNegative else {
                throw data.bad(key)
            }
            return BookLevel(price: price, size: size)
        }
        let bid = try top("bid")
        let ask = try top("ask")
        return Ticker(symbol: symbol, bidPrice: bid?.price, bidSize: bid?.size, askPrice: ask?.price, askSize: ask?.size,
                      venueTimeMillis: try data.optionalInt("timestamp").map { $0 / 1_000_000 } ?? time)
    }

    /// `{symbol, tradeId, price, qty, side, timestamp}` (no example in the docs; our simulator's shape).
    private static func trade(symbol: String, _ data: FieldReader, time: Int64?) throws(DecodeFailure) -> Trade {
        Trade(symbol: symbol, price: try data.decimal("price"), quantity: try data.quantity("qty"),
              side: try side(data), tradeID: try data.optionalString("tradeId"),
              venueTimeMillis: try data.optionalInt("timestamp").map { $0 / 1_000_000 } ?? time)
    }

    /// `{symbol, lastPrice, bestBid, bestAsk, markPrice, indexPrice, volume, openInterest, fundingRate,
    /// nextFundingTime, timestamp}` (no example in the docs; our simulator's shape). The index price
    /// has no place in `Ticker` and is not kept.
    private static func ticker(symbol: String, _ data: FieldReader, time: Int64?) throws(DecodeFailure) -> Ticker {
        Ticker(symbol: symbol, lastPrice: try data.optionalDecimal("lastPrice"),
               bidPrice: try data.optionalDecimal("bestBid"), askPrice: try data.optionalDecimal("bestAsk"),
               markPrice: try data.optionalDecimal("markPrice"), fundingRate: try data.optionalDecimal("fundingRate"),
               nextFundingTimeMillis: try data.optionalInt("nextFundingTime").map { $0 / 1_000_000 },
               openInterest: try data.optionalQuantity("openInterest"), volume24h: try data.optionalQuantity("volume"),
               venueTimeMillis: try data.optionalInt("timestamp").map { $0 / 1_000_000 } ?? time)
    }

    private static func side(_ fields: FieldReader) throws(DecodeFailure) -> Side? {
        switch try fields.optionalString("side") {
        case nil: nil
        case "buy": .buy
        case "sell": .sell
        default: throw fields.bad("side")
        }
    }

    private static func position(_ value: JSONValue) throws(DecodeFailure) -> Position {
        let fields = try FieldReader(value, message: "position")
        let size = try fields.quantity("size")
        let side: PositionSide
        switch try fields.string("side") {
        case "long": side = size.isZero ? .flat : .long
        case "short": side = size.isZero ? .flat : .short
        default: throw fields.bad("side")
        }
        return Position(
            symbol: try fields.string("symbol"), side: side, size: size, entryPrice: try fields.optionalDecimal("avgEntry"),
            margin: try fields.optionalDecimal("positionBalance"), liquidationPrice: try fields.optionalDecimal("liquidationPrice"),
            realisedPnL: try fields.optionalDecimal("realizedPnl"), unrealisedPnL: try fields.optionalDecimal("unrealizedPnl"),
            leverage: try fields.optionalQuantity("leverage"), markPrice: try fields.optionalDecimal("markPrice"),
            venueTimeMillis: try fields.optionalInt("updatedAt").map { $0 / 1_000_000 })
    }

    private static func order(_ value: JSONValue) throws(DecodeFailure) -> RoxomOrderUpdate {
        let fields = try FieldReader(value, message: "order")
        let statusText = try fields.string("status")
        let side = try side(fields)
        let update = RoxomOrderUpdate(
            orderID: try fields.string("orderId"), clientOrderID: try fields.optionalString("clientOrderId"),
            symbol: try fields.string("symbol"), statusText: statusText, status: status(statusText), side: side,
            orderType: try fields.optionalString("orderType").map { $0 == "limit" ? .limit : ($0 == "market" ? .market : .other($0)) },
            orderSize: try fields.optionalQuantity("orderSize"), limitPrice: try fields.optionalDecimal("limitPrice"),
            remainingQuantity: try fields.quantity("remainingQty"), executedQuantity: try fields.quantity("executedQty"),
            averagePrice: try fields.optionalDecimal("avgPx"), fillPrice: try fields.optionalDecimal("fillPx"),
            filledFees: try fields.optionalDecimal("filledFees"), timestampNanos: try fields.optionalInt("timestamp"))
        if let size = update.orderSize, update.remainingQuantity > size { throw fields.bad("remainingQty") }
        return update
    }

    /// Lower-case statuses as the docs write them; only `cancelled` and `partiallyfilled` appear in
    /// examples, the rest are the plausible spellings of the same scheme.
    static func status(_ text: String) -> OrderStatus {
        switch text {
        case "new", "open", "accepted", "pending": .accepted
        case "partiallyfilled": .partiallyFilled
        case "filled": .filled
        case "cancelled", "canceled": .cancelled
        case "rejected": .rejected
        case "expired": .expired
        default: .other(text)
        }
    }
}
