/// One end of a TCP connection: an IPv4 (4 bytes) or IPv6 (16 bytes) address and a port.
struct TCPEndpoint: Hashable, Comparable, CustomStringConvertible {
    var address: [UInt8]
    var port: UInt16

    static func < (lhs: TCPEndpoint, rhs: TCPEndpoint) -> Bool {
        lhs.address.lexicographicallyPrecedes(rhs.address) || (lhs.address == rhs.address && lhs.port < rhs.port)
    }

    var description: String {
        if address.count == 4 {
            return address.map(String.init).joined(separator: ".") + ":\(port)"
        }
        var groups: [String] = []
        for index in stride(from: 0, to: address.count, by: 2) {
            groups.append(String(UInt16(address[index]) << 8 | UInt16(address[index + 1]), radix: 16))
        }
        return "[" + groups.joined(separator: ":") + "]:\(port)"
    }
}

/// A TCP segment taken out of a captured packet.
struct TCPSegment {
    var source: TCPEndpoint
    var destination: TCPEndpoint
    var sequenceNumber: UInt32
    var syn: Bool
    var ack: Bool
    var fin: Bool
    var rst: Bool
    /// The payload's range in the capture file.
    var payload: Range<Int>
    /// Payload bytes the IP header announces but the capture does not hold (snapshot length).
    var missingPayloadBytes: Int
}
