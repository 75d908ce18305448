/// Takes a captured packet apart down to its TCP segment: link layer (Ethernet with VLAN tags,
/// raw IP, Linux cooked v1/v2, BSD loopback/null), IPv4 or IPv6 (with extension headers), TCP.
enum PacketDecoder {
    enum Outcome {
        case segment(TCPSegment)
        /// Not something this importer imports; the reason goes into a note.
        case skipped(String)
        /// The link type is not one this decoder knows.
        case unknownLinkType(UInt32)
    }

    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, _ packet: CapturedPacket) -> Outcome {
        let data = packet.data
        switch packet.linkType {
        case 0: // LINKTYPE_NULL: 4-byte address family in the capturing host's byte order.
            guard data.count >= 4 else { return .skipped("loopback header cut short") }
            let little = UInt32(bytes[data.lowerBound]) | UInt32(bytes[data.lowerBound + 1]) << 8
            return afterFamily(little == 0 ? EndianReader.bigEndianU32(bytes, data.lowerBound) : little, bytes, data.dropFirst(4))
        case 108: // LINKTYPE_LOOP: 4-byte address family, big-endian.
            guard data.count >= 4 else { return .skipped("loopback header cut short") }
            return afterFamily(EndianReader.bigEndianU32(bytes, data.lowerBound), bytes, data.dropFirst(4))
        case 1: // LINKTYPE_ETHERNET
            var start = data.lowerBound + 12
            while true {
                guard data.upperBound - start >= 2 else { return .skipped("Ethernet header cut short") }
                let etherType = EndianReader.bigEndianU16(bytes, start)
                if etherType == 0x8100 || etherType == 0x88A8 {
                    start += 4 // VLAN tag
                    continue
                }
                return afterEtherType(etherType, bytes, (start + 2)..<data.upperBound)
            }
        case 101, 12, 14: // LINKTYPE_RAW (and the DLT values some systems write for it)
            return ip(bytes, data)
        case 228:
            return ipv4(bytes, data)
        case 229:
            return ipv6(bytes, data)
        case 113: // LINKTYPE_LINUX_SLL: protocol type at offset 14 of a 16-byte header.
            guard data.count >= 16 else { return .skipped("Linux cooked header cut short") }
            return afterEtherType(EndianReader.bigEndianU16(bytes, data.lowerBound + 14), bytes, data.dropFirst(16))
        case 276: // LINKTYPE_LINUX_SLL2: protocol type at offset 0 of a 20-byte header.
            guard data.count >= 20 else { return .skipped("Linux cooked v2 header cut short") }
            return afterEtherType(EndianReader.bigEndianU16(bytes, data.lowerBound), bytes, data.dropFirst(20))
        default:
            return .unknownLinkType(packet.linkType)
        }
    }

    private static func afterFamily(_ family: UInt32, _ bytes: UnsafeBufferPointer<UInt8>, _ data: Range<Int>) -> Outcome {
        switch family {
        case 2: return ipv4(bytes, data)
        case 10, 24, 28, 30: return ipv6(bytes, data) // AF_INET6 on Linux, BSDs, macOS
        default: return .skipped("loopback address family \(family) is not IP")
        }
    }

    private static func afterEtherType(_ type: UInt16, _ bytes: UnsafeBufferPointer<UInt8>, _ data: Range<Int>) -> Outcome {
        switch type {
        case 0x0800: return ipv4(bytes, data)
        case 0x86DD: return ipv6(bytes, data)
        default: return .skipped("EtherType 0x\(String(type, radix: 16)) is not IP")
        }
    }

    private static func ip(_ bytes: UnsafeBufferPointer<UInt8>, _ data: Range<Int>) -> Outcome {
        guard let first = data.first.map({ bytes[$0] }) else { return .skipped("empty IP packet") }
        switch first >> 4 {
        case 4: return ipv4(bytes, data)
        case 6: return ipv6(bytes, data)
        default: return .skipped("IP version \(first >> 4) is not 4 or 6")
        }
    }

    private static func ipv4(_ bytes: UnsafeBufferPointer<UInt8>, _ data: Range<Int>) -> Outcome {
        let start = data.lowerBound
        guard data.count >= 20, bytes[start] >> 4 == 4 else { return .skipped("IPv4 header cut short or wrong version") }
        let headerLength = Int(bytes[start] & 0x0F) * 4
        let totalLength = Int(EndianReader.bigEndianU16(bytes, start + 2))
        guard headerLength >= 20, data.count >= headerLength, totalLength >= headerLength else {
            return .skipped("IPv4 header length \(headerLength) / total length \(totalLength) impossible")
        }
        let fragment = EndianReader.bigEndianU16(bytes, start + 6)
        guard fragment & 0x3FFF == 0 else { return .skipped("IPv4 fragment (fragments are not reassembled)") }
        guard bytes[start + 9] == 6 else { return .skipped("IP protocol \(bytes[start + 9]) is not TCP") }
        let source = Array(UnsafeBufferPointer(rebasing: bytes[(start + 12)..<(start + 16)]))
        let destination = Array(UnsafeBufferPointer(rebasing: bytes[(start + 16)..<(start + 20)]))
        // Ethernet pads short frames: the IP total length, not the captured length, ends the packet.
        let announcedEnd = start + totalLength
        return tcp(bytes, (start + headerLength)..<min(announcedEnd, data.upperBound), missing: max(0, announcedEnd - data.upperBound), source, destination)
    }

    private static func ipv6(_ bytes: UnsafeBufferPointer<UInt8>, _ data: Range<Int>) -> Outcome {
        let start = data.lowerBound
        guard data.count >= 40, bytes[start] >> 4 == 6 else { return .skipped("IPv6 header cut short or wrong version") }
        let payloadLength = Int(EndianReader.bigEndianU16(bytes, start + 4))
        var nextHeader = bytes[start + 6]
        let source = Array(UnsafeBufferPointer(rebasing: bytes[(start + 8)..<(start + 24)]))
        let destination = Array(UnsafeBufferPointer(rebasing: bytes[(start + 24)..<(start + 40)]))
        let announcedEnd = start + 40 + payloadLength
        var header = start + 40
        while true {
            switch nextHeader {
            case 6:
                guard header <= min(announcedEnd, data.upperBound) else { return .skipped("IPv6 extension headers run past the packet") }
                return tcp(bytes, header..<min(announcedEnd, data.upperBound), missing: max(0, announcedEnd - data.upperBound), source, destination)
            case 0, 43, 60: // hop-by-hop, routing, destination options
                guard data.upperBound - header >= 8 else { return .skipped("IPv6 extension header cut short") }
                nextHeader = bytes[header]
                header += (Int(bytes[header + 1]) + 1) * 8
            case 44:
                return .skipped("IPv6 fragment (fragments are not reassembled)")
            default:
                return .skipped("IPv6 next header \(nextHeader) is not TCP")
            }
        }
    }

    private static func tcp(
        _ bytes: UnsafeBufferPointer<UInt8>, _ data: Range<Int>, missing: Int, _ source: [UInt8], _ destination: [UInt8]
    ) -> Outcome {
        let start = data.lowerBound
        guard data.count >= 20 else { return .skipped("TCP header cut short") }
        let headerLength = Int(bytes[start + 12] >> 4) * 4
        guard headerLength >= 20, data.count >= headerLength else { return .skipped("TCP header length \(headerLength) impossible") }
        let flags = bytes[start + 13]
        return .segment(TCPSegment(
            source: TCPEndpoint(address: source, port: EndianReader.bigEndianU16(bytes, start)),
            destination: TCPEndpoint(address: destination, port: EndianReader.bigEndianU16(bytes, start + 2)),
            sequenceNumber: EndianReader.bigEndianU32(bytes, start + 4),
            syn: flags & 0x02 != 0, ack: flags & 0x10 != 0, fin: flags & 0x01 != 0, rst: flags & 0x04 != 0,
            payload: (start + headerLength)..<data.upperBound,
            missingPayloadBytes: missing
        ))
    }
}
