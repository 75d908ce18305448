/// The public market-data pushes (`orderbook_N`, `trades`, `index`), read in one pass with a
/// `JSONCursor` (see `DigitexShortcuts`): nearly every frame of a market-data tape. Each reader
/// takes the cursor on the `data` object and declines (nil) an unknown field as well as anything
/// the general path would read differently: the market data has few fields, and a new one is
/// worth the general path's look.
enum DigitexMarketData {
    /// The last symbol's String and book sides, kept while their bytes repeat (`Repeated`): one
    /// side of a snapshot is often the same as in the one before.
    struct Memory: Sendable {
        var symbol = RepeatedString()
        var bids = Repeated<[BookLevel]>()
        var asks = Repeated<[BookLevel]>()
    }

    static func orderBook(_ cursor: inout JSONCursor, _ memory: inout Memory) -> DigitexMessage? {
        var symbol: String?
        var time: Int64?
        var bids: [BookLevel]?
        var asks: [BookLevel]?
        var seen = JSONFieldSet()
        let read = cursor.readObject { cursor, key in
            if key.equals("symbol"), seen.first(0) { return cursor.read(&symbol, repeating: &memory.symbol) }
            if key.equals("ts"), seen.first(1) { return cursor.readOptional(&time) }
            if key.equals("bids"), seen.first(2) {
                bids = cursor.read(repeating: &memory.bids) { levels(&$0) }
                return bids != nil
            }
            if key.equals("asks"), seen.first(3) {
                asks = cursor.read(repeating: &memory.asks) { levels(&$0) }
                return asks != nil
            }
            return false
        }
        guard read, let symbol, let bids, let asks else { return nil }
        return .orderBook(BookSnapshot(symbol: symbol, bids: bids, asks: asks, sequence: nil, venueTimeMillis: time))
    }

    /// `[[price, size], …]`; a negative size is the general path's bad field. Kept out of line:
    /// inlined for both sides, `orderBook` grew so large that the optimizer stopped inlining the
    /// word loads and appends inside it (7 % of a simulated Digitex replay).
    @inline(never)
    private static func levels(_ cursor: inout JSONCursor) -> [BookLevel]? {
        guard cursor.consume(UInt8(ascii: "[")) else { return nil }
        var levels: [BookLevel] = []
        levels.reserveCapacity(8)
        var first = true
        while true {
            switch cursor.nextElement(first: &first) {
            case .end: return levels
            case .invalid: return nil
            case .next:
                if let (price, size) = cursor.compactIntegerPair() {
                    levels.append(BookLevel(price: price, size: size))
                    continue
                }
                guard cursor.consume(UInt8(ascii: "[")), let price = cursor.decimal(), cursor.consume(UInt8(ascii: ",")),
                      let size = cursor.decimal(), !size.isNegative, cursor.consume(UInt8(ascii: "]")) else { return nil }
                levels.append(BookLevel(price: price, size: size))
            }
        }
    }

    static func trades(_ cursor: inout JSONCursor, _ lastSymbol: inout RepeatedString) -> DigitexMessage? {
        var symbol: String?
        var trades: [Trade] = []
        var seen = JSONFieldSet()
        let read = cursor.readObject { cursor, key in
            if key.equals("symbol"), seen.first(0) { return cursor.read(&symbol, repeating: &lastSymbol) }
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
        var seen = JSONFieldSet()
        let read = cursor.readObject { cursor, key in
            if key.equals("px"), seen.first(0) {
                price = cursor.decimal()
                return price != nil
            }
            if key.equals("qty"), seen.first(1) { return cursor.readQuantity(&quantity) }
            if key.equals("side"), seen.first(2) { return cursor.readOptionalSide(&side) }
            if key.equals("ts"), seen.first(3) { return cursor.readOptional(&time) }
            return false
        }
        guard read, let price, let quantity else { return nil }
        return Trade(symbol: symbol, price: price, quantity: quantity, side: side, tradeID: nil, venueTimeMillis: time)
    }

    static func index(_ cursor: inout JSONCursor, _ lastSymbol: inout RepeatedString) -> DigitexMessage? {
        var symbol: String?
        var time: Int64?
        var mark: FixedDecimal?
        var fair: FixedDecimal?
        var spot: FixedDecimal?
        var seen = JSONFieldSet()
        let read = cursor.readObject { cursor, key in
            if key.equals("indexSymbol"), seen.first(0) { return cursor.read(&symbol, repeating: &lastSymbol) }
            if key.equals("ts"), seen.first(1) { return cursor.readOptional(&time) }
            if key.equals("markPx"), seen.first(2) { return cursor.readOptional(&mark) }
            if key.equals("fairPx"), seen.first(3) { return cursor.readOptional(&fair) }
            if key.equals("spotPx"), seen.first(4) { return cursor.readOptional(&spot) }
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
}
