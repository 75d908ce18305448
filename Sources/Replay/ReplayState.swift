import TapeCore
import Venues

/// The state of every connection's client at one point of a replay: what the summary prints,
/// the digest ends with, the step debugger shows and diffs, and tests assert on.
public struct ReplayState: Equatable, Sendable {
    public struct Connection: Equatable, Sendable {
        public var id: ConnectionID
        public var venue: String
        public var isConnected: Bool
        public var account: AccountState
        /// The connection that reconnected to the same URL after this one ended: this one's account
        /// is history, left out of `positions`, `balances` and the other totals.
        public var replacedBy: ConnectionID? = nil
    }

    public var time: Timestamp
    public var framesApplied: Int
    /// By connection id.
    public var connections: [Connection]

    /// The connections not replaced by a reconnect.
    public var current: [Connection] { connections.filter { $0.replacedBy == nil } }

    /// Every current connection's positions, by connection then symbol.
    public var positions: [Position] { current.flatMap(\.account.positions) }
    public var balances: [Balance] { current.flatMap(\.account.balances) }
    public var openOrders: [Order] { current.flatMap(\.account.openOrders) }
    public var conditionalOrders: [ConditionalOrder] { current.flatMap(\.account.conditionalOrders) }

    /// The first position in `symbol` that is not flat, else the first in `symbol`.
    public func position(_ symbol: String) -> Position? {
        let matching = positions.filter { $0.symbol == symbol }
        return matching.first { $0.side != .flat } ?? matching.first
    }

    public func balance(_ asset: String) -> Balance? { balances.first { $0.asset == asset } }

    /// One canonical JSON line per connection (no time: two replays that end in the same state
    /// at different times describe it the same way).
    public var canonicalLines: [String] {
        connections.map { connection in
            var bytes: [UInt8] = Array(#"{"connection":"#.utf8)
            CanonicalJSON.appendDigits(Int64(connection.id.rawValue), to: &bytes)
            field("venue", connection.venue, &bytes)
            field("connected", connection.isConnected, &bytes)
            // Only when set, so that digests of tapes without reconnects stay as they were.
            if let replacedBy = connection.replacedBy { field("replacedBy", Int64(replacedBy.rawValue), &bytes) }
            field("tradingAvailable", connection.account.tradingAvailable, &bytes)
            field("openOrders", connection.account.openOrders, &bytes)
            field("positions", connection.account.positions, &bytes)
            field("balances", connection.account.balances, &bytes)
            field("conditionalOrders", connection.account.conditionalOrders, &bytes)
            field("leverage", connection.account.leverageBySymbol, &bytes)
            bytes.append(UInt8(ascii: "}"))
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    private func field(_ name: String, _ value: Any, _ bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: ","))
        CanonicalJSON.appendString(name, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        CanonicalJSON.append(value, to: &bytes)
    }

    /// Human-readable lines: per connection, positions, balances, open orders and conditional orders.
    public var descriptionLines: [String] {
        var lines: [String] = []
        for connection in connections {
            let account = connection.account
            let replaced = connection.replacedBy.map { ", reconnected as \($0)" } ?? ""
            lines.append("\(connection.id) \(connection.venue)\(connection.isConnected ? "" : " (disconnected\(replaced))")\(account.tradingAvailable ? ", trading available" : "")")
            let positions = account.positions
            lines.append("  positions    " + (positions.isEmpty ? "none" : ""))
            for position in positions { lines.append("    " + StateText.position(position)) }
            let balances = account.balances
            lines.append("  balances     " + (balances.isEmpty ? "none" : ""))
            for balance in balances { lines.append("    " + StateText.balance(balance)) }
            let orders = account.openOrders
            lines.append("  open orders  " + (orders.isEmpty ? "none" : "\(orders.count)"))
            for order in orders { lines.append("    " + StateText.order(order)) }
            let conditionals = account.conditionalOrders
            if !conditionals.isEmpty {
                lines.append("  conditional  \(conditionals.count)")
                for conditional in conditionals { lines.append("    " + CanonicalJSON.string(conditional)) }
            }
            let leverage = account.leverageBySymbol.sorted { $0.key < $1.key }
            if !leverage.isEmpty { lines.append("  leverage     " + leverage.map { "\($0.key) \($0.value)" }.joined(separator: ", ")) }
        }
        if lines.isEmpty { lines.append("no connection yet") }
        return lines
    }

    /// Lines describing what changed from `before` to this state (empty when nothing did).
    public func diff(from before: ReplayState) -> [String] {
        let old = before.descriptionLines
        let new = descriptionLines
        var lines: [String] = []
        // A line-based diff keyed by content: removed lines, then added lines, each in order.
        let newSet = Set(new)
        let oldSet = Set(old)
        for line in old where !newSet.contains(line) && line.hasPrefix("    ") { lines.append("- " + line.dropFirst(4)) }
        for line in new where !oldSet.contains(line) && line.hasPrefix("    ") { lines.append("+ " + line.dropFirst(4)) }
        for line in new where !oldSet.contains(line) && !line.hasPrefix("    ") && !line.hasPrefix("  positions") && !line.hasPrefix("  balances") && !line.hasPrefix("  open orders") {
            lines.append("~ " + line.trimmingPrefixSpaces)
        }
        return lines
    }
}

/// Short text forms of the state's parts, for summaries and the debugger.
enum StateText {
    static func position(_ position: Position) -> String {
        var text = "\(position.symbol) \(position.side) \(position.size)"
        if let entry = position.entryPrice { text += " @ \(entry)" }
        if let liquidation = position.liquidationPrice { text += ", liquidation \(liquidation)" }
        if let margin = position.margin { text += ", margin \(margin)" }
        if let unrealised = position.unrealisedPnL { text += ", upnl \(unrealised)" }
        return text
    }

    static func balance(_ balance: Balance) -> String {
        var text = "\(balance.asset) \(balance.total)"
        if let available = balance.available { text += " (available \(available))" }
        return text
    }

    static func order(_ order: Order) -> String {
        var text = "\(order.venueOrderID) \(order.symbol) \(order.side) \(order.type) \(order.quantity)"
        if let price = order.price { text += " @ \(price)" }
        text += " \(order.status)"
        return text
    }
}

extension String {
    fileprivate var trimmingPrefixSpaces: String { String(drop { $0 == " " }) }
}
