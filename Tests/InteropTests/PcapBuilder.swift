/// Builds pcap and pcapng files in memory, byte by byte from the published layouts (libpcap file format,
/// pcapng draft-ietf-opsawg-pcapng, RFC 791/8200/9293), so tests can cover what the shared captures don't.
struct PcapBuilder {
    struct Endpoint {
        var address: [UInt8]
        var port: UInt16
    }

    enum Link {
        case ethernet, raw, linuxCooked, linuxCookedV2, null, unknown(UInt32)

        var linkType: UInt32 {
            switch self {
            case .ethernet: 1
            case .raw: 101
            case .linuxCooked: 113
            case .linuxCookedV2: 276
            case .null: 0
            case let .unknown(type): type
            }
        }
    }

    struct Packet {
        var unixNanoseconds: Int64
        var bytes: [UInt8]
    }

    static func be16(_ value: UInt16) -> [UInt8] { [UInt8(value >> 8), UInt8(value & 0xFF)] }
    static func be32(_ value: UInt32) -> [UInt8] { be16(UInt16(value >> 16)) + be16(UInt16(value & 0xFFFF)) }
    static func u16(_ value: UInt16, bigEndian: Bool) -> [UInt8] { bigEndian ? be16(value) : be16(value).reversed() }
    static func u32(_ value: UInt32, bigEndian: Bool) -> [UInt8] { bigEndian ? be32(value) : be32(value).reversed() }

    static let syn: UInt8 = 0x02, ack: UInt8 = 0x10, fin: UInt8 = 0x01, rst: UInt8 = 0x04, psh: UInt8 = 0x08

    /// A TCP segment inside IPv4 or IPv6 (by address length) inside the link layer.
    static func segment(_ link: Link, from source: Endpoint, to destination: Endpoint, seq: UInt32, flags: UInt8, payload: [UInt8] = []) -> [UInt8] {
        let tcp = be16(source.port) + be16(destination.port) + be32(seq) + be32(0) + [0x50, flags] + be16(65535) + [0, 0, 0, 0] + payload
        let ip: [UInt8]
        let etherType: UInt16
        if source.address.count == 4 {
            ip = [0x45, 0] + be16(UInt16(20 + tcp.count)) + [0, 0, 0x40, 0, 64, 6, 0, 0] + source.address + destination.address + tcp
            etherType = 0x0800
        } else {
            ip = [0x60, 0, 0, 0] + be16(UInt16(tcp.count)) + [6, 64] + source.address + destination.address + tcp
            etherType = 0x86DD
        }
        switch link {
        case .ethernet:
            return [2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2] + be16(etherType) + ip
        case .raw, .unknown:
            return ip
        case .linuxCooked:
            return [0, 0, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0] + be16(etherType) + ip
        case .linuxCookedV2:
            return be16(etherType) + [0, 0] + be32(1) + [0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0] + ip
        case .null:
            // The family in the capturing host's byte order (little-endian here): 2 = IPv4, 10 = Linux IPv6.
            return (source.address.count == 4 ? [2, 0, 0, 0] : [10, 0, 0, 0]) + ip
        }
    }

    static func pcap(_ packets: [Packet], link: Link, bigEndian: Bool = false, nanoseconds: Bool = false) -> [UInt8] {
        var out = u32(nanoseconds ? 0xA1B2_3C4D : 0xA1B2_C3D4, bigEndian: bigEndian)
        out += u16(2, bigEndian: bigEndian) + u16(4, bigEndian: bigEndian) + [UInt8](repeating: 0, count: 8)
        out += u32(65535, bigEndian: bigEndian) + u32(link.linkType, bigEndian: bigEndian)
        for packet in packets {
            let seconds = UInt32(packet.unixNanoseconds / 1_000_000_000)
            let fraction = packet.unixNanoseconds % 1_000_000_000
            out += u32(seconds, bigEndian: bigEndian) + u32(UInt32(nanoseconds ? fraction : fraction / 1000), bigEndian: bigEndian)
            out += u32(UInt32(packet.bytes.count), bigEndian: bigEndian) + u32(UInt32(packet.bytes.count), bigEndian: bigEndian)
            out += packet.bytes
        }
        return out
    }

    /// A pcapng file: one section, one interface with `if_tsresol` = `resolution` when given (else µs).
    /// With `simpleFrom`, packets from that index on are written as Simple Packet Blocks (no timestamp).
    static func pcapng(_ packets: [Packet], link: Link, bigEndian: Bool = false, resolution: UInt8? = nil, simpleFrom: Int = .max) -> [UInt8] {
        func block(_ type: UInt32, _ body: [UInt8]) -> [UInt8] {
            var padded = body
            while padded.count % 4 != 0 { padded.append(0) }
            let length = UInt32(12 + padded.count)
            return u32(type, bigEndian: bigEndian) + u32(length, bigEndian: bigEndian) + padded + u32(length, bigEndian: bigEndian)
        }
        var out = block(0x0A0D_0D0A, u32(0x1A2B_3C4D, bigEndian: bigEndian) + u16(1, bigEndian: bigEndian) + u16(0, bigEndian: bigEndian)
                        + [UInt8](repeating: 0xFF, count: 8))
        var options: [UInt8] = []
        if let resolution {
            options += u16(9, bigEndian: bigEndian) + u16(1, bigEndian: bigEndian) + [resolution, 0, 0, 0]
        }
        options += [0, 0, 0, 0]
        out += block(1, u16(UInt16(link.linkType), bigEndian: bigEndian) + [0, 0] + u32(0, bigEndian: bigEndian) + options)
        // Units per second from if_tsresol: 10^n or 2^n.
        var unitsPerSecond: Int64 = 1_000_000
        if let resolution {
            unitsPerSecond = 1
            for _ in 0..<(resolution & 0x7F) { unitsPerSecond *= resolution & 0x80 == 0 ? 10 : 2 }
        }
        for (index, packet) in packets.enumerated() {
            if index >= simpleFrom {
                out += block(3, u32(UInt32(packet.bytes.count), bigEndian: bigEndian) + packet.bytes)
                continue
            }
            let seconds = packet.unixNanoseconds / 1_000_000_000
            let units = UInt64(seconds * unitsPerSecond + (packet.unixNanoseconds % 1_000_000_000) * unitsPerSecond / 1_000_000_000)
            out += block(6, u32(0, bigEndian: bigEndian) + u32(UInt32(units >> 32), bigEndian: bigEndian) + u32(UInt32(units & 0xFFFF_FFFF), bigEndian: bigEndian)
                         + u32(UInt32(packet.bytes.count), bigEndian: bigEndian) + u32(UInt32(packet.bytes.count), bigEndian: bigEndian) + packet.bytes)
        }
        return out
    }
}
