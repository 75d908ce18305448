import TapeCore

/// One thing an import skipped, repaired or could not decode, with where it was in the source.
public struct ImportNote: Hashable, Sendable, CustomStringConvertible {
    /// What kind of thing happened; `message` has the details.
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        /// A line that is not in the format's shape (kept out of the tape).
        case skippedLine
        /// Empty lines (kept out of the tape; one note with the count).
        case blankLines
        /// A timestamp earlier than the one before it; the frame keeps its place with the earlier time.
        case timeWentBackwards
        /// A timestamp with more than nine decimals; digits below one nanosecond were dropped.
        case precisionDropped
        /// The input ends in the middle of a record, line, packet or frame.
        case truncated
        /// A frame received before any connection was opened, which cannot be attributed.
        case unattributedFrame
        /// A packet whose link layer, network layer or transport is not imported (not IP/TCP, fragments).
        case skippedPacket
        /// A TCP stream that does not carry a WebSocket handshake (other protocol, or TLS).
        case notWebSocket
        /// A WebSocket handshake that failed (refused upgrade or wrong `Sec-WebSocket-Accept`).
        case failedHandshake
        /// A WebSocket frame that breaks RFC 6455; imported as an `error` frame.
        case malformedFrame
        /// Bytes missing from a TCP stream (lost or never captured segments).
        case missingData
        /// A connection still open when the capture ends.
        case endedOpen
    }

    public var kind: Kind
    /// Byte offset in the (decompressed) input where the problem starts, when known.
    public var byteOffset: Int?
    /// 1-based packet number in a pcap/pcapng file, when the problem is tied to one packet.
    public var packetNumber: Int?
    /// A TCP stream, as `client -> server` addresses, or a URL, when the problem is tied to one.
    public var stream: String?
    /// The imported connection the problem belongs to, when it has one.
    public var connection: ConnectionID?
    /// What happened and what was done about it, for a person.
    public var message: String

    public init(
        _ kind: Kind,
        byteOffset: Int? = nil,
        packetNumber: Int? = nil,
        stream: String? = nil,
        connection: ConnectionID? = nil,
        message: String
    ) {
        self.kind = kind
        self.byteOffset = byteOffset
        self.packetNumber = packetNumber
        self.stream = stream
        self.connection = connection
        self.message = message
    }

    /// `kind: message (offset N, packet N, stream S, connection cN)`.
    public var description: String {
        var place: [String] = []
        if let byteOffset { place.append("offset \(byteOffset)") }
        if let packetNumber { place.append("packet \(packetNumber)") }
        if let stream { place.append("stream \(stream)") }
        if let connection { place.append("connection \(connection)") }
        let suffix = place.isEmpty ? "" : " (" + place.joined(separator: ", ") + ")"
        return "\(kind.rawValue): \(message)\(suffix)"
    }
}
