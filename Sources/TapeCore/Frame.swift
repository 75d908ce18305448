/// One event on a recorded connection, exactly as it crossed the wire.
///
/// Nothing is normalised: `payload` holds the bytes of the WebSocket message (or, for the
/// connection-level kinds, the encoding described on `FrameKind`). Decoding is the reader's job.
public struct Frame: Hashable, Sendable {
    /// Receive (or send) time on the tape's monotonic time line.
    public var time: Timestamp
    public var direction: Direction
    public var connection: ConnectionID
    public var kind: FrameKind
    public var payload: [UInt8]

    public init(
        time: Timestamp,
        direction: Direction,
        connection: ConnectionID,
        kind: FrameKind,
        payload: [UInt8]
    ) {
        self.time = time
        self.direction = direction
        self.connection = connection
        self.kind = kind
        self.payload = payload
    }

    /// A text frame from a Swift string (UTF-8 bytes, unchanged).
    public static func text(
        _ text: String,
        at time: Timestamp,
        _ direction: Direction,
        connection: ConnectionID = ConnectionID(0)
    ) -> Frame {
        Frame(time: time, direction: direction, connection: connection, kind: .text, payload: Array(text.utf8))
    }
}

/// Which way a frame travelled.
public enum Direction: UInt8, CaseIterable, Hashable, Sendable, CustomStringConvertible {
    /// Venue → client.
    case inbound = 0
    /// Client → venue.
    case outbound = 1

    /// The short name used in tapes, JSON lines and filters: `in` / `out`.
    public var description: String {
        switch self {
        case .inbound: "in"
        case .outbound: "out"
        }
    }

    public init?(name: String) {
        switch name {
        case "in", "inbound": self = .inbound
        case "out", "outbound": self = .outbound
        default: return nil
        }
    }
}

/// Which connection of a recording session a frame belongs to (trading, market data, …).
public struct ConnectionID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var rawValue: UInt32

    public init(_ rawValue: UInt32) {
        self.rawValue = rawValue
    }

    public static func < (lhs: ConnectionID, rhs: ConnectionID) -> Bool {
        lhs.rawValue < rhs.rawValue
    }

    public var description: String { "c\(rawValue)" }
}
