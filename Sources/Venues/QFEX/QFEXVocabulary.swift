/// QFEX spellings of the shared vocabulary.
enum QFEXVocabulary {
    static func side(_ text: String) -> Side? {
        switch text {
        case "BUY", "buy": .buy
        case "SELL", "sell": .sell
        default: nil
        }
    }

    static func text(_ side: Side) -> String {
        switch side {
        case .buy: "BUY"
        case .sell: "SELL"
        }
    }

    static func orderType(_ text: String) -> OrderType {
        switch text {
        case "LIMIT": .limit
        case "MARKET": .market
        default: .other(text)
        }
    }

    static func timeInForce(_ text: String) -> TimeInForce {
        switch text {
        case "GTC": .goodTillCancelled
        case "IOC": .immediateOrCancel
        case "FOK": .fillOrKill
        case "GFD": .goodForDay
        case "ALO": .postOnly
        default: .other(text)
        }
    }

    /// `ACK` means the engine accepted the order; `MODIFIED` keeps it open with new terms. The
    /// statuses the docs name as final are mapped; anything else is one of the ~25 reject codes.
    static func status(_ text: String) -> OrderStatus {
        switch text {
        case "ACK": .accepted
        case "MODIFIED": .modified
        case "PARTIALLY_FILLED": .partiallyFilled
        case "FILLED": .filled
        case "CANCELLED": .cancelled
        case "REJECTED": .rejected
        case "EXPIRED": .expired
        default: .other(text)
        }
    }
}
