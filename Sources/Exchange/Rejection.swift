import TapeCore

/// A refused request: who asked, about what, and why. Nothing changed at the exchange.
public struct Rejection: Hashable, Sendable {
    /// Why a request was refused; each case names what to fix.
    public enum Reason: Hashable, Sendable, CustomStringConvertible {
        case unknownAccount
        case unknownInstrument
        /// No open order with this id belongs to the account.
        case unknownOrder
        /// No waiting conditional order with this id belongs to the account.
        case unknownTrigger
        /// Quantity is not in 1 … maxQuantity.
        case invalidQuantity
        /// Price is not a positive multiple of the tick size up to maxPrice.
        case invalidPrice
        /// Leverage is not in 1 … maxLeverage.
        case invalidLeverage
        /// Available balance is below the margin (plus fee) the request needs.
        case insufficientMargin(required: Cash, available: Cash)
        /// A reduce-only order on a flat position or on the position's own side.
        case nothingToReduce
        /// The position would exceed maxQuantity.
        case positionLimit
        /// An expiring order whose expiry is not after the current time.
        case alreadyExpired
        /// An amendment that changes nothing, or a quantity below what is already filled.
        case invalidAmendment

        public var description: String {
            switch self {
            case .unknownAccount: return "unknown account: open it with openAccount(deposit:) first"
            case .unknownInstrument: return "unknown instrument: use an index into ExchangeConfig.instruments"
            case .unknownOrder: return "unknown order: it was filled, cancelled or never belonged to this account"
            case .unknownTrigger: return "unknown conditional order: it fired, was cancelled or belongs to another account"
            case .invalidQuantity: return "invalid quantity: send 1 … maxQuantity lots"
            case .invalidPrice: return "invalid price: send a positive multiple of the tick size up to maxPrice"
            case .invalidLeverage: return "invalid leverage: send 1 … maxLeverage"
            case .insufficientMargin(let required, let available):
                return "not enough balance: needs \(required), has \(available) available; deposit or reduce the order"
            case .nothingToReduce: return "reduce-only order would not reduce the position: check the side and position"
            case .positionLimit: return "position limit exceeded: reduce the quantity"
            case .alreadyExpired: return "order would expire at once: choose a later expiry"
            case .invalidAmendment: return "invalid amendment: change price or quantity, and keep quantity above zero"
            }
        }
    }

    /// What was asked.
    public enum Request: Hashable, Sendable {
        case submit(clientTag: UInt64)
        case cancel(OrderID)
        case cancelAll
        case amend(OrderID)
        case setLeverage(Int64)
        case placeTrigger(clientTag: UInt64)
        case cancelTrigger(TriggerID)
    }

    public var account: AccountID
    public var request: Request
    public var reason: Reason
    public var time: Timestamp
}
