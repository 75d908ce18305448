/// Notional's account pushes that come every second whatever the account does (`accountSummary`
/// in its v2 schema, and `activeAssetData`), nearly every frame of an account session, read in one
/// pass with a `JSONCursor`: no token tape, no field tables.
///
/// It reads only the plain shape the venue sends: `channel` first, then `data`, each once; numbers
/// plain or quoted; no escapes. Members the general path does not read are stepped over, as it
/// ignores them. For anything else (another channel, the v1 schema, a repeated field, bad JSON) it
/// returns nil, and `NotionalDecoder` decodes the frame the general way, reporting what is wrong.
/// Both ways give the same message: tests compare them on every example, on random mutations and
/// on a simulated session.
enum NotionalShortcuts {
    /// The Strings of the last pushes, kept while they repeat (`RepeatedString`): every push
    /// names the account, and most the same coins.
    struct Memory: Sendable {
        var user = RepeatedString()
        var coin = RepeatedString()
        var balanceCoin = RepeatedString()
    }

    /// `decode` with nothing kept from earlier frames.
    static func decode(_ frame: UnsafeBufferPointer<UInt8>) -> NotionalMessage? {
        var memory = Memory()
        return decode(frame, memory: &memory)
    }

    /// The message of `frame` if a shortcut reads it, else nil; `memory` keeps the Strings of the
    /// frames before (a client's decoder holds one).
    static func decode(_ frame: UnsafeBufferPointer<UInt8>, memory: inout Memory) -> NotionalMessage? {
        // The general path refuses larger frames; so must the shortcut, to give the same answer.
        guard frame.count <= JSONScanner.defaultMaxBytes, var cursor = JSONCursor(frame), cursor.consume(UInt8(ascii: "{")),
              let channelKey = cursor.key(), channelKey.equals("channel"), let channel = cursor.string() else { return nil }
        let isSummary = channel.equals("accountSummary")
        guard isSummary || channel.equals("activeAssetData") else { return nil }
        var first = false
        guard cursor.advance(toMember: "data", first: &first, before: { cursor, key in !key.equals("channel") && cursor.skipValue() }),
              let message = isSummary ? accountSummary(&cursor, &memory).map({ .accountSummary($0) }) : activeAssetData(&cursor, &memory),
              cursor.readRemainingMembers({ cursor, key in !key.equals("channel") && !key.equals("data") && cursor.skipValue() }),
              cursor.isAtEnd else { return nil }
        return message
    }

    /// `{user, coin, leverage: {type, value} or a number, …}`; the tradable sizes are not kept.
    private static func activeAssetData(_ cursor: inout JSONCursor, _ memory: inout Memory) -> NotionalMessage? {
        var user: String?
        var coin: String?
        var leverage: FixedDecimal??
        var seen = JSONFieldSet()
        let read = cursor.readObject { cursor, key in
            if key.equals("user") { return seen.first(0) && cursor.read(&user, repeating: &memory.user) }
            if key.equals("coin") { return seen.first(1) && cursor.read(&coin, repeating: &memory.coin) }
            if key.equals("leverage") {
                leverage = seen.first(2) ? readLeverage(&cursor) : nil
                return leverage != nil
            }
            return cursor.skipValue()
        }
        guard read, let user, let coin, let leverage = leverage ?? nil, leverage > .zero else { return nil }
        return .activeAssetData(user: user, coin: coin, leverage: leverage)
    }

    /// A leverage as both schemas write it: `{type, value}` (the value required), a plain or quoted
    /// number, or `null` (`.some(nil)`); nil for anything else.
    private static func readLeverage(_ cursor: inout JSONCursor) -> FixedDecimal?? {
        if cursor.null() { return .some(nil) }
        var value: FixedDecimal?
        if cursor.readDecimalOrQuoted(&value) { return value }
        var seen = JSONFieldSet()
        let read = cursor.readObject { cursor, key in
            guard key.equals("value") else { return cursor.skipValue() }
            return seen.first(0) && cursor.readDecimalOrQuoted(&value)
        }
        guard read, let value else { return nil }
        return value
    }

