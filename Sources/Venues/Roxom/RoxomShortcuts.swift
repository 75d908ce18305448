/// Roxom market data (`depth`, `level1`, `trade` and `ticker` topics), nearly every frame of a
/// market-data connection, read in one pass with a `JSONCursor`: no token tape, no field tables.
///
/// It reads only the plain shape the venue sends: `topic` first (`depth.SYMBOL`, …), then `type`
/// and `createdTime` before `data`, each once; numbers plain or quoted; no escapes. Members the
/// general path does not read are stepped over, as it ignores them. For anything else (another
/// topic, a repeated field, bad JSON) it returns nil, and `RoxomDecoder` decodes the frame the
/// general way, reporting what is wrong. Both ways give the same message: tests compare them on
/// every example, on random mutations and on a simulated session.
enum RoxomShortcuts {
    private enum Topic {
        case depth, level1, trade, ticker
    }

    /// The String of the last topic's symbol, kept while it repeats (`RepeatedString`).
    struct Memory: Sendable {
        var symbol = RepeatedString()
    }

    /// `decode` with nothing kept from earlier frames.
    static func decode(_ frame: UnsafeBufferPointer<UInt8>) -> RoxomMessage? {
        var memory = Memory()
        return decode(frame, memory: &memory)
    }

    /// The message of `frame` if a shortcut reads it, else nil; `memory` keeps the symbol of the
    /// frames before (a client's decoder holds one).
    static func decode(_ frame: UnsafeBufferPointer<UInt8>, memory: inout Memory) -> RoxomMessage? {
        // The general path refuses larger frames; so must the shortcut, to give the same answer.
        guard frame.count <= JSONScanner.defaultMaxBytes, var cursor = JSONCursor(frame), cursor.consume(UInt8(ascii: "{")),
              let topicKey = cursor.key(), topicKey.equals("topic"), let written = cursor.string(),
              let (topic, symbol) = parse(topic: written, &memory.symbol) else { return nil }
        var type: UnsafeBufferPointer<UInt8>?
        var createdTime: Int64?
        var seen = JSONFieldSet()
        var first = false
        guard cursor.advance(toMember: "data", first: &first, before: { cursor, key in
                  if key.equals("topic") { return false }
                  if key.equals("type") {
                      type = cursor.string()
                      return seen.first(0) && type != nil
                  }
                  if key.equals("createdTime") { return seen.first(1) && cursor.readOptional(&createdTime) }
                  return cursor.skipValue()
              }),
              let message = data(&cursor, topic: topic, symbol: symbol, type: type, time: createdTime.map { $0 / 1_000_000 }),
              // Read after `data`, these would change a message already built: decline.
              cursor.readRemainingMembers({ cursor, key in
                  !key.equals("topic") && !key.equals("type") && !key.equals("createdTime") && !key.equals("data") && cursor.skipValue()
              }),
              cursor.isAtEnd else { return nil }
        return message
    }

    /// The message in `data` (the cursor stands on it), as its topic reads it.
    private static func data(
        _ cursor: inout JSONCursor, topic: Topic, symbol: String, type: UnsafeBufferPointer<UInt8>?, time: Int64?
    ) -> RoxomMessage? {
        switch topic {
        case .depth: type.flatMap { book(&cursor, symbol: symbol, type: $0, time: time) }
        case .level1: level1(&cursor, symbol: symbol, time: time).map { .ticker($0) }
        case .trade: trade(&cursor, symbol: symbol, time: time).map { .trade($0) }
        case .ticker: ticker(&cursor, symbol: symbol, time: time).map { .ticker($0) }
        }
    }

    /// The topic's kind and symbol: `depth.US500-BTC` → (.depth, "US500-BTC"). As the general
    /// path, the symbol is all after the first dot, and must not be empty.
    private static func parse(topic: UnsafeBufferPointer<UInt8>, _ lastSymbol: inout RepeatedString) -> (Topic, String)? {
        guard let dot = topic.firstIndex(of: UInt8(ascii: ".")), dot + 1 < topic.count else { return nil }
        let kind = UnsafeBufferPointer(rebasing: topic[..<dot])
        let symbol = lastSymbol.string(of: UnsafeBufferPointer(rebasing: topic[(dot + 1)...]))
        if kind.equals("depth") { return (.depth, symbol) }
        if kind.equals("level1") { return (.level1, symbol) }
        if kind.equals("trade") { return (.trade, symbol) }
        if kind.equals("ticker") { return (.ticker, symbol) }
        return nil
    }

    /// The data of a depth push: `bid` and `ask`, `[price, size]` each; "0 or negative indicate
    /// removals", so a negative size reads as 0, as in the general path.
    private static func book(_ cursor: inout JSONCursor, symbol: String, type: UnsafeBufferPointer<UInt8>, time: Int64?) -> RoxomMessage? {
        var bids: [BookLevel]?
        var asks: [BookLevel]?
        let read = cursor.readObject { cursor, key in
            if key.equals("bid") {
                guard bids == nil else { return false }
                bids = cursor.readBookLevels(negativeSizeIsRemoval: true)
                return bids != nil
            }
            if key.equals("ask") {
                guard asks == nil else { return false }
                asks = cursor.readBookLevels(negativeSizeIsRemoval: true)
                return asks != nil
            }
            return cursor.skipValue()
        }
        guard read, let bids, let asks else { return nil }
        if type.equals("snapshot") { return .bookSnapshot(BookSnapshot(symbol: symbol, bids: bids, asks: asks, sequence: nil, venueTimeMillis: time)) }
        if type.equals("delta") { return .bookDelta(BookDelta(symbol: symbol, bids: bids, asks: asks, sequence: nil, venueTimeMillis: time)) }
        return nil
    }

