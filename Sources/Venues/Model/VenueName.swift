/// The venues Tapedeck speaks, by the name tapes carry in their header (`TapeHeader.venue`).
public enum VenueName: String, CaseIterable, Sendable {
    case digitex
    case qfex
    case roxom
    case notional
    case satori

    /// Which fields, query parameters and handshake headers carry this venue's secrets.
    public var redactionRules: RedactionRules {
        switch self {
        case .digitex: DigitexRedaction.rules
        case .qfex: QFEXRedaction.rules
        case .roxom: RoxomRedaction.rules
        case .satori: SatoriRedaction.rules
        // Notional subscribes by public wallet address and sends no credentials.
        case .notional: RedactionRules(fields: [])
        }
    }
}
