/// Public trades (`api_trade`), nearly every frame of a Satori market-data tape, read in one pass
/// with a `JSONCursor`: no token tape, no field tables.
///
/// It reads only the plain shape: `{"data":{…},"event":"api_trade",…}` in any member order, the
/// trade's fields each once, prices and quantities as plain or quoted decimals, integers plain, no
/// escapes. For anything else (another event, an answer with `method`, an echoed request with
/// `apiKey`, a repeated field, bad JSON) it returns nil, and `SatoriDecoder` decodes the frame the
/// general way, reporting what is wrong. Both ways give the same message: tests compare them on
/// every example, on random mutations and on a simulated session.
enum SatoriShortcuts {
    /// The String of the last symbol, kept while it repeats (`RepeatedString`).
    struct Memory: Sendable {
        var symbol = RepeatedString()
    }

    /// `decode` with nothing kept from earlier frames.
    static func decode(_ frame: UnsafeBufferPointer<UInt8>) -> SatoriMessage? {
        var memory = Memory()
        return decode(frame, memory: &memory)
    }

    /// The message of `frame` if a shortcut reads it, else nil; `memory` keeps the symbol of the
    /// frames before (a client's decoder holds one).
    static func decode(_ frame: UnsafeBufferPointer<UInt8>, memory: inout Memory) -> SatoriMessage? {
        // The general path refuses larger frames; so must the shortcut, to give the same answer.
        guard frame.count <= JSONScanner.defaultMaxBytes, namesTradeEvent(frame), var cursor = JSONCursor(frame),
              cursor.consume(UInt8(ascii: "{")) else { return nil }
        // `data` comes before `event` in what the venue sends: the trade is read, then the event
        // after it checked (`JSONCursor.advance(toMember:)`).
        var eventSeen = false
        var first = true
        guard cursor.advance(toMember: "data", first: &first, before: { otherMember(&$0, $1, eventSeen: &eventSeen) }),
              let trade = trade(&cursor, &memory.symbol),
              cursor.readRemainingMembers({ otherMember(&$0, $1, eventSeen: &eventSeen) }), eventSeen, cursor.isAtEnd else { return nil }
        return .trade(trade)
    }

    /// A member beside `data`: the event, once and `api_trade`, or one stepped over; false for
    /// what the general path reads otherwise (`method`, `apiKey`, a second `data`). (A function,
    /// not a closure held in a variable: that cost an allocation a frame.)
    @inline(__always)
    private static func otherMember(_ cursor: inout JSONCursor, _ key: UnsafeBufferPointer<UInt8>, eventSeen: inout Bool) -> Bool {
        if key.equals("event") {
            guard !eventSeen, let name = cursor.string(), name.equals("api_trade") else { return false }
            eventSeen = true
            return true
        }
        // An answer to a subscription, or a request echoed back: the general path's.
        return !key.equals("method") && !key.equals("apiKey") && !key.equals("data") && cursor.skipValue()
    }

    /// True when `"event":"api_trade"` opens the frame or stands among its last 64 bytes, where the
    /// venue writes it after `data`. Account pushes are turned away here in a few dozen
    /// instructions, instead of after their `data` was read as a trade (2.3 k instructions each).
    /// A trade written otherwise is only slower: the general path reads it.
    @inline(__always)
    private static func namesTradeEvent(_ frame: UnsafeBufferPointer<UInt8>) -> Bool {
        let event: StaticString = #""event":"api_trade""#
        let length = event.utf8CodeUnitCount
        guard let base = frame.baseAddress, frame.count > length else { return false }
        if memcmpBytes(base + 1, event.utf8Start, length) { return true }
        var start = frame.count - length
        let lowest = max(1, frame.count - 64)
        while start >= lowest {
            if base[start] == UInt8(ascii: "\""), memcmpBytes(base + start, event.utf8Start, length) { return true }
            start -= 1
        }
        return false
    }

    enum TradeField: String, CaseIterable, Sendable {
        case direction, symbol, price, quantity, tradeId, time
    }

    static let tradeFields = JSONKeyTable<TradeField>()

    private static func trade(_ cursor: inout JSONCursor, _ lastSymbol: inout RepeatedString) -> Trade? {
        var side: Side?
        var symbol: String?
        var price: FixedDecimal?
        var quantity: FixedDecimal?
        var tradeID: String?
        var time: Int64?
        // Six short keys: guessing their order (`JSONKeyOrder`) saved 2 % of a replayed frame, not
        // worth a memory in the decoder.
        var seen = JSONFieldSet()
        let read = cursor.readObject { cursor, key in
            guard let ordinal = tradeFields.ordinal(of: key) else { return cursor.skipValue() }
            guard seen.first(ordinal) else { return false }
            switch tradeFields.field(ordinal) {
            case .direction:
                guard let word = cursor.string() else { return false }
                side = word.equals("LONG") ? .buy : word.equals("SHORT") ? .sell : nil
                return side != nil
            case .symbol: return cursor.read(&symbol, repeating: &lastSymbol)
            case .price: return cursor.readDecimalOrQuoted(&price)
            case .quantity: return cursor.readQuantityOrQuoted(&quantity)
            case .tradeId: return cursor.readOptionalIntegerID(&tradeID)
            case .time: return cursor.readOptional(&time)
            }
        }
        guard read, let side, let symbol, let price, let quantity else { return nil }
        return Trade(symbol: symbol, price: price, quantity: quantity, side: side, tradeID: tradeID, venueTimeMillis: time)
    }
}

/// The shortcut's contract, checked by the tests on examples, mutations and simulated sessions.
extension SatoriShortcuts {
    /// Nil when the shortcut reads `frame` to the message the general path gives, or declines it;
    /// otherwise both answers.
    static func disagreement(_ frame: [UInt8]) -> String? {
        var memory = Memory()
        return disagreement(frame, memory: &memory)
    }

    /// `disagreement` with the symbol kept from earlier frames, as a client decodes.
    static func disagreement(_ frame: [UInt8], memory: inout Memory) -> String? {
        var decoder = SatoriDecoder()
        return shortcutDisagreement(frame, shortcut: { decode($0, memory: &memory) }, general: { decoder.decodeGenerally($0) })
    }
}
