/// Turns inbound Digitex frames into `DigitexMessage`s; keeps a scanner so steady-state decoding
/// does not allocate token storage.
public struct DigitexDecoder: Sendable {
    private var scanner = JSONScanner()
    private var shortcuts = DigitexShortcuts.Memory()

    public init() {}

    /// Decodes one text frame's bytes; the failure carries the reason (the caller attaches the raw bytes).
    public mutating func decode(_ bytes: [UInt8]) -> Result<DigitexMessage, UnrecognisedFrame> {
        do throws(UnrecognisedFrame) {
            return .success(try decodeThrowing(bytes))
        } catch {
            return .failure(error)
        }
    }

    /// `decode` with typed throws, for the client's hot path (no `Result` to copy and destroy).
    mutating func decodeThrowing(_ bytes: [UInt8]) throws(UnrecognisedFrame) -> DigitexMessage {
        // The length first: comparing with a String's UTF-8 view cost ~190 instructions per frame.
        if bytes.count == 4 {
            if bytes.elementsEqual("ping".utf8) { return .ping }
            if bytes.elementsEqual("pong".utf8) { return .pong }
        }
        if let message = bytes.withUnsafeBufferPointer({ DigitexShortcuts.decode($0, memory: &shortcuts) }) { return message }
        return try decodeGenerally(bytes)
    }

    /// Every frame the general way: scanned into tokens, fields looked up by name. Market data
    /// and order reports in their plain shape take a shortcut (`DigitexShortcuts`) to the same message.
    mutating func decodeGenerally(_ bytes: [UInt8]) throws(UnrecognisedFrame) -> DigitexMessage {
        try scanner.decodeThrowing(bytes) { (root) throws(DecodeFailure) in try Self.message(root) }
    }

    static func message(_ root: JSONValue) throws(DecodeFailure) -> DigitexMessage {
        guard root.isObject else { throw DecodeFailure(.unknownMessage(nil)) }
        if let channel = root["ch"] {
            guard let name = channel.unescapedStringBytes else { throw DecodeFailure(.badField("ch", in: "push")) }
            // The public docs say `ch` is "BTCUSD-PERP@trades" while every example says "trades".
            let short = DigitexChannelName.afterSymbol(name)
            guard let data = root["data"] else { throw DecodeFailure(.missingField("data", in: String(decoding: short, as: UTF8.self))) }
            return try push(channel: DigitexChannelName(short), data: data)
        }
        if let status = root["status"] {
            let fields = try FieldReader(root, message: "response")
            let id = try fields.int("id")
            if status.isString("ok") {
                let result = try fields.array("result").map { (value) throws(DecodeFailure) -> String in
                    guard let text = value.string else { throw DecodeFailure(.badField("result", in: "response")) }
                    return text
                }
                return .ok(id: id, result: fields.has("result") ? result : nil)
            }
            if status.isString("error") {
                let code = try fields.int("code")
                return .failed(id: id, DigitexErrorCodes.error(code: code, message: try fields.optionalString("msg")))
            }
            throw DecodeFailure(.badField("status", in: "response"))
        }
        throw DecodeFailure(.unknownMessage(root["method"]?.string.map { "request \($0)" }))
    }

    private static func push(channel: DigitexChannelName, data: JSONValue) throws(DecodeFailure) -> DigitexMessage {
        // Hot public channels first, compared on bytes: no String is built for the channel name.
        if channel.hasPrefix("orderbook_") {
            let fields = try FieldReader(data, message: "orderbook")
            return .orderBook(BookSnapshot(
                symbol: try fields.string("symbol"), bids: try fields.bookLevels("bids"), asks: try fields.bookLevels("asks"),
                sequence: nil, venueTimeMillis: try fields.optionalInt("ts")))
        }
        if channel.equals("trades") { return try trades(data) }
        if let private_ = channel.privateChannel {
            return .account(private_, Shared(try DigitexAccountDecoding.push(private_, data: data)))
        }
        let name = channel.string
        let fields = try FieldReader(data, message: name)
        switch name {
        case "tradingStatus":
            guard let available = try fields.optionalBool("available") else { throw fields.missing("available") }
            return .tradingStatus(available: available)
        case "error":
            return .error(DigitexErrorCodes.error(code: try fields.int("code"), message: try fields.optionalString("msg")))
        case "liquidations":
            let symbol = try fields.string("symbol")
            var liquidations: [Liquidation] = []
            for element in try fields.array("positions") {
                let entry = try FieldReader(element, message: "liquidations")
                liquidations.append(Liquidation(
                    symbol: symbol, positionSide: try entry.optionalString("type").flatMap(DigitexVocabulary.positionSide),
                    price: try entry.optionalDecimal("px"), quantity: try entry.optionalQuantity("qty"),
                    terminatedOrderIDs: [], balanceChange: nil, venueTimeMillis: try entry.optionalInt("ts")))
            }
            return .liquidations(liquidations)
        case "ticker":
            return .ticker(Ticker(
                symbol: try fields.string("symbol"), lastPrice: try fields.optionalDecimal("lastPx"),
                lastQuantity: try fields.optionalQuantity("lastQty"), bidPrice: try fields.optionalDecimal("bidPx"),
                bidSize: try fields.optionalQuantity("bidQty"), askPrice: try fields.optionalDecimal("askPx"),
                askSize: try fields.optionalQuantity("askQty"), markPrice: try fields.optionalDecimal("markPx"),
                fundingRate: try fields.optionalDecimal("fundingRate"),
                nextFundingTimeMillis: try fields.optionalInt("nextFundingTime"),
                openInterest: try fields.optionalQuantity("openInterest"), volume24h: try fields.optionalQuantity("volume24h"),
                venueTimeMillis: try fields.optionalInt("closeTime")))
        case "fundingInfo":
            return .fundingInfo(FundingRate(
                symbol: try fields.string("symbol"), rate: try fields.decimal("rate"),
                nextFundingTimeMillis: nil, venueTimeMillis: try fields.optionalInt("ts")))
        case "index":
            let symbol = try fields.string("indexSymbol")
            let time = try fields.optionalInt("ts")
            var prices: [PriceUpdate] = []
            if let mark = try fields.optionalDecimal("markPx") { prices.append(PriceUpdate(symbol: symbol, kind: .mark, price: mark, venueTimeMillis: time)) }
            if let fair = try fields.optionalDecimal("fairPx") { prices.append(PriceUpdate(symbol: symbol, kind: .fair, price: fair, venueTimeMillis: time)) }
            if let spot = try fields.optionalDecimal("spotPx") { prices.append(PriceUpdate(symbol: symbol, kind: .spot, price: spot, venueTimeMillis: time)) }
            return .index(prices)
        default:
            if channel.hasPrefix("kline_") {
                return .candle(Candle(
                    symbol: try fields.string("symbol"), interval: try fields.string("interval"),
                    openTimeSeconds: try fields.optionalInt("id"), open: try fields.decimal("o"), high: try fields.decimal("h"),
                    low: try fields.decimal("l"), close: try fields.decimal("c"), volume: try fields.quantity("v")))
            }
            throw DecodeFailure(.unknownMessage(name))
        }
    }

