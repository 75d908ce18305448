/// The public market-data pushes (`orderbook_N`, `trades`, `index`), read in one pass with a
/// `JSONCursor`. They are nearly every frame of a market-data tape, so they skip the general
/// path's token tape and field tables.
///
/// `decode` reads only frames in the plain shape the venue sends: `{"ch":…,"data":{…}}` with
/// exactly the fields below, each once, numbers as plain JSON numbers. For anything else (another
/// channel, an unknown or repeated field, a quoted number, an escape, bad JSON) it returns nil, and
/// `DigitexDecoder` decodes the frame the general way, reporting what is wrong. Both ways give the
/// same message: tests compare them on every example and on random mutations of them.
enum DigitexMarketData {
    static func decode(_ frame: UnsafeBufferPointer<UInt8>) -> DigitexMessage? {
        guard !isOtherChannel(frame), var cursor = JSONCursor(frame), cursor.consume(UInt8(ascii: "{")),
              let chKey = cursor.key(), chKey.equals("ch"), let channel = cursor.string(),
              cursor.consume(UInt8(ascii: ",")), let dataKey = cursor.key(), dataKey.equals("data") else { return nil }
        // As the general path: the docs write `BTCUSD-PERP@trades`, the examples `trades`.
        let name = channel.lastIndex(of: UInt8(ascii: "@")).map { UnsafeBufferPointer(rebasing: channel[($0 + 1)...]) } ?? channel
        let message: DigitexMessage?
        if DigitexChannelName(name).hasPrefix("orderbook_") {
            message = orderBook(&cursor)
        } else if name.equals("trades") {
            message = trades(&cursor)
        } else if name.equals("index") {
            message = index(&cursor)
        } else {
            return nil
        }
        guard let message, cursor.consume(UInt8(ascii: "}")), cursor.isAtEnd else { return nil }
        return message
    }

