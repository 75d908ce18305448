/// Turns inbound Notional frames into `NotionalMessage`s, both account-summary schemas included.
public struct NotionalDecoder: Sendable {
    private var scanner = JSONScanner()
    private var shortcuts = NotionalShortcuts.Memory()

    public init() {}

    public mutating func decode(_ bytes: [UInt8]) -> Result<NotionalMessage, UnrecognisedFrame> {
        if let message = bytes.withUnsafeBufferPointer({ NotionalShortcuts.decode($0, memory: &shortcuts) }) { return .success(message) }
        return decodeGenerally(bytes)
    }

    /// Every frame the general way: scanned into tokens, fields looked up by name. Account
    /// summaries (v2) and asset data in their plain shape take a shortcut (`NotionalShortcuts`) to
    /// the same message.
    mutating func decodeGenerally(_ bytes: [UInt8]) -> Result<NotionalMessage, UnrecognisedFrame> {
        scanner.decode(bytes) { (root) throws(DecodeFailure) in try Self.message(root) }
    }

    static func message(_ root: JSONValue) throws(DecodeFailure) -> NotionalMessage {
        let fields = try FieldReader(root, message: "message")
        guard let channel = try fields.optionalString("channel") else {
            throw DecodeFailure(.unknownMessage(root["method"]?.string.map { "request \($0)" }))
        }
        switch channel {
        case "pong":
            return .pong
        case "error":
            let data = try FieldReader(try fields.value("data"), message: channel)
            return .error(VenueError(code: "error", message: try data.optionalString("message")))
        case "subscriptionResponse":
            let data = try FieldReader(try fields.value("data"), message: channel)
            let subscription = try FieldReader(try data.value("subscription"), message: channel)
            return .subscriptionResponse(type: try subscription.string("type"), user: try subscription.optionalString("user"))
        case "accountSummary":
            let data = try FieldReader(try fields.value("data"), message: channel)
            let summary = try FieldReader(try data.value("summary"), message: channel)
            let user = try data.string("user")
            return .accountSummary(summary.has("assetPositions") || summary.has("crossMarginSummary")
                ? try v2(summary, user: user) : try v1(summary, user: user))
        case "userFills":
            let data = try FieldReader(try fields.value("data"), message: channel)
            var fills: [Fill] = []
            for element in try data.array("fills") { fills.append(try fill(element)) }
            return .userFills(user: try data.string("user"), isSnapshot: try data.optionalBool("isSnapshot") ?? false, fills: fills)
        case "orderUpdates":
            let data = try fields.value("data")
            guard data.isArray else { throw fields.bad("data") }
            var updates: [NotionalOrderUpdate] = []
            for element in data.arrayElements { updates.append(try orderUpdate(element)) }
            return .orderUpdates(updates)
        case "userOrderRejections":
            let data = try FieldReader(try fields.value("data"), message: channel)
            var rejections: [NotionalOrderRejection] = []
            for element in try data.array("rejections") { rejections.append(try rejection(element)) }
            return .orderRejections(user: try data.string("user"), rejections)
        case "activeAssetData":
            let data = try FieldReader(try fields.value("data"), message: channel)
            let leverage = try data.value("leverage")
            let value = leverage.isObject ? try FieldReader(leverage, message: "leverage").decimal("value") : leverage.decimal
            guard let value, value > .zero else { throw data.bad("leverage") }
            return .activeAssetData(user: try data.string("user"), coin: try data.string("coin"), leverage: value)
        default:
            throw DecodeFailure(.unknownMessage(channel))
        }
    }

    /// `"B"` (bid) buys, `"A"` (ask) sells, as on Hyperliquid whose shapes these channels follow.
    private static func side(_ fields: FieldReader) throws(DecodeFailure) -> Side {
        switch try fields.string("side") {
        case "B": .buy
        case "A": .sell
        default: throw fields.bad("side")
        }
    }

    /// `{coin, px, sz, side, time, startPosition, dir, closedPnl, hash, oid, crossed, fee, tid, feeToken}`.
    private static func fill(_ value: JSONValue) throws(DecodeFailure) -> Fill {
        let fields = try FieldReader(value, message: "userFills.fills")
        return Fill(
            symbol: try fields.string("coin"), venueOrderID: String(try fields.int("oid")), side: try side(fields),
            price: try fields.decimal("px"), quantity: try fields.quantity("sz"), isMaker: try fields.optionalBool("crossed").map { !$0 },
            fee: try fields.optionalDecimal("fee"), tradeID: try fields.optionalInt("tid").map(String.init),
            venueTimeMillis: try fields.optionalInt("time"))
    }

    /// `{order: {coin, side, limitPx, sz (remaining), oid, timestamp, origSz[, cloid]}, status, statusTimestamp}`.
    private static func orderUpdate(_ value: JSONValue) throws(DecodeFailure) -> NotionalOrderUpdate {
        let entry = try FieldReader(value, message: "orderUpdates")
        let fields = try FieldReader(try entry.value("order"), message: "orderUpdates.order")
        let statusText = try entry.string("status")
        let remaining = try fields.quantity("sz")
        let original = try fields.optionalQuantity("origSz")
        if let original, remaining > original { throw fields.bad("sz") }
        let time = try entry.optionalInt("statusTimestamp")
        let placed = try fields.optionalInt("timestamp")
        let order = Order(
            symbol: try fields.string("coin"), venueOrderID: String(try fields.int("oid")), clientOrderID: try fields.optionalString("cloid"),
            side: try side(fields), type: .limit, price: try fields.decimal("limitPx"), quantity: remaining, originalQuantity: original,
            status: status(statusText, partlyFilled: original.map { remaining < $0 } ?? false),
            venueTimeMillis: time ?? placed)
        return NotionalOrderUpdate(order: order, statusText: statusText)
    }

