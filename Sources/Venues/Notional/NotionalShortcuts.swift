/// Notional's account pushes that come every second whatever the account does (`accountSummary`
/// in its v2 schema, and `activeAssetData`), nearly every frame of an account session, read in one
/// pass with a `JSONCursor`: no token tape, no field tables. Each push is read by its shape
/// (`JSONShape`) the first time, and after that by the template of the last one
/// (`JSONTemplate`): the frame is compared with the last, and only the values that changed read.
///
/// It reads only the plain shape the venue sends: `channel` first, then `data`, each once; numbers
/// plain or quoted; no escapes. Members the general path does not read are stepped over, as it
/// ignores them. For anything else (another channel, the v1 schema, a repeated field, bad JSON) it
/// returns nil, and `NotionalDecoder` decodes the frame the general way, reporting what is wrong.
/// Both ways give the same message: tests compare them on every example, on random mutations and
/// on a simulated session.
enum NotionalShortcuts {
    /// What the shortcut keeps from frame to frame: the values of the last pushes while their
    /// bytes repeat (`Repeated`: every push names the account, most the same coins and leverages),
    /// and the template and values of each push (`JSONTemplated`: a push repeats its members,
    /// only some values change).
    struct Memory: Sendable {
        var kept = Kept()
        fileprivate var summary = JSONTemplated(Summary())
        fileprivate var assetData = JSONTemplated(AssetData())
    }

    /// One `Repeated` per field.
    struct Kept: Sendable {
        var user = RepeatedString()
        var coin = RepeatedString()
        var balanceCoin = RepeatedString()
        var assetLeverage = Repeated<FixedDecimal?>()
        var positionLeverage = Repeated<FixedDecimal?>()
    }

    /// `decode` with nothing kept from earlier frames.
    static func decode(_ frame: UnsafeBufferPointer<UInt8>) -> NotionalMessage? {
        var memory = Memory()
        return decode(frame, memory: &memory)
    }

    /// The message of `frame` if a shortcut reads it, else nil; `memory` keeps what the frames
    /// before taught (a client's decoder holds one).
    static func decode(_ frame: UnsafeBufferPointer<UInt8>, memory: inout Memory) -> NotionalMessage? {
        // The general path refuses larger frames; so must the shortcut, to give the same answer.
        guard frame.count <= JSONScanner.defaultMaxBytes else { return nil }
        // As the venue writes them, told apart by their first bytes (reading the channel cost 2 % of a replay).
        if bytes(after: #"{"channel":"accountSummary""#, count: 0, in: frame) != nil {
            return accountSummary(frame, &memory.summary, &memory.kept).map { .accountSummary($0) }
        }
        if bytes(after: #"{"channel":"activeAssetData""#, count: 0, in: frame) != nil {
            return activeAssetData(frame, &memory.assetData, &memory.kept)
        }
        guard var cursor = JSONCursor(frame), cursor.consume(UInt8(ascii: "{")),
              let channelKey = cursor.key(), channelKey.equals("channel"), let channel = cursor.string() else { return nil }
        if channel.equals("accountSummary") {
            return accountSummary(frame, &memory.summary, &memory.kept).map { .accountSummary($0) }
        }
        if channel.equals("activeAssetData") { return activeAssetData(frame, &memory.assetData, &memory.kept) }
        return nil
    }

    /// `{channel, data: {user, summary}}` with a v2 summary (`balances[]` and `assetPositions[]`);
    /// the v1 schema is left to the general path. Read by the last summary's template when the
    /// frame follows it, else by `Summary.shape` (and the template learnt). (Each piece of the
    /// memory is its own argument: a closure over the whole memory would overlap the template's.)
    private static func accountSummary(
        _ frame: UnsafeBufferPointer<UInt8>, _ summary: inout JSONTemplated<Summary>, _ kept: inout Kept
    ) -> NotionalAccountSummary? {
        var cursor = JSONCursor(frame)!
        // The template is kept only for a summary the shortcut reads (not for a v1 one, say).
        return cursor.read(
            Summary.shape, by: &summary, reset: { $0.reset() },
            { parts, cursor, slot, element in parts.read(&cursor, slot, element, &kept) },
            finish: { cursor, parts in cursor.isAtEnd ? parts.summary() : nil })
    }

