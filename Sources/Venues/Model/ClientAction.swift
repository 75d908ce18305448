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

    init() {}

    /// Events written into `spare`'s array, emptied, when no one else holds it: a client that
    /// keeps the array it returned last (`spare`) fills it again once the caller has dropped it,
    /// rather than allocating and freeing one a frame (~230 instructions of a Digitex order
    /// report's ~11,400). An array the caller still holds is left as it is: emptying a shared
    /// array makes a new one.
    init(reusing spare: inout [ClientAction]) {
        swap(&actions, &spare)
        actions.removeAll(keepingCapacity: true)
    }

    mutating func append(_ event: VenueEvent) {
        // A Digitex fill is an order update, a fill, a balance and a position: room for four at once
        // saves the growth from one to two to four (an allocation and a copy each).
        if actions.isEmpty { actions.reserveCapacity(4) }
        actions.append(.emit(event))
    }
}