    /// The data of a level1 push: `bid` and `ask`, each `[price, size]` or `[]` for an empty side,
    /// both required, as the general path reads them.
    private static func level1(_ cursor: inout JSONCursor, symbol: String, time: Int64?) -> Ticker? {
        var bid: BookLevel??
        var ask: BookLevel??
        var timestamp: Int64?
        var seen = JSONFieldSet()
        let read = cursor.readObject { cursor, key in
            if key.equals("bid") {
                bid = seen.first(0) ? topLevel(&cursor) : nil
                return bid != nil
            }
            if key.equals("ask") {
                ask = seen.first(1) ? topLevel(&cursor) : nil
                return ask != nil
            }
            if key.equals("timestamp") { return seen.first(2) && cursor.readOptional(&timestamp) }
            return cursor.skipValue()
        }
        guard read, let bid, let ask else { return nil }
        return Ticker(symbol: symbol, bidPrice: bid?.price, bidSize: bid?.size, askPrice: ask?.price, askSize: ask?.size,
                      venueTimeMillis: timestamp.map { $0 / 1_000_000 } ?? time)
    }

    /// A level1 side: `[]` (no level: `.some(nil)`) or `[price, size]` with a size that is not
    /// negative; nil for anything else.
    private static func topLevel(_ cursor: inout JSONCursor) -> BookLevel?? {
        if cursor.emptyArray() { return .some(nil) }
        guard let level = cursor.readBookLevel() else { return nil }
        return .some(level)
    }

    private static func trade(_ cursor: inout JSONCursor, symbol: String, time: Int64?) -> Trade? {
        var price: FixedDecimal?
        var quantity: FixedDecimal?
        var side: Side?
        var tradeID: String?
        var timestamp: Int64?
        var seen = JSONFieldSet()
        let read = cursor.readObject { cursor, key in
            if key.equals("price") { return seen.first(0) && cursor.readDecimalOrQuoted(&price) }
            if key.equals("qty") { return seen.first(1) && cursor.readQuantityOrQuoted(&quantity) }
            if key.equals("side") {
                guard seen.first(2) else { return false }
                if cursor.null() { return true }
                guard let word = cursor.string() else { return false }
                side = word.equals("buy") ? .buy : word.equals("sell") ? .sell : nil
                return side != nil
            }
            if key.equals("tradeId") { return seen.first(3) && cursor.readOptional(&tradeID) }
            if key.equals("timestamp") { return seen.first(4) && cursor.readOptional(&timestamp) }
            return cursor.skipValue()
        }
        guard read, let price, let quantity else { return nil }
        return Trade(symbol: symbol, price: price, quantity: quantity, side: side, tradeID: tradeID,
                     venueTimeMillis: timestamp.map { $0 / 1_000_000 } ?? time)
    }

    enum TickerField: String, CaseIterable, Sendable {
        case lastPrice, bestBid, bestAsk, markPrice, fundingRate, nextFundingTime, openInterest, volume, timestamp
    }

    static let tickerFields = JSONKeyTable<TickerField>()

    private static func ticker(_ cursor: inout JSONCursor, symbol: String, time: Int64?) -> Ticker? {
        var ticker = Ticker(symbol: symbol)
        var nextFunding: Int64?
        var timestamp: Int64?
        var seen = JSONFieldSet()
        let read = cursor.readObject { cursor, key in
            guard let ordinal = tickerFields.ordinal(of: key) else { return cursor.skipValue() }
            guard seen.first(ordinal) else { return false }
            switch tickerFields.field(ordinal) {
            case .lastPrice: return cursor.readOptionalDecimalOrQuoted(&ticker.lastPrice)
            case .bestBid: return cursor.readOptionalDecimalOrQuoted(&ticker.bidPrice)
            case .bestAsk: return cursor.readOptionalDecimalOrQuoted(&ticker.askPrice)
            case .markPrice: return cursor.readOptionalDecimalOrQuoted(&ticker.markPrice)
            case .fundingRate: return cursor.readOptionalDecimalOrQuoted(&ticker.fundingRate)
            case .nextFundingTime: return cursor.readOptional(&nextFunding)
            case .openInterest:
                return cursor.readOptionalDecimalOrQuoted(&ticker.openInterest) && !(ticker.openInterest?.isNegative ?? false)
            case .volume: return cursor.readOptionalDecimalOrQuoted(&ticker.volume24h) && !(ticker.volume24h?.isNegative ?? false)
            case .timestamp: return cursor.readOptional(&timestamp)
            }
        }
        guard read else { return nil }
        ticker.nextFundingTimeMillis = nextFunding.map { $0 / 1_000_000 }
        ticker.venueTimeMillis = timestamp.map { $0 / 1_000_000 } ?? time
        return ticker
    }
}

/// The shortcut's contract, checked by the tests on examples, mutations and simulated sessions.
extension RoxomShortcuts {
    /// Nil when the shortcut reads `frame` to the message the general path gives, or declines it;
    /// otherwise both answers.
    static func disagreement(_ frame: [UInt8]) -> String? {
        var memory = Memory()
        return disagreement(frame, memory: &memory)
    }

    /// `disagreement` with the symbol kept from earlier frames, as a client decodes.
    static func disagreement(_ frame: [UInt8], memory: inout Memory) -> String? {
        var decoder = RoxomDecoder()
        return shortcutDisagreement(frame, shortcut: { decode($0, memory: &memory) }, general: { decoder.decodeGenerally($0) })
    }
}
