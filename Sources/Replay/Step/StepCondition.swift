import Venues

/// A condition on the replay state (or on what the last frame caused) that the step debugger
/// can break on. Written as text:
///
///     position SYMBOL size|entry|margin|liquidation|upnl|pnl OP NUMBER
///     position SYMBOL side = long|short|flat
///     balance ASSET total|available OP NUMBER
///     orders OP COUNT             (open orders, all connections)
///     anomaly                     (the last step emitted an anomaly)
///     event TYPE                  (the last step emitted an event of that type, e.g. orderFilled)
///
/// OP is one of `>`, `>=`, `<`, `<=`, `=` (or `==`), `!=`.
public enum StepCondition: Equatable, Sendable, CustomStringConvertible {
    public enum Comparison: String, Sendable, CaseIterable {
        case greater = ">", greaterOrEqual = ">=", less = "<", lessOrEqual = "<=", equal = "=", notEqual = "!="

        func holds(_ left: FixedDecimal, _ right: FixedDecimal) -> Bool {
            switch self {
            case .greater: left > right
            case .greaterOrEqual: left >= right
            case .less: left < right
            case .lessOrEqual: left <= right
            case .equal: left == right
            case .notEqual: left != right
            }
        }
    }

    public enum PositionField: String, Sendable, CaseIterable {
        case size, entry, margin, liquidation, upnl, pnl
    }

    public enum BalanceField: String, Sendable, CaseIterable {
        case total, available
    }

    case position(symbol: String, field: PositionField, Comparison, FixedDecimal)
    case positionSide(symbol: String, PositionSide)
    case balance(asset: String, field: BalanceField, Comparison, FixedDecimal)
    case openOrders(Comparison, Int)
    case anomaly
    case event(type: String)

    /// Parses a condition; the error text says what is wrong and what the forms are.
    public static func parse(_ words: [String]) -> Result<StepCondition, ConditionError> {
        let forms = "use 'position SYMBOL size > 100', 'position SYMBOL side = long', 'balance ASSET total < 1000', 'orders > 3', 'anomaly' or 'event TYPE'"
        guard let head = words.first else { return .failure(ConditionError("a condition is missing: \(forms)")) }
        func comparison(_ text: String) -> Comparison? { text == "==" ? .equal : Comparison(rawValue: text) }
        let unreadable = ConditionError("cannot read the condition '\(words.joined(separator: " "))': \(forms)")
        switch head {
        case "anomaly" where words.count == 1:
            return .success(.anomaly)
        case "event" where words.count == 2:
            guard EventType.names.contains(words[1]) else {
                return .failure(ConditionError("unknown event type '\(words[1])': use one of \(EventType.names.joined(separator: ", "))"))
            }
            return .success(.event(type: words[1]))
        case "orders" where words.count == 3:
            guard let op = comparison(words[1]), let count = Int(words[2]) else { return .failure(unreadable) }
            return .success(.openOrders(op, count))
        case "position" where words.count == 5 && words[2] == "side":
            guard comparison(words[3]) == .equal, let side = PositionSide(rawValue: words[4]) else {
                return .failure(ConditionError("cannot read '\(words.joined(separator: " "))': the side is long, short or flat, compared with ="))
            }
            return .success(.positionSide(symbol: words[1], side))
        case "position" where words.count == 5:
            guard let field = PositionField(rawValue: words[2]) else {
                return .failure(ConditionError("unknown position field '\(words[2])': use \(PositionField.allCases.map(\.rawValue).joined(separator: ", ")) or side"))
            }
            guard let op = comparison(words[3]), let value = FixedDecimal(words[4]) else { return .failure(unreadable) }
            return .success(.position(symbol: words[1], field: field, op, value))
        case "balance" where words.count == 5:
            guard let field = BalanceField(rawValue: words[2]) else {
                return .failure(ConditionError("unknown balance field '\(words[2])': use \(BalanceField.allCases.map(\.rawValue).joined(separator: ", "))"))
            }
            guard let op = comparison(words[3]), let value = FixedDecimal(words[4]) else { return .failure(unreadable) }
            return .success(.balance(asset: words[1], field: field, op, value))
        default:
            return .failure(unreadable)
        }
    }

    /// True when the condition holds for `state`, given the events of the last step.
    func holds(in state: ReplayState, lastEvents: [ReplayEvent]) -> Bool {
        switch self {
        case .anomaly:
            return lastEvents.contains { if case .anomaly = $0.event { return true }; return false }
        case .event(let type):
            return lastEvents.contains { $0.type == type }
        case .openOrders(let op, let count):
            return op.holds(FixedDecimal(Int64(state.openOrders.count)), FixedDecimal(Int64(count)))
        case .positionSide(let symbol, let side):
            return (state.position(symbol)?.side ?? .flat) == side
        case .position(let symbol, let field, let op, let value):
            let position = state.position(symbol)
            let actual: FixedDecimal?
            switch field {
            case .size: actual = position?.size ?? 0
            case .entry: actual = position?.entryPrice
            case .margin: actual = position?.margin
            case .liquidation: actual = position?.liquidationPrice
            case .upnl: actual = position?.unrealisedPnL
            case .pnl: actual = position?.realisedPnL
            }
            return actual.map { op.holds($0, value) } ?? false
        case .balance(let asset, let field, let op, let value):
            let balance = state.balance(asset)
            let actual = field == .total ? balance?.total : balance?.available
            return actual.map { op.holds($0, value) } ?? false
        }
    }

    /// Whether the condition reads the account state (else only the last step's events).
    var needsState: Bool {
        switch self {
        case .anomaly, .event: false
        case .position, .positionSide, .balance, .openOrders: true
        }
    }

    public var description: String {
        switch self {
        case .position(let symbol, let field, let op, let value): "position \(symbol) \(field.rawValue) \(op.rawValue) \(value)"
        case .positionSide(let symbol, let side): "position \(symbol) side = \(side.rawValue)"
        case .balance(let asset, let field, let op, let value): "balance \(asset) \(field.rawValue) \(op.rawValue) \(value)"
        case .openOrders(let op, let count): "orders \(op.rawValue) \(count)"
        case .anomaly: "anomaly"
        case .event(let type): "event \(type)"
        }
    }
}

/// Why a condition or command did not parse.
public struct ConditionError: Error, Equatable, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
}