    /// `{user, summary}` with a v2 summary (`balances[]` and `assetPositions[]`); the v1 schema is
    /// left to the general path.
    private static func accountSummary(_ cursor: inout JSONCursor, _ memory: inout Memory) -> NotionalAccountSummary? {
        var user: String?
        var first = true
        guard cursor.consume(UInt8(ascii: "{")),
              cursor.advance(toMember: "summary", first: &first, before: { otherMember(&$0, $1, user: &user, &memory.user) }),
              var summary = v2(&cursor, &memory),
              cursor.readRemainingMembers({ otherMember(&$0, $1, user: &user, &memory.user) }), let user else { return nil }
        summary.user = user
        return summary
    }

    /// A member beside `summary`: the user, once (before or after it), or one stepped over; false
    /// for a second summary. (A function, not a closure held in a variable: that cost an
    /// allocation a frame.)
    @inline(__always)
    private static func otherMember(
        _ cursor: inout JSONCursor, _ key: UnsafeBufferPointer<UInt8>, user: inout String?, _ lastUser: inout RepeatedString
    ) -> Bool {
        if key.equals("user") { return user == nil && cursor.read(&user, repeating: &lastUser) }
        return !key.equals("summary") && cursor.skipValue()
    }

    private static func v2(_ cursor: inout JSONCursor, _ memory: inout Memory) -> NotionalAccountSummary? {
        var summary = NotionalAccountSummary(
            schema: .v2Strings, user: "", accountValue: nil, totalMarginUsed: nil, availableMargin: nil,
            balances: [], positions: [], timeMillis: nil)
        var seen = JSONFieldSet()
        let read = cursor.readObject { cursor, key in
            if key.equals("balances") {
                return seen.first(0) && cursor.readArray { readBalance(&$0, &memory.balanceCoin, into: &summary.balances) }
            }
            if key.equals("assetPositions") {
                return seen.first(1) && cursor.readArray { readAssetPosition(&$0, &memory.coin, into: &summary.positions) }
            }
            if key.equals("crossMarginSummary") { return seen.first(2) && readCrossMargin(&cursor, into: &summary) }
            if key.equals("availableMargin") { return seen.first(3) && cursor.readOptionalDecimalOrQuoted(&summary.availableMargin) }
            if key.equals("time") { return seen.first(4) && cursor.readOptional(&summary.timeMillis) }
            // v1 members beside v2 ones: the general path reads v2 and ignores them.
            return cursor.skipValue()
        }
        guard read, seen.has(0), seen.has(1) else { return nil }
        summary.positions.sort { $0.symbol < $1.symbol }
        return summary
    }

    /// `{coin, total, hold, …}`: what is free is the total less what orders hold.
    private static func readBalance(_ cursor: inout JSONCursor, _ lastCoin: inout RepeatedString, into balances: inout [Balance]) -> Bool {
        var coin: String?
        var total: FixedDecimal?
        var hold: FixedDecimal?
        var seen = JSONFieldSet()
        let read = cursor.readObject { cursor, key in
            if key.equals("coin") { return seen.first(0) && cursor.read(&coin, repeating: &lastCoin) }
            if key.equals("total") { return seen.first(1) && cursor.readDecimalOrQuoted(&total) }
            if key.equals("hold") { return seen.first(2) && cursor.readOptionalDecimalOrQuoted(&hold) }
            return cursor.skipValue()
        }
        guard read, let coin, let total else { return false }
        balances.append(Balance(asset: coin, total: total, available: total.subtracting(hold ?? .zero)))
        return true
    }

