/// Reads pcapng files: Section Header, Interface Description, Enhanced Packet, Simple Packet and the
/// obsolete Packet blocks; each section's byte order; per-interface `if_tsresol` and `if_tsoffset`.
/// Other block types are skipped.
struct PcapngReader {
    private struct Interface {
        var linkType: UInt32
        var snapLength: Int
        /// Timestamp units per second as (base, exponent): 10^6 by default.
        var unitsPerSecondBase: Int64 = 10
        var unitsPerSecondExponent: Int64 = 6
        var offsetSeconds: Int64 = 0
    }

    private var reader = EndianReader(bigEndian: false)
    private var interfaces: [Interface] = []
    private var offset = 0
    private var number = 0
    private var lastUnixNanoseconds: Int64 = 0
    /// Set when the file ends inside a block or a block is damaged.
    private(set) var stop: CaptureFileStop?
    /// Packets whose interface or timestamp could not be read properly, for notes (packet number, why).
    private(set) var packetProblems: [(packetNumber: Int, reason: String)] = []
    /// Simple Packet Blocks seen (first packet number, count): they have no timestamp.
    private(set) var simplePackets: (first: Int, count: Int)?

    /// `packetProblems` plus one summary of the Simple Packet Blocks, for notes.
    var problems: [(packetNumber: Int, reason: String)] {
        guard let simplePackets else { return packetProblems }
        return packetProblems + [(simplePackets.first, "\(simplePackets.count) simple packet blocks carry no timestamp; each was given the previous packet's time (first listed)")]
    }

    static let sectionHeaderType: UInt32 = 0x0A0D_0D0A

    /// Nil when the bytes do not start with a pcapng Section Header Block.
    init?(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard bytes.count >= 4, EndianReader.bigEndianU32(bytes, 0) == Self.sectionHeaderType else { return nil }
    }

    /// The next packet, or nil at the end of the file (check `stop` for a cut-short or damaged file).
    mutating func next(_ bytes: UnsafeBufferPointer<UInt8>) -> CapturedPacket? {
        while stop == nil, offset < bytes.count {
            guard bytes.count - offset >= 12 else {
                return stopped(at: offset, "the file ends inside a block header", bytes)
            }
            if EndianReader.bigEndianU32(bytes, offset) == Self.sectionHeaderType {
                // A new section: its byte-order magic decides how everything after it is read.
                guard bytes.count - offset >= 12 else { return stopped(at: offset, "the file ends inside a section header", bytes) }
                switch EndianReader.bigEndianU32(bytes, offset + 8) {
                case 0x1A2B_3C4D: reader = EndianReader(bigEndian: true)
                case 0x4D3C_2B1A: reader = EndianReader(bigEndian: false)
                default: return stopped(at: offset, "a section header with an unknown byte-order magic", bytes)
                }
                interfaces = []
            }
            let type = reader.u32(bytes, offset)
            let length = Int(reader.u32(bytes, offset + 4))
            guard length >= 12, length % 4 == 0 else {
                return stopped(at: offset, "a block of type \(type) has an impossible length \(length)", bytes)
            }
            guard length <= bytes.count - offset else {
                return stopped(at: offset, "the file ends inside a block of \(length) bytes (\(bytes.count - offset) present)", bytes)
            }
            let body = (offset + 8)..<(offset + length - 4)
            offset += length
            switch type {
            case 1:
                readInterface(bytes, body)
            case 6:
                if let packet = enhancedPacket(bytes, body) { return packet }
            case 3:
                if let packet = simplePacket(bytes, body) { return packet }
            case 2:
                if let packet = obsoletePacket(bytes, body) { return packet }
            default:
                continue
            }
        }
        return nil
    }

    private mutating func stopped(at offset: Int, _ reason: String, _ bytes: UnsafeBufferPointer<UInt8>) -> CapturedPacket? {
        stop = CaptureFileStop(byteOffset: offset, packetNumber: number + 1, reason: reason)
        return nil
    }

    private mutating func readInterface(_ bytes: UnsafeBufferPointer<UInt8>, _ body: Range<Int>) {
        guard body.count >= 8 else { return }
        var interface = Interface(linkType: UInt32(reader.u16(bytes, body.lowerBound)), snapLength: Int(reader.u32(bytes, body.lowerBound + 4)))
        var option = body.lowerBound + 8
        while body.upperBound - option >= 4 {
            let code = reader.u16(bytes, option)
            let length = Int(reader.u16(bytes, option + 2))
            let value = option + 4
            guard length <= body.upperBound - value else { break }
            if code == 0 { break }
            if code == 9, length >= 1 {
                // if_tsresol: high bit clear → 10^-n seconds, set → 2^-n seconds.
                let resolution = bytes[value]
                interface.unitsPerSecondBase = resolution & 0x80 == 0 ? 10 : 2
                interface.unitsPerSecondExponent = Int64(resolution & 0x7F)
            } else if code == 14, length >= 8 {
                let high = UInt64(reader.u32(bytes, value)), low = UInt64(reader.u32(bytes, value + 4))
                interface.offsetSeconds = Int64(bitPattern: reader.bigEndian ? high << 32 | low : low << 32 | high)
            }
            option = value + (length + 3) / 4 * 4
        }
        interfaces.append(interface)
    }