    /// Hyperliquid's status words: `open`, `filled`, `canceled` and its `…Canceled` kinds,
    /// `rejected` and its `…Rejected` kinds.
    static func status(_ text: String, partlyFilled: Bool) -> OrderStatus {
        switch text {
        case "open": partlyFilled ? .partiallyFilled : .accepted
        case "filled": .filled
        case _ where text == "canceled" || text.hasSuffix("Canceled"): .cancelled
        case _ where text == "rejected" || text.hasSuffix("Rejected"): .rejected
        default: .other(text)
        }
    }

    /// `{coin, side, limitPx, sz, cloid|null, error, time}` (our simulator's shape; Hyperliquid has none).
    private static func rejection(_ value: JSONValue) throws(DecodeFailure) -> NotionalOrderRejection {
        let fields = try FieldReader(value, message: "userOrderRejections.rejections")
        return NotionalOrderRejection(
            symbol: try fields.string("coin"), side: try side(fields), price: try fields.decimal("limitPx"),
            quantity: try fields.quantity("sz"), clientOrderID: try fields.optionalString("cloid"),
            reason: try fields.string("error"), timeMillis: try fields.optionalInt("time"))
    }

    private static func v1(_ summary: FieldReader, user: String) throws(DecodeFailure) -> NotionalAccountSummary {
        var balances: [Balance] = []
        for element in try summary.array("assets") {
            let asset = try FieldReader(element, message: "accountSummary.assets")
            balances.append(Balance(asset: try asset.string("coin"), total: try asset.decimal("total"), available: try asset.optionalDecimal("available")))
        }
        var positions: [Position] = []
        if summary.has("positions") {
            let map = try summary.value("positions")
            guard map.isObject else { throw summary.bad("positions") }
            for (coin, value) in map.members {
                positions.append(try position(value, coin: coin, leverage: nil))
            }
        }
        return NotionalAccountSummary(
            schema: .v1Numbers, user: user, accountValue: try summary.optionalDecimal("accountValue"),
            totalMarginUsed: try summary.optionalDecimal("totalMarginUsed"), availableMargin: try summary.optionalDecimal("availableMargin"),
            balances: balances, positions: positions.sorted { $0.symbol < $1.symbol }, timeMillis: nil)
    }

    private static func v2(_ summary: FieldReader, user: String) throws(DecodeFailure) -> NotionalAccountSummary {
        var balances: [Balance] = []
        for element in try summary.array("balances") {
            let entry = try FieldReader(element, message: "accountSummary.balances")
            let total = try entry.decimal("total")
            let hold = try entry.optionalDecimal("hold") ?? .zero
            balances.append(Balance(asset: try entry.string("coin"), total: total, available: total.subtracting(hold)))
        }
        var positions: [Position] = []
        for element in try summary.array("assetPositions") {
            let wrapper = try FieldReader(element, message: "accountSummary.assetPositions")
            let value = try wrapper.value("position")
            let inner = try FieldReader(value, message: "assetPositions.position")
            var leverage: FixedDecimal?
            if inner.has("leverage") {
                let lever = try inner.value("leverage")
                leverage = lever.isObject ? try FieldReader(lever, message: "leverage").decimal("value") : lever.decimal
            }
            positions.append(try position(value, coin: try inner.string("coin"), leverage: leverage))
        }
        var margin = NotionalAccountSummary(
            schema: .v2Strings, user: user, accountValue: nil, totalMarginUsed: nil,
            availableMargin: try summary.optionalDecimal("availableMargin"), balances: balances,
            positions: positions.sorted { $0.symbol < $1.symbol }, timeMillis: try summary.optionalInt("time"))
        if summary.has("crossMarginSummary") {
            let cross = try FieldReader(try summary.value("crossMarginSummary"), message: "crossMarginSummary")
            margin.accountValue = try cross.optionalDecimal("accountValue")
            margin.totalMarginUsed = try cross.optionalDecimal("totalMarginUsed")
        }
        return margin
    }

    /// Hyperliquid-style position: `szi` is the signed size (negative short).
    private static func position(_ value: JSONValue, coin: String, leverage: FixedDecimal?) throws(DecodeFailure) -> Position {
        let fields = try FieldReader(value, message: "position \(coin)")
        let signed = try fields.decimal("szi")
        let liquidation = try fields.optionalDecimal("liqPx")
        let liquidationNew = try fields.optionalDecimal("liquidationPx")
        // v2 nests leverage as {type, value}; the caller has read it then.
        let ownLeverage = leverage == nil ? try fields.optionalDecimal("leverage") : nil
        guard let size = signed.magnitude else { throw fields.bad("szi") }
        return Position(
            symbol: coin, side: signed.isZero ? .flat : (signed.isNegative ? .short : .long), size: size,
            entryPrice: try fields.optionalDecimal("entryPx"), margin: try fields.optionalDecimal("marginUsed"),
            liquidationPrice: liquidation ?? liquidationNew,
            unrealisedPnL: try fields.optionalDecimal("unrealizedPnl"),
            leverage: leverage ?? ownLeverage)
    }
}
