/// Reads classic libpcap files: either byte order, microsecond (magic a1b2c3d4) or nanosecond
/// (magic a1b23c4d) timestamps.
struct PcapReader {
    private let reader: EndianReader
    private let nanosecondResolution: Bool
    let linkType: UInt32
    private var offset = 24
    private var number = 0
    /// Set when the file ends inside a record.
    private(set) var stop: CaptureFileStop?

    static let headerSize = 24

    /// Nil when the bytes do not start with a pcap file header.
    init?(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard bytes.count >= 4 else { return nil }
        switch EndianReader.bigEndianU32(bytes, 0) {
        case 0xA1B2_C3D4: (reader, nanosecondResolution) = (EndianReader(bigEndian: true), false)
        case 0xD4C3_B2A1: (reader, nanosecondResolution) = (EndianReader(bigEndian: false), false)
        case 0xA1B2_3C4D: (reader, nanosecondResolution) = (EndianReader(bigEndian: true), true)
        case 0x4D3C_B2A1: (reader, nanosecondResolution) = (EndianReader(bigEndian: false), true)
        default: return nil
        }
        guard bytes.count >= Self.headerSize else {
            linkType = 0
            stop = CaptureFileStop(byteOffset: 0, packetNumber: 1, reason: "the file ends inside the 24-byte pcap header")
            return
        }
        // The low 16 bits are the link type; the upper bits may carry FCS information.
        linkType = reader.u32(bytes, 20) & 0xFFFF
    }

    /// The next packet record, or nil at the end of the file (check `stop` for a cut-short file).
    mutating func next(_ bytes: UnsafeBufferPointer<UInt8>) -> CapturedPacket? {
        guard stop == nil, offset < bytes.count else { return nil }
        number += 1
        guard bytes.count - offset >= 16 else {
            stop = CaptureFileStop(byteOffset: offset, packetNumber: number, reason: "the file ends inside a 16-byte record header")
            return nil
        }
        let seconds = Int64(reader.u32(bytes, offset))
        let fraction = Int64(reader.u32(bytes, offset + 4))
        let capturedLength = Int(reader.u32(bytes, offset + 8))
        let originalLength = Int(reader.u32(bytes, offset + 12))
        let dataStart = offset + 16
        guard capturedLength <= bytes.count - dataStart else {
            stop = CaptureFileStop(
                byteOffset: offset, packetNumber: number,
                reason: "the file ends inside a record of \(capturedLength) captured bytes (\(bytes.count - dataStart) present)"
            )
            return nil
        }
        offset = dataStart + capturedLength
        return CapturedPacket(
            number: number,
            unixNanoseconds: seconds * 1_000_000_000 + (nanosecondResolution ? fraction : fraction * 1000),
            linkType: linkType,
            data: dataStart..<(dataStart + capturedLength),
            originalLength: originalLength
        )
    }
}
