/// QFEX order books (`bbo`, `level2`) and public trades, nearly every frame of a market-data
/// socket, read in one pass with a `JSONCursor`: no token tape, no field tables.
///
/// It reads only the plain shape the venue sends: `{"type":"bbo"`, `{"type":"level2"` or
/// `{"type":"trade"` first, then only the fields below, each once, levels as `[price, size]` of
/// plain or quoted decimals, no escapes. For anything else (another type, another field, a
/// repeated one, bad JSON) it returns nil, and `QFEXDecoder` decodes the frame the general way,
/// reporting what is wrong. Both ways give the same message: tests compare them on every
/// example, on random mutations and on a simulated session.
enum QFEXShortcuts {
    /// The last symbol's String, the last time's value and the last book sides, kept while their
    /// bytes repeat (`Repeated`): a level2 push follows its bbo with the same time, and a book
    /// push often repeats a side of the one before (the levels below the top rarely change).
    struct Memory: Sendable {
        var symbol = RepeatedString()
        var time = Repeated<Int64?>()
        var bbo = BookSides()
        var level2 = BookSides()
    }

    /// One push type's last sides: `bbo` and `level2` take turns, and each repeats its own.
    struct BookSides: Sendable {
        var bids = Repeated<[BookLevel]>()
        var asks = Repeated<[BookLevel]>()
    }

    /// `decode` with nothing kept from earlier frames.
    static func decode(_ frame: UnsafeBufferPointer<UInt8>) -> QFEXMessage? {
        var memory = Memory()
        return decode(frame, memory: &memory)
    }

    /// The message of `frame` if a shortcut reads it, else nil; `memory` keeps the symbol of the
    /// frames before (a client's decoder holds one).
    static func decode(_ frame: UnsafeBufferPointer<UInt8>, memory: inout Memory) -> QFEXMessage? {
        // The general path refuses larger frames; so must the shortcut, to give the same answer.
        guard frame.count <= JSONScanner.defaultMaxBytes, startsAsMarketData(frame), var cursor = JSONCursor(frame),
              cursor.consume(UInt8(ascii: "{")), let typeKey = cursor.key(), typeKey.equals("type"),
              let type = cursor.string() else { return nil }
        if type.equals("bbo") { return book(&cursor, &memory.symbol, &memory.time, &memory.bbo) }
        if type.equals("level2") { return book(&cursor, &memory.symbol, &memory.time, &memory.level2) }
        if type.equals("trade") { return trade(&cursor, &memory) }
        return nil
    }

    private static func book(
        _ cursor: inout JSONCursor, _ lastSymbol: inout RepeatedString, _ lastTime: inout Repeated<Int64?>, _ lastSides: inout BookSides
    ) -> QFEXMessage? {
        var symbol: String?
        var bids: [BookLevel]?
        var asks: [BookLevel]?
        var sequence: Int64?
        var time: Int64?
        var seen = JSONFieldSet()
        let read = cursor.readRemainingMembers { cursor, key in
            if key.equals("symbol"), seen.first(0) { return cursor.read(&symbol, repeating: &lastSymbol) }
            if key.equals("bid"), seen.first(1) {
                bids = cursor.read(repeating: &lastSides.bids) { $0.readBookLevels() }
                return bids != nil
            }
            if key.equals("ask"), seen.first(2) {
                asks = cursor.read(repeating: &lastSides.asks) { $0.readBookLevels() }
                return asks != nil
            }
            if key.equals("sequence"), seen.first(3) { return cursor.readOptional(&sequence) }
            if key.equals("time"), seen.first(4) { return readTime(&cursor, &lastTime, into: &time) }
            return false
        }
        guard read, cursor.isAtEnd, let symbol, let bids, let asks else { return nil }
        return .book(BookSnapshot(symbol: symbol, bids: bids, asks: asks, sequence: sequence, venueTimeMillis: time))
    }

    /// `{"type":"trade","trade_id","symbol","size","price","side","sequence","time"}`; the general
    /// path does not read `sequence` here, so any plain value of it is stepped over.
    private static func trade(_ cursor: inout JSONCursor, _ memory: inout Memory) -> QFEXMessage? {
        var tradeID: String?
        var symbol: String?
        var size: FixedDecimal?
        var price: FixedDecimal?
        var side: Side?
        var time: Int64?
        var seen = JSONFieldSet()
        let read = cursor.readRemainingMembers { cursor, key in
            if key.equals("trade_id"), seen.first(0) { return cursor.readOptional(&tradeID) }
            if key.equals("symbol"), seen.first(1) { return cursor.read(&symbol, repeating: &memory.symbol) }
            if key.equals("size"), seen.first(2) { return cursor.readQuantityOrQuoted(&size) }
            if key.equals("price"), seen.first(3) { return cursor.readDecimalOrQuoted(&price) }
            if key.equals("side"), seen.first(4) {
                guard let word = cursor.string() else { return false }
                side = word.equals("buy") || word.equals("BUY") ? .buy : word.equals("sell") || word.equals("SELL") ? .sell : nil
                return side != nil
            }
            if key.equals("sequence"), seen.first(5) { return cursor.skipValue() }
            if key.equals("time"), seen.first(6) { return readTime(&cursor, &memory.time, into: &time) }
            return false
        }
        guard read, cursor.isAtEnd, let symbol, let size, let price, let side else { return nil }
        return .trade(Trade(symbol: symbol, price: price, quantity: size, side: side, tradeID: tradeID, venueTimeMillis: time))
    }

    /// `null` or an RFC 3339 time, read from the frame's bytes (the general path builds a String
    /// first, to the same result), or taken from `last` when the text repeats.
    @inline(__always)
    private static func readTime(_ cursor: inout JSONCursor, _ last: inout Repeated<Int64?>, into time: inout Int64?) -> Bool {
        if cursor.null() { return true }
        guard let text = cursor.string() else { return false }
        time = last.value(of: text, QFEXMarketDecoding.millis(utf8:))
        return true
    }

    /// True for a frame that starts `{"type":"bbo"`, `{"type":"leve` or `{"type":"trad`: other
    /// frames are turned away in a few instructions.
    @inline(__always)
    private static func startsAsMarketData(_ frame: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let name = bytes(after: #"{"type":""#, count: 4, in: frame) else { return false }
        return name.equals(#"bbo""#) || name.equals("leve") || name.equals("trad")
    }
}

/// The shortcut's contract, checked by the tests on examples, mutations and simulated sessions.
extension QFEXShortcuts {
    /// Nil when the shortcut reads `frame` to the message the general path gives, or declines it;
    /// otherwise both answers.
    static func disagreement(_ frame: [UInt8]) -> String? {
        var memory = Memory()
        return disagreement(frame, memory: &memory)
    }

    /// `disagreement` with the symbol and time kept from earlier frames, as a client decodes.
    static func disagreement(_ frame: [UInt8], memory: inout Memory) -> String? {
        var decoder = QFEXDecoder()
        return shortcutDisagreement(frame, shortcut: { decode($0, memory: &memory) }, general: { decoder.decodeGenerally($0) })
    }
}