    private mutating func enhancedPacket(_ bytes: UnsafeBufferPointer<UInt8>, _ body: Range<Int>) -> CapturedPacket? {
        number += 1
        guard body.count >= 20 else {
            packetProblems.append((number, "enhanced packet block shorter than its 20-byte header; skipped"))
            return nil
        }
        let interfaceID = Int(reader.u32(bytes, body.lowerBound))
        let timestamp = UInt64(reader.u32(bytes, body.lowerBound + 4)) << 32 | UInt64(reader.u32(bytes, body.lowerBound + 8))
        let capturedLength = Int(reader.u32(bytes, body.lowerBound + 12))
        let originalLength = Int(reader.u32(bytes, body.lowerBound + 16))
        let dataStart = body.lowerBound + 20
        guard interfaceID < interfaces.count else {
            packetProblems.append((number, "packet names interface \(interfaceID), which no Interface Description Block defined; skipped"))
            return nil
        }
        guard capturedLength <= body.upperBound - dataStart else {
            packetProblems.append((number, "packet claims \(capturedLength) captured bytes but its block holds \(body.upperBound - dataStart); skipped"))
            return nil
        }
        let interface = interfaces[interfaceID]
        let nanoseconds = Self.nanoseconds(timestamp, interface)
        lastUnixNanoseconds = nanoseconds
        return CapturedPacket(
            number: number, unixNanoseconds: nanoseconds, linkType: interface.linkType,
            data: dataStart..<(dataStart + capturedLength), originalLength: originalLength
        )
    }

    private mutating func simplePacket(_ bytes: UnsafeBufferPointer<UInt8>, _ body: Range<Int>) -> CapturedPacket? {
        number += 1
        guard body.count >= 4, let interface = interfaces.first else {
            packetProblems.append((number, "simple packet block without an interface or length; skipped"))
            return nil
        }
        let originalLength = Int(reader.u32(bytes, body.lowerBound))
        var capturedLength = min(originalLength, body.count - 4)
        if interface.snapLength > 0 { capturedLength = min(capturedLength, interface.snapLength) }
        simplePackets = (simplePackets?.first ?? number, (simplePackets?.count ?? 0) + 1)
        return CapturedPacket(
            number: number, unixNanoseconds: lastUnixNanoseconds, linkType: interface.linkType,
            data: (body.lowerBound + 4)..<(body.lowerBound + 4 + capturedLength), originalLength: originalLength
        )
    }

    private mutating func obsoletePacket(_ bytes: UnsafeBufferPointer<UInt8>, _ body: Range<Int>) -> CapturedPacket? {
        number += 1
        guard body.count >= 20 else { return nil }
        let interfaceID = Int(reader.u16(bytes, body.lowerBound))
        let timestamp = UInt64(reader.u32(bytes, body.lowerBound + 4)) << 32 | UInt64(reader.u32(bytes, body.lowerBound + 8))
        let capturedLength = Int(reader.u32(bytes, body.lowerBound + 12))
        let dataStart = body.lowerBound + 20
        guard interfaceID < interfaces.count, capturedLength <= body.upperBound - dataStart else {
            packetProblems.append((number, "packet block with an unknown interface or impossible length; skipped"))
            return nil
        }
        let interface = interfaces[interfaceID]
        let nanoseconds = Self.nanoseconds(timestamp, interface)
        lastUnixNanoseconds = nanoseconds
        return CapturedPacket(
            number: number, unixNanoseconds: nanoseconds, linkType: interface.linkType,
            data: dataStart..<(dataStart + capturedLength), originalLength: Int(reader.u32(bytes, body.lowerBound + 16))
        )
    }

    /// Converts a timestamp in the interface's units to Unix nanoseconds, exactly where the units allow.
    private static func nanoseconds(_ timestamp: UInt64, _ interface: Interface) -> Int64 {
        var unitsPerSecond: UInt64 = 1
        for _ in 0..<min(interface.unitsPerSecondExponent, 63) {
            unitsPerSecond = unitsPerSecond.multipliedReportingOverflow(by: UInt64(interface.unitsPerSecondBase)).partialValue
        }
        let seconds = timestamp / unitsPerSecond
        let remainder = timestamp % unitsPerSecond
        // remainder × 10^9 / unitsPerSecond, in 128 bits so it cannot overflow.
        let product = remainder.multipliedFullWidth(by: 1_000_000_000)
        let fraction = unitsPerSecond.dividingFullWidth(product).quotient
        return (Int64(truncatingIfNeeded: seconds) &+ interface.offsetSeconds) &* 1_000_000_000 &+ Int64(fraction)
    }
}
