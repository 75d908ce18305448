/// Turns inbound Notional frames into `NotionalMessage`s, both account-summary schemas included.
public struct NotionalDecoder: Sendable {
    private var scanner = JSONScanner()

    public init() {}

    public mutating func decode(_ bytes: [UInt8]) -> Result<NotionalMessage, UnrecognisedFrame> {
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
        default:
            throw DecodeFailure(.unknownMessage(channel))
        }
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
