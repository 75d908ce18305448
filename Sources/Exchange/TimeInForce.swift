import TapeCore

/// How long an order may rest, as Digitex lists them (GTC, IOC, FOK, GTF, GFD, GTD).
public enum TimeInForce: Hashable, Sendable, CustomStringConvertible {
    /// Good till cancelled.
    case goodTillCancelled
    /// Immediate or cancel: what does not fill at once is cancelled.
    case immediateOrCancel
    /// Fill or kill: fills entirely at once or not at all.
    case fillOrKill
    /// Good till funding: expires at the next funding time (Digitex: 00:00, 08:00, 16:00 UTC).
    case goodTillFunding
    /// Good for day: expires at the next 00:00:00 UTC.
    case goodForDay
    /// Good till a date: expires at the given time (Digitex lists GTD without describing it).
    case goodTillDate(Timestamp)

    /// Whether an order with this time in force may rest in the book.
    public var rests: Bool {
        switch self {
        case .goodTillCancelled, .goodTillFunding, .goodForDay, .goodTillDate: return true
        case .immediateOrCancel, .fillOrKill: return false
        }
    }

    public var description: String {
        switch self {
        case .goodTillCancelled: return "GTC"
        case .immediateOrCancel: return "IOC"
        case .fillOrKill: return "FOK"
        case .goodTillFunding: return "GTF"
        case .goodForDay: return "GFD"
        case .goodTillDate(let time): return "GTD(\(time))"
        }
    }
}
