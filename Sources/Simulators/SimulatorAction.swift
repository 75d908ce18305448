import TapeCore

/// What a simulator dialect asks its driver (a socket server, a test) to do; the driver
/// interprets these in one `switch`.
public enum SimulatorAction: Hashable, Sendable {
    /// Send a WebSocket message or control frame to one connection.
    case send(ConnectionID, FrameKind, [UInt8])
    /// Close one connection with this code and reason.
    case close(ConnectionID, CloseInfo)
    /// Call `timerFired(_:at:)` at this time (replacing an earlier request for the same timer).
    case scheduleTimer(SimulatorTimer, at: Timestamp)
    case cancelTimer(SimulatorTimer)
}

/// A timer a dialect asks for, per connection.
public struct SimulatorTimer: Hashable, Sendable, CustomStringConvertible {
    public enum Kind: Hashable, Sendable {
        /// Close the connection when nothing arrived for the idle timeout.
        case idle
        /// The client must have authenticated by now.
        case authenticationDeadline
        /// Send a keep-alive (venues whose server pings).
        case heartbeat
    }

    public var connection: ConnectionID
    public var kind: Kind

    public init(_ connection: ConnectionID, _ kind: Kind) {
        self.connection = connection
        self.kind = kind
    }

    public var description: String { "\(connection) \(kind)" }
}