    /// `{channel, data: {user, coin, leverage: {type, value} or a number, …}}`; the tradable sizes
    /// are not kept.
    private static func activeAssetData(
        _ frame: UnsafeBufferPointer<UInt8>, _ assetData: inout JSONTemplated<AssetData>, _ kept: inout Kept
    ) -> NotionalMessage? {
        var cursor = JSONCursor(frame)!
        return cursor.read(
            AssetData.shape, by: &assetData, reset: { $0 = AssetData() },
            { parts, cursor, slot, _ in parts.read(&cursor, slot, &kept) },
            finish: { cursor, parts in cursor.isAtEnd ? parts.message() : nil })
    }

    /// The values of an `activeAssetData` push, by slot of `shape`.
    fileprivate struct AssetData {
        static let user = 0, coin = 1, leverage = 2
        static let shape = JSONShape.object([
            ("channel", .constant(#""activeAssetData""#)),
            ("data", .object([("user", .value(user)), ("coin", .value(coin)), ("leverage", .value(leverage))])),
        ])

        var user: String?
        var coin: String?
        var leverage: FixedDecimal??

        @inline(__always)
        mutating func read(_ cursor: inout JSONCursor, _ slot: Int, _ kept: inout Kept) -> Bool {
            switch slot {
            case Self.user: return cursor.read(&user, repeating: &kept.user)
            case Self.coin: return cursor.read(&coin, repeating: &kept.coin)
            default:
                leverage = cursor.read(repeating: &kept.assetLeverage, NotionalShortcuts.readLeverage)
                return leverage != nil
            }
        }

        func message() -> NotionalMessage? {
            guard let user, let coin, let leverage = leverage ?? nil, leverage > .zero else { return nil }
            return .activeAssetData(user: user, coin: coin, leverage: leverage)
        }
    }

    /// The values of an `accountSummary` push, by slot of `shape`: what is read of the summary,
    /// and of each entry of its lists.
    fileprivate struct Summary {
        enum Slot: Int {
            case user, availableMargin, time, accountValue, totalMarginUsed
            case balances, balance, balanceCoin, balanceTotal, balanceHold
            case assetPositions, assetPosition, position, coin, szi, entryPx, marginUsed, liqPx, liquidationPx, unrealizedPnl, leverage
        }

        static let shape: JSONShape = {
            func value(_ slot: Slot) -> JSONShape { .value(slot.rawValue) }
            let balance = JSONShape.object(
                [("coin", value(.balanceCoin)), ("total", value(.balanceTotal)), ("hold", value(.balanceHold))],
                opened: Slot.balance.rawValue)
            let position = JSONShape.object(
                [("coin", value(.coin)), ("szi", value(.szi)), ("entryPx", value(.entryPx)), ("marginUsed", value(.marginUsed)),
                 ("liqPx", value(.liqPx)), ("liquidationPx", value(.liquidationPx)), ("unrealizedPnl", value(.unrealizedPnl)),
                 ("leverage", value(.leverage))],
                opened: Slot.position.rawValue)
            let summary = JSONShape.object([
                ("balances", .array(of: balance, opened: Slot.balances.rawValue)),
                ("assetPositions", .array(of: .object([("position", position)], opened: Slot.assetPosition.rawValue),
                                          opened: Slot.assetPositions.rawValue)),
                ("crossMarginSummary", .object([("accountValue", value(.accountValue)), ("totalMarginUsed", value(.totalMarginUsed))],
                                               nullable: true)),
                ("availableMargin", value(.availableMargin)),
                ("time", value(.time)),
            ])
            return .object([
                ("channel", .constant(#""accountSummary""#)),
                ("data", .object([("user", value(.user)), ("summary", summary)])),
            ])
        }()

        struct BalanceParts {
            var coin: String?
            var total: FixedDecimal?
            var hold: FixedDecimal?
        }

        struct PositionParts {
            var isThere = false
            var coin: String?
            var signed: FixedDecimal?
            var entry: FixedDecimal?, margin: FixedDecimal?, liquidation: FixedDecimal?, liquidationNew: FixedDecimal?
            var pnl: FixedDecimal?
            var leverage: FixedDecimal??
        }

        var user: String?
        var availableMargin: FixedDecimal?
        var time: Int64?
        var accountValue: FixedDecimal?
        var totalMarginUsed: FixedDecimal?
        var hasBalances = false
        var hasAssetPositions = false
        var balances: [BalanceParts] = []
        var positions: [PositionParts] = []
        /// The lists of the last summary made, made again in place: by the next frame the summary
        /// that shared them is gone, so no list is allocated a frame.
        var madeBalances: [Balance] = []
        var madePositions: [Position] = []

        /// Nothing read, with the lists' room kept.
        mutating func reset() {
            user = nil
            availableMargin = nil
            time = nil
            accountValue = nil
            totalMarginUsed = nil
            hasBalances = false
            hasAssetPositions = false
            balances.removeAll(keepingCapacity: true)
            positions.removeAll(keepingCapacity: true)
        }

        @inline(__always)
        mutating func read(
            _ cursor: inout JSONCursor, _ slot: Int, _ element: Int, _ kept: inout Kept
        ) -> Bool {
            // By raw value: `Slot(rawValue:)` was a call per value.
            switch slot {
            case Slot.user.rawValue: return cursor.read(&user, repeating: &kept.user)
            case Slot.availableMargin.rawValue: return cursor.readOptionalDecimalOrQuoted(&availableMargin)
            case Slot.time.rawValue: return cursor.readOptional(&time)
            case Slot.accountValue.rawValue: return cursor.readOptionalDecimalOrQuoted(&accountValue)
            case Slot.totalMarginUsed.rawValue: return cursor.readOptionalDecimalOrQuoted(&totalMarginUsed)
            case Slot.balances.rawValue: hasBalances = true
            case Slot.balance.rawValue: balances.append(BalanceParts())
            case Slot.balanceCoin.rawValue: return cursor.read(&balances[element].coin, repeating: &kept.balanceCoin)
            case Slot.balanceTotal.rawValue: return cursor.readDecimalOrQuoted(&balances[element].total)
            case Slot.balanceHold.rawValue: return cursor.readOptionalDecimalOrQuoted(&balances[element].hold)
            case Slot.assetPositions.rawValue: hasAssetPositions = true
            case Slot.assetPosition.rawValue: positions.append(PositionParts())
            case Slot.position.rawValue: positions[element].isThere = true
            case Slot.coin.rawValue: return cursor.read(&positions[element].coin, repeating: &kept.coin)
            case Slot.szi.rawValue: return cursor.readDecimalOrQuoted(&positions[element].signed)
            case Slot.entryPx.rawValue: return cursor.readOptionalDecimalOrQuoted(&positions[element].entry)
            case Slot.marginUsed.rawValue: return cursor.readOptionalDecimalOrQuoted(&positions[element].margin)
            case Slot.liqPx.rawValue: return cursor.readOptionalDecimalOrQuoted(&positions[element].liquidation)
            case Slot.liquidationPx.rawValue: return cursor.readOptionalDecimalOrQuoted(&positions[element].liquidationNew)
            case Slot.unrealizedPnl.rawValue: return cursor.readOptionalDecimalOrQuoted(&positions[element].pnl)
            default: // Slot.leverage
                positions[element].leverage = cursor.read(repeating: &kept.positionLeverage, NotionalShortcuts.readLeverage)
                return positions[element].leverage != nil
            }
            return true
        }

        /// The summary, or nil where the general path would refuse the frame or read it as v1.
        mutating func summary() -> NotionalAccountSummary? {
            guard let user, hasBalances, hasAssetPositions else { return nil }
            let balances = balances, positions = positions
            guard madeBalances.remake(count: balances.count, { index in
                let balance = balances[index]
                // What is free is the total less what orders hold.
                guard let coin = balance.coin, let total = balance.total else { return nil }
                return Balance(asset: coin, total: total, available: total.subtracting(balance.hold ?? .zero))
            }) else { return nil }
            guard madePositions.remake(count: positions.count, { index in
                let parts = positions[index]
                guard parts.isThere, let coin = parts.coin, let signed = parts.signed, let size = signed.magnitude else { return nil }
                return Position(
                    symbol: coin, side: signed.isZero ? .flat : (signed.isNegative ? .short : .long), size: size,
                    entryPrice: parts.entry, margin: parts.margin, liquidationPrice: parts.liquidation ?? parts.liquidationNew,
                    unrealisedPnL: parts.pnl, leverage: parts.leverage ?? nil)
            }) else { return nil }
            if madePositions.count > 1 { madePositions.sort { $0.symbol < $1.symbol } }
            return NotionalAccountSummary(
                schema: .v2Strings, user: user, accountValue: accountValue, totalMarginUsed: totalMarginUsed,
                availableMargin: availableMargin, balances: madeBalances, positions: madePositions, timeMillis: time)
        }
    }

    /// A leverage as both schemas write it: `{type, value}` (the value required), a plain or quoted
    /// number, or `null` (`.some(nil)`); nil for anything else. (The object, the same in every
    /// push, is read once and then compared: `JSONCursor.read(repeating:_:)`.)
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
