/// One packet record from a pcap or pcapng file: where its bytes are in the file and when it was captured.
struct CapturedPacket {
    /// 1-based, in file order (what Wireshark shows as the frame number).
    var number: Int
    /// Capture time, Unix nanoseconds.
    var unixNanoseconds: Int64
    /// The link-layer header type (LINKTYPE_* value) of the interface it was captured on.
    var linkType: UInt32
    /// The captured bytes' range in the file.
    var data: Range<Int>
    /// The packet's length on the wire (more than `data.count` when the snapshot length cut it).
    var originalLength: Int
}

/// Where a capture file's packets stop early, for a `truncated` note.
struct CaptureFileStop {
    var byteOffset: Int
    var packetNumber: Int
    var reason: String
}

/// Reads fixed-width integers from a byte array in a chosen byte order.
struct EndianReader {
    var bigEndian: Bool

    func u16(_ bytes: UnsafeBufferPointer<UInt8>, _ at: Int) -> UInt16 {
        let a = UInt16(bytes[at]), b = UInt16(bytes[at + 1])
        return bigEndian ? a << 8 | b : b << 8 | a
    }

    func u32(_ bytes: UnsafeBufferPointer<UInt8>, _ at: Int) -> UInt32 {
        let a = UInt32(u16(bytes, at)), b = UInt32(u16(bytes, at + 2))
        return bigEndian ? a << 16 | b : b << 16 | a
    }

    static func bigEndianU16(_ bytes: UnsafeBufferPointer<UInt8>, _ at: Int) -> UInt16 {
        UInt16(bytes[at]) << 8 | UInt16(bytes[at + 1])
    }

    static func bigEndianU32(_ bytes: UnsafeBufferPointer<UInt8>, _ at: Int) -> UInt32 {
        UInt32(bigEndianU16(bytes, at)) << 16 | UInt32(bigEndianU16(bytes, at + 2))
    }
}
