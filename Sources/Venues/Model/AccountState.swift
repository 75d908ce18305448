/// The account as a venue client currently believes it to be: open orders, positions, balances,
/// conditional orders. Every venue client keeps one and updates it only from venue frames.
///
/// Storage is keyed for lookups: orders by id in `Dictionary`s, per-symbol and per-asset state in
/// `SymbolMap`s (few keys, looked up on nearly every frame). Everything that leaves the type is in
/// key order, because `Dictionary` order differs between processes and replay output must not.
public struct AccountState: Hashable, Sendable {
    /// Open orders by the key the venue keeps stable (Digitex: `origClOrdId`; QFEX: `order_id`).
    public internal(set) var ordersByKey: [String: Order] = [:]
    public internal(set) var positionsBySymbol = SymbolMap<Position>()
    public internal(set) var balancesByAsset = SymbolMap<Balance>()
    public internal(set) var conditionalOrdersByID: [String: ConditionalOrder] = [:]
    public internal(set) var leverageBySymbol = SymbolMap<FixedDecimal>()
    /// Whether the venue currently accepts trading requests (false until it says so).
    public internal(set) var tradingAvailable = false

    public init() {}

    public var openOrders: [Order] { ordersByKey.sorted { $0.key < $1.key }.map(\.value) }
    public var positions: [Position] { positionsBySymbol.values }
    public var balances: [Balance] { balancesByAsset.values }
    public var conditionalOrders: [ConditionalOrder] { conditionalOrdersByID.sorted { $0.key < $1.key }.map(\.value) }

    /// The rules the state must satisfy after every frame, whatever the frames were.
    /// Returns one line per broken rule (empty when consistent); tests assert it is empty.
    public func invariantViolations() -> [String] {
        var violations: [String] = []
        for (key, order) in ordersByKey.sorted(by: { $0.key < $1.key }) {
            if !order.status.isOpen { violations.append("order \(key) is kept open with status \(order.status)") }
            if order.quantity <= .zero { violations.append("open order \(key) has quantity \(order.quantity)") }
            if let original = order.originalQuantity, order.quantity > original {
                violations.append("order \(key) has \(order.quantity) open of \(original) placed")
            }
        }
        for (symbol, position) in positionsBySymbol {
            if position.symbol != symbol { violations.append("position stored under \(symbol) is for \(position.symbol)") }
            if position.size.isNegative { violations.append("position \(symbol) has negative size \(position.size)") }
            if (position.side == .flat) != position.size.isZero {
                violations.append("position \(symbol) is \(position.side) with size \(position.size)")
            }
        }
        for (id, conditional) in conditionalOrdersByID.sorted(by: { $0.key < $1.key }) {
            if conditional.actionID != id { violations.append("conditional order stored under \(id) is \(conditional.actionID)") }
            if conditional.quantity.isNegative { violations.append("conditional order \(id) has negative quantity") }
        }
        return violations
    }
}
