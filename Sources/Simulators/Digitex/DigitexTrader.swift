import Exchange
import TapeCore
import Venues

/// One Digitex trader (an API token) at the simulated exchange: the wire ids of its order,
/// contract and conditional-order chains, which the exchange core does not know about.
struct DigitexTrader: Sendable {
    let token: String
    let account: AccountID
    /// Open orders in the order they were accepted.
    var orders: [DigitexTrackedOrder] = []
    /// Orders sent to the exchange (or waiting in a conditional order) by client tag.
    var pending: [UInt64: DigitexPendingOrder] = [:]
    var conditionals: [DigitexTrackedConditional] = []
    /// The live contract chain (one per position), if any.
    var contract: DigitexContractLink?
    /// What the last push told the trader: signed position and cumulative funding.
    var observedPosition: Int64 = 0
    var observedFunding: Cash = .zero

    init(token: String, account: AccountID) {
        self.token = token
        self.account = account
    }

    func orderIndex(clOrdId: String) -> Int? {
        orders.firstIndex { $0.current == clOrdId || $0.original == clOrdId }
    }
}

/// The wire side of an order the exchange holds.
struct DigitexTrackedOrder: Sendable {
    var id: OrderID
    /// The client's clOrdId (origClOrdId on every link).
    var original: String
    /// The clOrdId of the chain's latest link.
    var current: String
    var details: DigitexPendingOrder
    var remaining: Int64
    var openTimeMillis: Int64
}

/// An order as the client asked for it, before the exchange accepted it.
struct DigitexPendingOrder: Sendable {
    var clOrdId: String
    var side: ExchangeSide
    var isMarket: Bool
    var timeInForce: String
    var price: Price?
    var quantity: Int64
    var leverage: Int64
}

/// A waiting conditional order.
struct DigitexTrackedConditional: Sendable {
    var trigger: TriggerID
    var actionId: String
    var request: DigitexConditionalOrderRequest
    var tag: UInt64
    var timeMillis: Int64
}

/// The latest link of a contract chain.
struct DigitexContractLink: Sendable {
    var id: Int64
    var original: Int64
    var openTimeMillis: Int64
}