    private static func trades(_ data: JSONValue) throws(DecodeFailure) -> DigitexMessage {
        let fields = try FieldReader(data, message: "trades")
        let symbol = try fields.string("symbol")
        let list = try fields.value("trades")
        guard list.isArray else { throw fields.bad("trades") }
        var trades: [Trade] = []
        trades.reserveCapacity(list.count)
        for element in list.arrayElements {
            let trade = try FieldReader(element, message: "trades")
            trades.append(Trade(
                symbol: symbol, price: try trade.decimal("px"), quantity: try trade.quantity("qty"),
                side: try trade.optionalString("side").flatMap(DigitexVocabulary.side), tradeID: nil,
                venueTimeMillis: try trade.optionalInt("ts")))
        }
        return .trades(trades)
    }
}

/// A channel name as bytes inside the frame, compared without building a String.
struct DigitexChannelName {
    let bytes: UnsafeBufferPointer<UInt8>

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    func equals(_ literal: StaticString) -> Bool {
        literal.utf8CodeUnitCount == bytes.count && hasPrefix(literal)
    }

    func hasPrefix(_ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard bytes.count >= count else { return false }
        for offset in 0..<count where bytes[offset] != literal.utf8Start[offset] {
            return false
        }
        return true
    }

    var string: String { String(decoding: bytes, as: UTF8.self) }

    /// The bytes after the last `@` of `written`, or all of it: a channel written with its symbol
    /// (`BTCUSD-PERP@trades`, as the docs write it) or without (`trades`, as the examples do). The
    /// `@` is looked for eight bytes at a time first: a search from the end, byte by byte, cost ~90
    /// instructions on every frame, nearly all of which have none.
    @inline(__always)
    static func afterSymbol(_ written: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        guard let base = written.baseAddress else { return written }
        let ones: UInt64 = 0x0101_0101_0101_0101
        var offset = 0
        var found = false
        while !found, offset + 8 <= written.count {
            // A lane that held `@` is zero after the XOR; the classic test finds a zero lane.
            let lanes = UInt64(littleEndian: UnsafeRawPointer(base + offset).loadUnaligned(as: UInt64.self)) ^ (ones &* 0x40)
            found = (lanes &- ones) & ~lanes & 0x8080_8080_8080_8080 != 0
            offset += 8
        }
        while !found, offset < written.count {
            found = written[offset] == UInt8(ascii: "@")
            offset += 1
        }
        guard found, let at = written.lastIndex(of: UInt8(ascii: "@")) else { return written }
        return UnsafeBufferPointer(rebasing: written[(at + 1)...])
    }

    /// The private channel of this name, matched on bytes: `DigitexChannel(rawValue:)` builds a
    /// String and searches the cases through the runtime, ~1,000 instructions per frame.
    var privateChannel: DigitexChannel? {
        // Lengths first, then a word compare (`elementsEqual` went byte by byte, ~250 instructions a frame).
        for (name, channel) in DigitexChannelName.privateNames
        where name.utf8CodeUnitCount == bytes.count && memcmpBytes(name.utf8Start, bytes.baseAddress!, bytes.count) {
            return channel
        }
        return nil
    }

    /// Each private channel's name; a test checks them against the raw values.
    static let privateNames: [(StaticString, DigitexChannel)] = [
        ("orderStatus", .orderStatus), ("orderFilled", .orderFilled), ("orderCancelled", .orderCancelled),
        ("contractClosed", .contractClosed), ("traderStatus", .traderStatus), ("traderBalance", .traderBalance),
        ("position", .position), ("funding", .funding), ("leverage", .leverage), ("condOrderStatus", .condOrderStatus),
    ]
}