    /// `{accountValue, totalMarginUsed, …}`, both optional; `null` is no cross-margin summary.
    private static func readCrossMargin(_ cursor: inout JSONCursor, into summary: inout NotionalAccountSummary) -> Bool {
        if cursor.null() { return true }
        var seen = JSONFieldSet()
        return cursor.readObject { cursor, key in
            if key.equals("accountValue") { return seen.first(0) && cursor.readOptionalDecimalOrQuoted(&summary.accountValue) }
            if key.equals("totalMarginUsed") { return seen.first(1) && cursor.readOptionalDecimalOrQuoted(&summary.totalMarginUsed) }
            return cursor.skipValue()
        }
    }

    private enum PositionField: String, CaseIterable, Sendable {
        case coin, szi, entryPx, marginUsed, liqPx, liquidationPx, unrealizedPnl, leverage
    }

    private static let positionFields = JSONKeyTable<PositionField>()

    /// `{position: {coin, szi (signed size), entryPx, marginUsed, liquidationPx or liqPx,
    /// unrealizedPnl, leverage, …}, …}`.
    private static func readAssetPosition(_ cursor: inout JSONCursor, _ lastCoin: inout RepeatedString, into positions: inout [Position]) -> Bool {
        var first = true
        guard cursor.consume(UInt8(ascii: "{")), cursor.advance(toMember: "position", first: &first, before: { cursor, _ in cursor.skipValue() }),
              let position = readPosition(&cursor, &lastCoin),
              cursor.readRemainingMembers({ cursor, key in !key.equals("position") && cursor.skipValue() }) else { return false }
        positions.append(position)
        return true
    }

    private static func readPosition(_ cursor: inout JSONCursor, _ lastCoin: inout RepeatedString) -> Position? {
        var coin: String?
        var signed: FixedDecimal?
        var entry: FixedDecimal?, margin: FixedDecimal?, liquidation: FixedDecimal?, liquidationNew: FixedDecimal?
        var pnl: FixedDecimal?
        var leverage: FixedDecimal??
        var seen = JSONFieldSet()
        let read = cursor.readObject { cursor, key in
            guard let ordinal = positionFields.ordinal(of: key) else { return cursor.skipValue() }
            guard seen.first(ordinal) else { return false }
            switch positionFields.field(ordinal) {
            case .coin: return cursor.read(&coin, repeating: &lastCoin)
            case .szi: return cursor.readDecimalOrQuoted(&signed)
            case .entryPx: return cursor.readOptionalDecimalOrQuoted(&entry)
            case .marginUsed: return cursor.readOptionalDecimalOrQuoted(&margin)
            case .liqPx: return cursor.readOptionalDecimalOrQuoted(&liquidation)
            case .liquidationPx: return cursor.readOptionalDecimalOrQuoted(&liquidationNew)
            case .unrealizedPnl: return cursor.readOptionalDecimalOrQuoted(&pnl)
            case .leverage:
                leverage = readLeverage(&cursor)
                return leverage != nil
            }
        }
        guard read, let coin, let signed, let size = signed.magnitude else { return nil }
        return Position(
            symbol: coin, side: signed.isZero ? .flat : (signed.isNegative ? .short : .long), size: size,
            entryPrice: entry, margin: margin, liquidationPrice: liquidation ?? liquidationNew, unrealisedPnL: pnl,
            leverage: leverage ?? nil)
    }
}

/// The shortcut's contract, checked by the tests on examples, mutations and simulated sessions.
extension NotionalShortcuts {
    /// Nil when the shortcut reads `frame` to the message the general path gives, or declines it;
    /// otherwise both answers.
    static func disagreement(_ frame: [UInt8]) -> String? {
        var memory = Memory()
        return disagreement(frame, memory: &memory)
    }

    /// `disagreement` with the Strings kept from earlier frames, as a client decodes.
    static func disagreement(_ frame: [UInt8], memory: inout Memory) -> String? {
        var decoder = NotionalDecoder()
        return shortcutDisagreement(frame, shortcut: { decode($0, memory: &memory) }, general: { decoder.decodeGenerally($0) })
    }
}
