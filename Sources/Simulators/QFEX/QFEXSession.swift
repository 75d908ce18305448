import TapeCore
import Venues

/// One QFEX connection: the trade socket (authentication, account channels, orders) or the
/// market-data socket (public channels per symbol), told apart by the request path (`/mds…` is
/// market data, anything else trades, as wss://trade.qfex.com and wss://mds.qfex.com are two hosts).
public struct QFEXSession: Sendable {
    public enum Kind: Hashable, Sendable {
        case trade
        case marketData
    }

    public let connection: ConnectionID
    public let kind: Kind
    /// The API key this trade session authenticated with.
    public internal(set) var key: String?
    /// Trade-socket channels: `orders`/`order_responses`, `positions`, `balances`, `fills`.
    public internal(set) var channels: [String] = []
    /// Market-data channels and symbols (`*` for all).
    public internal(set) var marketChannels: [String] = []
    public internal(set) var marketSymbols: [String] = []
    var cancelOnDisconnect = false

    init(connection: ConnectionID, kind: Kind) {
        self.connection = connection
        self.kind = kind
    }

    func wants(_ channel: String, symbol: String) -> Bool {
        marketChannels.contains(channel) && (marketSymbols.contains("*") || marketSymbols.contains(symbol))
    }
}

/// One QFEX trader (an API key) at the simulated exchange.
struct QFEXTrader: Sendable {
    let key: String
    /// The exchange account id (raw: this file sees only the Venues vocabulary).
    let account: UInt32
    var orders: [QFEXTrackedOrder] = []
    /// Orders sent to the exchange and not yet accepted, by client tag.
    var pending: [UInt64: QFEXTrackedOrder] = [:]
    /// The most recent fills, newest last (get_user_trades).
    var trades: [JSONOutput] = []
    var observedPosition: Int64 = 0
}

/// The wire side of an order the exchange holds.
struct QFEXTrackedOrder: Sendable {
    var exchangeID: UInt64 = 0
    var orderID: String
    var clientOrderID: String
    var side: Side
    var type: String
    var timeInForce: String
    /// Price units (1/100 USD); 0 for market orders.
    var priceUnits: Int64
    var lots: Int64
    var remaining: Int64
}
