/// Digitex spellings of the shared order vocabulary (`BUY`, `GTF`, `PARTIALLY_FILLED`, …).
enum DigitexVocabulary {
    static func side(_ text: String) -> Side? {
        switch text {
        case "BUY": .buy
        case "SELL": .sell
        default: nil
        }
    }

    static func positionSide(_ text: String) -> PositionSide? {
        switch text {
        case "LONG": .long
        case "SHORT": .short
        // Not in the docs' examples; a flat position most plausibly has no type or an empty one.
        case "", "NONE", "FLAT": .flat
        default: nil
        }
    }

    static func orderType(_ text: String) -> OrderType {
        switch text {
        case "MARKET": .market
        case "LIMIT": .limit
        default: .other(text)
        }
    }

    static func timeInForce(_ text: String) -> TimeInForce {
        switch text {
        case "GTC": .goodTillCancelled
        case "IOC": .immediateOrCancel
        case "FOK": .fillOrKill
        case "GTD": .goodTillDate
        case "GTF": .goodTillFunding
        // The docs list GTD but describe GFD ("good for day"); accept both spellings.
        case "GFD": .goodForDay
        default: .other(text)
        }
    }

    static func status(_ text: String) -> OrderStatus {
        switch text {
        case "PENDING": .pending
        case "ACCEPTED": .accepted
        case "REJECTED": .rejected
        case "CANCELLED": .cancelled
        case "FILLED": .filled
        case "PARTIALLY_FILLED": .partiallyFilled
        case "TERMINATED": .terminated
        case "EXPIRED": .expired
        case "TRIGGERED": .triggered
        default: .other(text)
        }
    }

    static func condition(_ text: String) -> ConditionalOrder.Condition {
        switch text {
        case "LESS_EQUAL": .lessOrEqual
        case "GREATER_EQUAL": .greaterOrEqual
        default: .other(text)
        }
    }

    // The usual words of the decoders' hot fields, matched on bytes (`FieldReader.optionalString(_:words:parse:)`);
    // each agrees with the function above it (DigitexCodecTests checks every entry).
    static let sideWords: [(StaticString, Side?)] = [("BUY", .buy), ("SELL", .sell)]
    static let positionSideWords: [(StaticString, PositionSide?)] = [("LONG", .long), ("SHORT", .short)]
    static let orderTypeWords: [(StaticString, OrderType)] = [("MARKET", .market), ("LIMIT", .limit)]
    static let timeInForceWords: [(StaticString, TimeInForce)] = [
        ("GTC", .goodTillCancelled), ("IOC", .immediateOrCancel), ("FOK", .fillOrKill), ("GTD", .goodTillDate),
        ("GTF", .goodTillFunding), ("GFD", .goodForDay),
    ]
    static let statusWords: [(StaticString, OrderStatus)] = [
        ("ACCEPTED", .accepted), ("FILLED", .filled), ("PARTIALLY_FILLED", .partiallyFilled), ("CANCELLED", .cancelled),
        ("PENDING", .pending), ("REJECTED", .rejected), ("TERMINATED", .terminated), ("EXPIRED", .expired),
        ("TRIGGERED", .triggered),
    ]

    static func text(_ side: Side) -> String {
        switch side {
        case .buy: "BUY"
        case .sell: "SELL"
        }
    }

    static func text(_ type: OrderType) -> String {
        switch type {
        case .market: "MARKET"
        case .limit: "LIMIT"
        case .stopMarket, .stopLimit, .takeProfitMarket, .takeProfitLimit:
            // Digitex has no such order types: stops are conditional orders (placeCondOrder).
            preconditionFailure("Digitex orders are MARKET or LIMIT; use a conditional order for \(type)")
        case .other(let text): text
        }
    }

    static func text(_ timeInForce: TimeInForce) -> String {
        switch timeInForce {
        case .goodTillCancelled: "GTC"
        case .immediateOrCancel: "IOC"
        case .fillOrKill: "FOK"
        case .goodTillDate: "GTD"
        case .goodTillFunding: "GTF"
        case .goodForDay: "GFD"
        case .postOnly: preconditionFailure("Digitex has no post-only time in force")
        case .other(let text): text
        }
    }

    static func text(_ condition: ConditionalOrder.Condition) -> String {
        switch condition {
        case .lessOrEqual: "LESS_EQUAL"
        case .greaterOrEqual: "GREATER_EQUAL"
        case .other(let text): text
        }
    }
}
