import TapeCore

/// What a venue client asks its driver to do; the driver interprets these in one `switch`.
public enum ClientAction: Hashable, Sendable {
    /// Send a WebSocket message (text unless `kind` says otherwise).
    case send(FrameKind, [UInt8])
    /// Call `timerFired(_:at:)` at this time (replacing an earlier request for the same timer).
    case scheduleTimer(ClientTimer, at: Timestamp)
    case cancelTimer(ClientTimer)
    case emit(VenueEvent)
    /// Close the connection.
    case close(CloseInfo)

    /// A text message from JSON.
    static func sendJSON(_ json: JSONOutput) -> ClientAction {
        .send(.text, json.bytes)
    }
}

/// The timers a venue client can ask for.
public enum ClientTimer: Hashable, Sendable {
    /// Time to send a keep-alive if nothing else went out.
    case heartbeat
    /// Authentication must have succeeded by now.
    case authenticationDeadline
}
