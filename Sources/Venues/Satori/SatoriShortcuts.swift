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
    /// The String of the last symbol, kept while it repeats (`RepeatedString`), and the template
    /// and values of the last trade (`JSONTemplated`: the venue writes every trade's members in
    /// one order).
    struct Memory: Sendable {
        var symbol = RepeatedString()
        fileprivate var trade = JSONTemplated(TradeParts())
    }

    /// `decode` with nothing kept from earlier frames.
    static func decode(_ frame: UnsafeBufferPointer<UInt8>) -> SatoriMessage? {
        var memory = Memory()
        return decode(frame, memory: &memory)
    }

    /// The message of `frame` if a shortcut reads it, else nil; `memory` keeps what the frames
    /// before taught (a client's decoder holds one). Read by the last trade's template when the
    /// frame follows it, else by `TradeParts.shape`.
    static func decode(_ frame: UnsafeBufferPointer<UInt8>, memory: inout Memory) -> SatoriMessage? {
        // The general path refuses larger frames; so must the shortcut, to give the same answer.
        guard frame.count <= JSONScanner.defaultMaxBytes, namesTradeEvent(frame) else { return nil }
        return trade(frame, &memory.trade, &memory.symbol).map { .trade($0) }
    }

    /// The trade of `frame`, with the template and the symbol in hand: each its own argument, so
    /// that the template is read where it lies (passed within the memory, it was retained and the
    /// read was not inlined: +4 % a frame).
    private static func trade(
        _ frame: UnsafeBufferPointer<UInt8>, _ templated: inout JSONTemplated<TradeParts>, _ lastSymbol: inout RepeatedString
    ) -> Trade? {
        guard var cursor = JSONCursor(frame) else { return nil }
        return cursor.read(
            TradeParts.shape, by: &templated, reset: { $0 = TradeParts() },
            { parts, cursor, slot, _ in parts.read(&cursor, slot, &lastSymbol) },
            finish: { cursor, parts in cursor.isAtEnd ? parts.trade() : nil })
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

    /// The values of an `api_trade` push, by slot of `shape`: `{"data":{…},"event":"api_trade",…}`
    /// in any member order, the trade's fields each once.
    fileprivate struct TradeParts {
        static let event = 0, direction = 1, symbol = 2, price = 3, quantity = 4, tradeId = 5, time = 6
        static let shape = JSONShape.object([
            ("data", .object([
                ("direction", .value(direction)), ("symbol", .value(symbol)), ("price", .value(price)),
                ("quantity", .value(quantity)), ("tradeId", .value(tradeId)), ("time", .value(time)),
            ])),
            ("event", .value(event)),
            // An answer to a subscription, or a request echoed back: the general path's.
            ("method", .refused), ("apiKey", .refused),
        ])

        var hasEvent = false
        var side: Side?
        var symbol: String?
        var price: FixedDecimal?
        var quantity: FixedDecimal?
        var tradeID: String?
        var time: Int64?

        @inline(__always)
        mutating func read(_ cursor: inout JSONCursor, _ slot: Int, _ lastSymbol: inout RepeatedString) -> Bool {
            switch slot {
            case Self.event:
                guard let name = cursor.string(), name.equals("api_trade") else { return false }
                hasEvent = true
                return true
            case Self.direction:
                guard let word = cursor.string() else { return false }
                side = word.equals("LONG") ? .buy : word.equals("SHORT") ? .sell : nil
                return side != nil
            case Self.symbol: return cursor.read(&symbol, repeating: &lastSymbol)
            case Self.price: return cursor.readDecimalOrQuoted(&price)
            case Self.quantity: return cursor.readQuantityOrQuoted(&quantity)
            case Self.tradeId: return cursor.readOptionalIntegerID(&tradeID)
            default: return cursor.readOptional(&time) // Self.time
            }
        }

        func trade() -> Trade? {
            guard hasEvent, let side, let symbol, let price, let quantity else { return nil }
            return Trade(symbol: symbol, price: price, quantity: quantity, side: side, tradeID: tradeID, venueTimeMillis: time)
        }
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
