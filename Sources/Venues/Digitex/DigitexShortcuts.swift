/// One-pass decoding of the frames that make up nearly all of a Digitex session: the public
/// market data (`DigitexMarketData`) and the order reports of a trading connection
/// (`DigitexOrderReports`). They skip the general path's token tape and field tables.
///
/// `decode` reads only frames in the plain shape the venue sends, `{"ch":…,"data":{…}}`, with
/// each field a reader knows at most once, numbers as plain JSON numbers, and no escapes. For
/// anything else (another channel, a repeated field, a quoted number, an escape, bad JSON) it
/// returns nil, and `DigitexDecoder` decodes the frame the general way, reporting what is wrong.
/// Both ways give the same message: tests compare them on every example and on random mutations.
enum DigitexShortcuts {
    /// What the shortcuts learn from frame to frame: the templates of the order reports
    /// (`JSONTemplate`), and the symbols' Strings and the book sides while they repeat (`Repeated`).
    struct Memory: Sendable {
        var orderReports = DigitexOrderReports.Templates()
        var marketData = DigitexMarketData.Memory()
        var indexSymbol = RepeatedString()
    }

    /// `decode` with nothing learnt yet.
    static func decode(_ frame: UnsafeBufferPointer<UInt8>) -> DigitexMessage? {
        var memory = Memory()
        return decode(frame, memory: &memory)
    }

    /// The message of `frame` if a shortcut reads it, else nil; `memory` carries what earlier
    /// frames taught (a client's decoder keeps one).
    static func decode(_ frame: UnsafeBufferPointer<UInt8>, memory: inout Memory) -> DigitexMessage? {
        // The general path refuses larger frames; so must the shortcut, to give the same answer.
        guard isHotChannel(frame), frame.count <= JSONScanner.defaultMaxBytes, var cursor = JSONCursor(frame),
              cursor.consume(UInt8(ascii: "{")), let chKey = cursor.key(), chKey.equals("ch"), let written = cursor.string(),
              cursor.consume(UInt8(ascii: ",")), let dataKey = cursor.key(), dataKey.equals("data") else { return nil }
        // As the general path: the docs write `BTCUSD-PERP@trades`, the examples `trades`.
        let channel = DigitexChannelName.afterSymbol(written)
        // Bound straight from the call: a `let` assigned in branches was copied once more (~200 instructions).
        guard let message = data(of: channel, &cursor, &memory), cursor.consume(UInt8(ascii: "}")), cursor.isAtEnd else { return nil }
        return message
    }

    /// The message in `data` (the cursor stands on it) of a channel with a shortcut; nil otherwise.
    @inline(__always)
    private static func data(of channel: UnsafeBufferPointer<UInt8>, _ cursor: inout JSONCursor, _ memory: inout Memory) -> DigitexMessage? {
        if DigitexChannelName(channel).hasPrefix("orderbook_") { return DigitexMarketData.orderBook(&cursor, &memory.marketData) }
        if channel.equals("trades") { return DigitexMarketData.trades(&cursor, &memory.marketData.symbol) }
        if channel.equals("index") { return DigitexMarketData.index(&cursor, &memory.indexSymbol) }
        if channel.equals("orderStatus") {
            return DigitexOrderReports.read(&cursor, .orderStatus, templates: &memory.orderReports).map { .account(.orderStatus, $0) }
        }
        if channel.equals("orderFilled") {
            return DigitexOrderReports.read(&cursor, .orderFilled, templates: &memory.orderReports).map { .account(.orderFilled, $0) }
        }
        return nil
    }

    /// False for a frame that starts `{"ch":"` and then a channel no shortcut reads (most frames of
    /// a trading connection but its order reports), turned away in a few instructions rather than
    /// after reading the channel. (A name written with its symbol, `BTCUSD-PERP@trades`, is turned
    /// away too, and read by the general path.)
    @inline(__always)
    private static func isHotChannel(_ frame: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let name = bytes(after: #"{"ch":""#, count: 6, in: frame) else { return true }
        return name.equals("orderb") || name.equals("trades") || name.equals(#"index""#)
            || name.equals("orderS") || name.equals("orderF")
    }
}

/// The shortcuts' contract, checked by the tests on examples, mutations and simulated sessions.
extension DigitexShortcuts {
    /// The frame decoded the general way, skipping the shortcuts.
    static func general(_ frame: [UInt8]) -> Result<DigitexMessage, UnrecognisedFrame> {
        var decoder = DigitexDecoder()
        do throws(UnrecognisedFrame) {
            return .success(try decoder.decodeGenerally(frame))
        } catch {
            return .failure(error)
        }
    }

    /// Nil when a shortcut reads `frame` to the message the general path gives, or declines it;
    /// otherwise both answers.
    static func disagreement(_ frame: [UInt8]) -> String? {
        var memory = Memory()
        return disagreement(frame, memory: &memory)
    }

    /// `disagreement` with what earlier frames taught the shortcuts, as a client decodes.
    static func disagreement(_ frame: [UInt8], memory: inout Memory) -> String? {
        shortcutDisagreement(frame, shortcut: { decode($0, memory: &memory) }, general: general)
    }
}

/// Digitex's words, read as the general path reads them.
extension JSONCursor {
    /// `null` (nil) or `BUY` / `SELL`; any other word reads nil, as `DigitexVocabulary.side` gives.
    @inline(__always)
    mutating func readOptionalSide(_ side: inout Side?) -> Bool {
        if null() {
            side = nil
            return true
        }
        guard let word = string() else { return false }
        side = word.equals("BUY") ? .buy : word.equals("SELL") ? .sell : DigitexVocabulary.side(String(decoding: word, as: UTF8.self))
        return true
    }
}