    /// True for a frame that starts `{"ch":"` and then no market-data channel name: most frames
    /// of a trading connection, turned away in a few instructions rather than after reading their
    /// channel. (A name written with its symbol, `BTCUSD-PERP@trades`, is turned away too, and
    /// read by the general path.)
    @inline(__always)
    private static func isOtherChannel(_ frame: UnsafeBufferPointer<UInt8>) -> Bool {
        let prefix: StaticString = #"{"ch":""#
        let start = prefix.utf8CodeUnitCount
        guard frame.count >= start + 6, memcmpBytes(frame.baseAddress!, prefix.utf8Start, start) else { return false }
        let name = UnsafeBufferPointer(rebasing: frame[start..<(start + 6)])
        return !(name.equals("orderb") || name.equals("trades") || name.equals(#"index""#))
    }

    /// Which fields an object has shown so far, to decline a repeated one (the general path
    /// reads the first of two, and says nothing).
    private struct Seen {
        private var bits: UInt8 = 0

        /// Marks field number `field`; false when it was seen before.
        mutating func first(_ field: UInt8) -> Bool {
            let bit: UInt8 = 1 << field
            defer { bits |= bit }
            return bits & bit == 0
        }

        func has(_ field: UInt8) -> Bool { bits & (1 << field) != 0 }
    }

    private static func orderBook(_ cursor: inout JSONCursor) -> DigitexMessage? {
        var symbol: String?
        var time: Int64?
        var bids: [BookLevel] = []
        var asks: [BookLevel] = []
        var seen = Seen()
        let read = cursor.readObject { cursor, key in
            if key.equals("symbol"), seen.first(0) { return string(&cursor, into: &symbol) }
            if key.equals("ts"), seen.first(1) { return optionalInteger(&cursor, into: &time) }
            if key.equals("bids"), seen.first(2) { return levels(&cursor, into: &bids) }
            if key.equals("asks"), seen.first(3) { return levels(&cursor, into: &asks) }
            return false
        }
        guard read, let symbol, seen.has(2), seen.has(3) else { return nil }
        return .orderBook(BookSnapshot(symbol: symbol, bids: bids, asks: asks, sequence: nil, venueTimeMillis: time))
    }

    /// `[[price, size], …]`; a negative size is the general path's bad field.
    @inline(__always)
    private static func levels(_ cursor: inout JSONCursor, into levels: inout [BookLevel]) -> Bool {
        guard cursor.consume(UInt8(ascii: "[")) else { return false }
        levels.reserveCapacity(8)
        var first = true
        while true {
            switch cursor.nextElement(first: &first) {
            case .end: return true
            case .invalid: return false
            case .next:
                if let (price, size) = cursor.compactIntegerPair() {
                    levels.append(BookLevel(price: price, size: size))
                    continue
                }
                guard cursor.consume(UInt8(ascii: "[")), let price = cursor.decimal(), cursor.consume(UInt8(ascii: ",")),
                      let size = cursor.decimal(), !size.isNegative, cursor.consume(UInt8(ascii: "]")) else { return false }
                levels.append(BookLevel(price: price, size: size))
            }
        }
    }

    private static func trades(_ cursor: inout JSONCursor) -> DigitexMessage? {
        var symbol: String?
        var trades: [Trade] = []
        var seen = Seen()
        let read = cursor.readObject { cursor, key in
            if key.equals("symbol"), seen.first(0) { return string(&cursor, into: &symbol) }
            // Each trade repeats the symbol: the venue sends it first (otherwise the general path reads the frame).
            guard key.equals("trades"), seen.first(1), let symbol else { return false }
            trades.reserveCapacity(4)
            return cursor.readArray { cursor in
                guard let trade = trade(&cursor, symbol: symbol) else { return false }
                trades.append(trade)
                return true
            }
        }
        guard read, seen.has(0), seen.has(1) else { return nil }
        return .trades(trades)
    }

    private static func trade(_ cursor: inout JSONCursor, symbol: String) -> Trade? {
        var price: FixedDecimal?
        var quantity: FixedDecimal?
        var side: Side?
        var time: Int64?
        var seen = Seen()
        let read = cursor.readObject { cursor, key in
            if key.equals("px"), seen.first(0) {
                price = cursor.decimal()
                return price != nil
            }
            if key.equals("qty"), seen.first(1) {
                quantity = cursor.decimal()
                return quantity.map { !$0.isNegative } ?? false
            }
            if key.equals("side"), seen.first(2) { return optionalSide(&cursor, into: &side) }
            if key.equals("ts"), seen.first(3) { return optionalInteger(&cursor, into: &time) }
            return false
        }
        guard read, let price, let quantity else { return nil }
        return Trade(symbol: symbol, price: price, quantity: quantity, side: side, tradeID: nil, venueTimeMillis: time)
    }

    private static func index(_ cursor: inout JSONCursor) -> DigitexMessage? {
        var symbol: String?
        var time: Int64?
        var mark: FixedDecimal?
        var fair: FixedDecimal?
        var spot: FixedDecimal?
        var seen = Seen()
        let read = cursor.readObject { cursor, key in
            if key.equals("indexSymbol"), seen.first(0) { return string(&cursor, into: &symbol) }
            if key.equals("ts"), seen.first(1) { return optionalInteger(&cursor, into: &time) }
            if key.equals("markPx"), seen.first(2) { return optionalDecimal(&cursor, into: &mark) }
            if key.equals("fairPx"), seen.first(3) { return optionalDecimal(&cursor, into: &fair) }
            if key.equals("spotPx"), seen.first(4) { return optionalDecimal(&cursor, into: &spot) }
            return false
        }
        guard read, let symbol else { return nil }
        // Mark, fair, spot: the general path's order, whatever the frame's.
        var prices: [PriceUpdate] = []
        if let mark { prices.append(PriceUpdate(symbol: symbol, kind: .mark, price: mark, venueTimeMillis: time)) }
        if let fair { prices.append(PriceUpdate(symbol: symbol, kind: .fair, price: fair, venueTimeMillis: time)) }
        if let spot { prices.append(PriceUpdate(symbol: symbol, kind: .spot, price: spot, venueTimeMillis: time)) }
        return .index(prices)
    }

    /// A string without escapes.
    @inline(__always)
    private static func string(_ cursor: inout JSONCursor, into value: inout String?) -> Bool {
        value = cursor.string().map { String(decoding: $0, as: UTF8.self) }
        return value != nil
    }

    /// `null` (nil), or `BUY` / `SELL` (any other word reads nil, as in the general path).
    @inline(__always)
    private static func optionalSide(_ cursor: inout JSONCursor, into side: inout Side?) -> Bool {
        if cursor.null() { return true }
        guard let word = cursor.string() else { return false }
        side = word.equals("BUY") ? .buy : word.equals("SELL") ? .sell : DigitexVocabulary.side(String(decoding: word, as: UTF8.self))
        return true
    }

    /// `null` (nil) or an integer.
    @inline(__always)
    private static func optionalInteger(_ cursor: inout JSONCursor, into value: inout Int64?) -> Bool {
        if cursor.null() { return true }
        value = cursor.integer()
        return value != nil
    }

    /// `null` (nil) or a plain decimal.
    @inline(__always)
    private static func optionalDecimal(_ cursor: inout JSONCursor, into value: inout FixedDecimal?) -> Bool {
        if cursor.null() { return true }
        value = cursor.decimal()
        return value != nil
    }
}
