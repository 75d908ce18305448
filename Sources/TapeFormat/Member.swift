/// One gzip member of a tape: the unit that is written whole or not at all, and checked alone.
///
/// Every member carries a 36-byte `TD` subfield in its gzip FEXTRA header (see docs/FORMAT.md), so a
/// reader can walk a tape member by member, and learn each block's frames and times, without
/// inflating anything. gzip itself ignores the subfield, which keeps `gzip -t` and `zcat` working.
struct MemberHeader: Equatable, Sendable {
    enum Kind: UInt8, Sendable {
        case header = 0
        case frames = 1
        case index = 2
        case footer = 3
    }

    var major: UInt8 = TapeVersion.major
    var minor: UInt8 = TapeVersion.minor
    var kind: Kind
    /// Bytes of the whole member, gzip header to trailer.
    var memberLength: UInt32 = 0
    /// frames: frames in the block; index: blocks listed; otherwise 0.
    var count: UInt32 = 0
    /// frames: number of the block's first frame; footer: offset of the index member; otherwise 0.
    var first: UInt64 = 0
    /// frames: time of the first and last frame, in nanoseconds.
    var firstTime: Int64 = 0
    var lastTime: Int64 = 0
    /// The gzip FCOMMENT (the index member keeps its table there, out of `zcat`'s output).
    var comment: [UInt8] = []
}

enum Gzip {
    static let id1: UInt8 = 0x1f
    static let id2: UInt8 = 0x8b
    static let deflateMethod: UInt8 = 8
    static let flagHeaderCRC: UInt8 = 0x02
    static let flagExtra: UInt8 = 0x04
    static let flagComment: UInt8 = 0x10
    static let osUnix: UInt8 = 3
    static let subfieldID: (UInt8, UInt8) = (UInt8(ascii: "T"), UInt8(ascii: "D"))
    static let subfieldLength = 36
    /// gzip fixed header (10) + XLEN (2) + subfield id and length (4) + subfield data.
    static let fixedHeaderLength = 10 + 2 + 4 + subfieldLength
    static let trailerLength = 8

    static func headerLength(commentLength: Int) -> Int {
        fixedHeaderLength + (commentLength > 0 ? commentLength + 1 : 0) + 2
    }
}

extension MemberHeader {
    /// Builds a complete member around `content`, compressed by `deflater`.
    func member(content: UnsafeRawBufferPointer, deflater: RawDeflater) -> [UInt8] {
        precondition(!comment.contains(0), "a gzip comment cannot hold a zero byte")
        let headerLength = Gzip.headerLength(commentLength: comment.count)
        var bytes = [UInt8](repeating: 0, count: headerLength)
        deflater.compress(content, appendingTo: &bytes)
        appendLittleEndian(crc32Of(content), to: &bytes)
        appendLittleEndian(UInt32(truncatingIfNeeded: content.count), to: &bytes)

        var header = self
        header.memberLength = UInt32(bytes.count)
        let headerBytes = header.encodedHeader()
        bytes.replaceSubrange(0..<headerLength, with: headerBytes)
        return bytes
    }

    /// The gzip header, through the FHCRC field.
    func encodedHeader() -> [UInt8] {
        var flags = Gzip.flagExtra | Gzip.flagHeaderCRC
        if !comment.isEmpty { flags |= Gzip.flagComment }
        var bytes: [UInt8] = [Gzip.id1, Gzip.id2, Gzip.deflateMethod, flags, 0, 0, 0, 0, 0, Gzip.osUnix]
        appendLittleEndian(UInt16(4 + Gzip.subfieldLength), to: &bytes)
        bytes += [Gzip.subfieldID.0, Gzip.subfieldID.1]
        appendLittleEndian(UInt16(Gzip.subfieldLength), to: &bytes)
        bytes += [major, minor, kind.rawValue, 0]
        appendLittleEndian(memberLength, to: &bytes)
        appendLittleEndian(count, to: &bytes)
        appendLittleEndian(first, to: &bytes)
        appendLittleEndian(UInt64(bitPattern: firstTime), to: &bytes)
        appendLittleEndian(UInt64(bitPattern: lastTime), to: &bytes)
        if !comment.isEmpty {
            bytes += comment
            bytes.append(0)
        }
        let headerCRC = UInt16(truncatingIfNeeded: crc32Of(bytes))
        appendLittleEndian(headerCRC, to: &bytes)
        return bytes
    }

