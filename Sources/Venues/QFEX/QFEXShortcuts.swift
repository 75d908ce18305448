/// QFEX order books (`bbo`, `level2`), nearly every frame of a market-data socket, read in one
/// pass with a `JSONCursor`: no token tape, no field tables.
///
/// It reads only the plain shape the venue sends: `{"type":"bbo"` or `{"type":"level2"` first,
/// then exactly the fields below, each once, levels as `[price, size]` of plain or quoted decimals,
/// no escapes. For anything else (another type, another field, a repeated one, bad JSON) it
/// returns nil, and `QFEXDecoder` decodes the frame the general way, reporting what is wrong. Both
/// ways give the same message: tests compare them on every example, on random mutations and on a
/// simulated session.
enum QFEXShortcuts {
    static func decode(_ frame: UnsafeBufferPointer<UInt8>) -> QFEXMessage? {
        // The general path refuses larger frames; so must the shortcut, to give the same answer.
        guard frame.count <= JSONScanner.defaultMaxBytes, startsAsBook(frame), var cursor = JSONCursor(frame),
              cursor.consume(UInt8(ascii: "{")), let typeKey = cursor.key(), typeKey.equals("type"),
              let type = cursor.string(), type.equals("bbo") || type.equals("level2") else { return nil }
        var symbol: String?
        var bids: [BookLevel]?
        var asks: [BookLevel]?
        var sequence: Int64?
        var time: Int64?
        var seen = JSONFieldSet()
        let read = cursor.readRemainingMembers { cursor, key in
            if key.equals("symbol"), seen.first(0) { return cursor.read(&symbol) }
            if key.equals("bid"), seen.first(1) {
                bids = cursor.readBookLevels()
                return bids != nil
            }
            if key.equals("ask"), seen.first(2) {
                asks = cursor.readBookLevels()
                return asks != nil
            }
            if key.equals("sequence"), seen.first(3) { return cursor.readOptional(&sequence) }
            if key.equals("time"), seen.first(4) {
                // Read from the frame's bytes: the general path builds a String first, to the same result.
                if cursor.null() { return true }
                guard let text = cursor.string() else { return false }
                time = QFEXMarketDecoding.millis(utf8: text)
                return true
            }
            return false
        }
        guard read, cursor.isAtEnd, let symbol, let bids, let asks else { return nil }
        return .book(BookSnapshot(symbol: symbol, bids: bids, asks: asks, sequence: sequence, venueTimeMillis: time))
    }

    /// True for a frame that starts `{"type":"bbo"` or `{"type":"level2"`: other frames are turned
    /// away in a few instructions.
    @inline(__always)
    private static func startsAsBook(_ frame: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let name = bytes(after: #"{"type":""#, count: 4, in: frame) else { return false }
        return name.equals(#"bbo""#) || name.equals("leve")
    }
}

/// The shortcut's contract, checked by the tests on examples, mutations and simulated sessions.
extension QFEXShortcuts {
    /// Nil when the shortcut reads `frame` to the message the general path gives, or declines it;
    /// otherwise both answers.
    static func disagreement(_ frame: [UInt8]) -> String? {
        var decoder = QFEXDecoder()
        return shortcutDisagreement(frame, shortcut: decode, general: { decoder.decodeGenerally($0) })
    }
}
