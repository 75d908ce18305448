import TapeCore
import Venues

extension VenueName {
    /// True when `payload` is a request of this venue (its command decoder reads it). Used to
    /// decide the direction of documented example messages (requests are outbound) and, in
    /// verify, which recorded outbound frames are commands to re-submit.
    public func isRequest(_ payload: [UInt8]) -> Bool {
        switch self {
        case .digitex: if case .success = DigitexCommand.decode(payload) { return true }
        case .qfex: if case .success = QFEXCommand.decode(payload) { return true }
        case .roxom: if case .success = RoxomCommand.decode(payload) { return true }
        case .notional: if case .success = NotionalCommand.decode(payload) { return true }
        case .satori: if case .success = SatoriSubscription.decode(payload) { return true }
        }
        return false
    }

    /// What the client would send for a recorded request: the request decoded with the venue's
    /// command decoder and submitted to `client` (a probe copy). Nil when the payload is not a
    /// request of this venue.
    func submitRecorded(_ payload: [UInt8], to client: inout any VenueClient, at now: Timestamp) -> [ClientAction]? {
        switch self {
        case .digitex:
            guard case .success(let request) = DigitexCommand.decode(payload), var typed = client as? DigitexClient else { return nil }
            defer { client = typed }
            return typed.submit(request.command, at: now)
        case .qfex:
            guard case .success(let command) = QFEXCommand.decode(payload), var typed = client as? QFEXClient else { return nil }
            defer { client = typed }
            return typed.submit(command, at: now)
        case .roxom:
            guard case .success(let command) = RoxomCommand.decode(payload), var typed = client as? RoxomClient else { return nil }
            defer { client = typed }
            return typed.submit(command, at: now)
        case .notional:
            guard case .success(let command) = NotionalCommand.decode(payload), var typed = client as? NotionalClient else { return nil }
            defer { client = typed }
            return typed.submit(command, at: now)
        case .satori:
            guard case .success(let subscription) = SatoriSubscription.decode(payload), var typed = client as? SatoriClient else { return nil }
            defer { client = typed }
            return typed.submit(subscription, at: now)
        }
    }
}
