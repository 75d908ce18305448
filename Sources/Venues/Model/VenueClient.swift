import TapeCore

/// What every venue client offers its driver (a socket, a tape, a simulator). A replay engine can
/// hold any venue's client through this protocol and feed it whole tape frames with `handle(_:)`.
public protocol VenueClient: Sendable {
    /// Orders, positions, balances as the venue last described them.
    var account: AccountState { get }
    /// True between `connected` and `disconnected`.
    var isConnected: Bool { get }
    mutating func connected(at now: Timestamp) -> [ClientAction]
    mutating func disconnected(at now: Timestamp) -> [ClientAction]
    /// One inbound text message.
    mutating func receivedFrame(_ payload: [UInt8], at now: Timestamp) -> [ClientAction]
    /// One outbound text message the client did not produce itself (the outbound side of a tape),
    /// read so that answers correlate. Never asks to send.
    mutating func sentFrame(_ payload: [UInt8], at now: Timestamp) -> [ClientAction]
    mutating func timerFired(_ timer: ClientTimer, at now: Timestamp) -> [ClientAction]
    /// Broken consistency rules (empty when the state is consistent).
    func invariantViolations() -> [String]
}

extension VenueClient {
    /// Handles any tape frame: inbound text is decoded and applied, outbound text is read as a
    /// request, `opened` connects and `close`/`closed`/`lost` disconnect (once). WebSocket
    /// control frames are answered by the socket layer, and notes carry no venue state.
    public mutating func handle(_ frame: Frame) -> [ClientAction] {
        switch frame.kind {
        case .text:
            switch frame.direction {
            case .inbound: return receivedFrame(frame.payload, at: frame.time)
            case .outbound: return sentFrame(frame.payload, at: frame.time)
            }
        case .binary:
            // Every venue here speaks text only.
            guard frame.direction == .inbound else { return [] }
            return [.emit(.unrecognised(UnrecognisedFrame(reason: .unexpectedFrame("binary"), raw: frame.payload)))]
        case .opened:
            return connected(at: frame.time)
        case .close, .closed, .lost:
            // A close frame is followed by `closed`; act once, on whichever comes first.
            return isConnected ? disconnected(at: frame.time) : []
        case .ping, .pong, .error, .annotation:
            return []
        }
    }
}
