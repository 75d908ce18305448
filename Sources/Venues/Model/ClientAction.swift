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

/// Events as the client's actions: each appended event becomes `.emit` at once, so the client
/// returns the array as it is. (Mapping a `[VenueEvent]` into a second array cost an allocation
/// and a copy of every event per account frame.)
struct EmittedEvents {
    var actions: [ClientAction] = []

    mutating func append(_ event: VenueEvent) {
        // A Digitex fill is an order update, a fill, a balance and a position: room for four at once
        // saves the growth from one to two to four (an allocation and a copy each).
        if actions.isEmpty { actions.reserveCapacity(4) }
        actions.append(.emit(event))
    }
}