    enum ParseFailure: Error, Equatable {
        /// The bytes end before the header does.
        case truncated
        /// Not a gzip member of ours; the reason says which check failed.
        case notAMember(String)
        /// One of ours, from a newer major version whose layout this reader cannot trust.
        case newerMajor(UInt8, minor: UInt8)
    }

    /// Parses the member header at the start of `bytes`; returns it with the length of the header.
    static func parse(_ bytes: UnsafeRawBufferPointer) throws(ParseFailure) -> (MemberHeader, headerLength: Int) {
        guard bytes.count >= 4 else { throw .truncated }
        guard bytes[0] == Gzip.id1, bytes[1] == Gzip.id2 else { throw .notAMember("no gzip magic") }
        guard bytes[2] == Gzip.deflateMethod else { throw .notAMember("compression method is not deflate") }
        let flags = bytes[3]
        guard flags & Gzip.flagExtra != 0, flags & Gzip.flagHeaderCRC != 0, flags & 0xE9 == 0 else {
            throw .notAMember("gzip member without Tapedeck's header fields")
        }
        guard bytes.count >= Gzip.fixedHeaderLength else { throw .truncated }
        guard readLittleEndian(UInt16.self, bytes, at: 10) == UInt16(4 + Gzip.subfieldLength),
              bytes[12] == Gzip.subfieldID.0, bytes[13] == Gzip.subfieldID.1,
              readLittleEndian(UInt16.self, bytes, at: 14) == UInt16(Gzip.subfieldLength)
        else { throw .notAMember("gzip member without a TD subfield") }
        // Checked before anything else in the subfield: its major version is the one field that
        // every future layout keeps in place.
        guard bytes[16] <= TapeVersion.major else { throw .newerMajor(bytes[16], minor: bytes[17]) }

        var cursor = Gzip.fixedHeaderLength
        var comment: [UInt8] = []
        if flags & Gzip.flagComment != 0 {
            guard let end = bytes[cursor...].firstIndex(of: 0) else { throw .truncated }
            comment = Array(bytes[cursor..<end])
            cursor = end + 1
        }
        guard bytes.count >= cursor + 2 else { throw .truncated }
        let storedCRC = readLittleEndian(UInt16.self, bytes, at: cursor)
        let actualCRC = UInt16(truncatingIfNeeded: crc32Of(UnsafeRawBufferPointer(rebasing: bytes[0..<cursor])))
        guard storedCRC == actualCRC else { throw .notAMember("header checksum mismatch") }

        let field = 16
        guard let kind = Kind(rawValue: bytes[field + 2]) else {
            throw .notAMember("unknown member kind \(bytes[field + 2])")
        }
        let header = MemberHeader(
            major: bytes[field],
            minor: bytes[field + 1],
            kind: kind,
            memberLength: readLittleEndian(UInt32.self, bytes, at: field + 4),
            count: readLittleEndian(UInt32.self, bytes, at: field + 8),
            first: readLittleEndian(UInt64.self, bytes, at: field + 12),
            firstTime: Int64(bitPattern: readLittleEndian(UInt64.self, bytes, at: field + 20)),
            lastTime: Int64(bitPattern: readLittleEndian(UInt64.self, bytes, at: field + 28)),
            comment: comment
        )
        return (header, cursor + 2)
    }
}

extension MemberHeader {
    /// Bytes of a member needed to read its kind and frame range without the header checksum.
    static let peekableLength = 36

    /// The kind and frame range of a member whose header was cut short: unverified (no checksum
    /// yet), so used only to say what a truncated tail probably held.
    static func peekTruncated(_ bytes: UnsafeRawBufferPointer) -> (kind: Kind, frames: Range<Int>)? {
        guard bytes.count >= peekableLength, bytes[0] == Gzip.id1, bytes[1] == Gzip.id2,
              bytes[12] == Gzip.subfieldID.0, bytes[13] == Gzip.subfieldID.1,
              let kind = Kind(rawValue: bytes[18])
        else { return nil }
        let count = Int(readLittleEndian(UInt32.self, bytes, at: 24))
        let first = readLittleEndian(UInt64.self, bytes, at: 28)
        guard first <= UInt64(Int.max / 2) else { return nil }
        return (kind, kind == .frames ? Int(first)..<(Int(first) + count) : 0..<0)
    }
}

func appendLittleEndian<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
    var value = value.littleEndian
    withUnsafeBytes(of: &value) { bytes.append(contentsOf: $0) }
}

func readLittleEndian<T: FixedWidthInteger>(_: T.Type, _ bytes: UnsafeRawBufferPointer, at offset: Int) -> T {
    T(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
}
