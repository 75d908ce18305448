import Foundation
import TapeCore

/// Why a block failed its checks, in words for a person.
struct BlockFailure: Error {
    var reason: String
}

/// Inflates and checks one member: the gzip trailer's CRC-32 and size, then the frame records.
enum BlockDecoder {
    /// A member whose header matches the block table: its compressed bytes and what its trailer says.
    struct CheckedMember {
        var header: MemberHeader
        var deflated: UnsafeRawBufferPointer
        var crc: UInt32
        var size: Int
    }

    /// Checks a member's header against what the table expects, and its size field against the limit.
    static func checkMember(
        _ file: UnsafeRawBufferPointer,
        offset: Int,
        length: Int,
        expectedKind: MemberHeader.Kind
    ) throws(BlockFailure) -> CheckedMember {
        guard offset >= 0, length >= Gzip.trailerLength, offset + length <= file.count else {
            throw BlockFailure(reason: "the block lies outside the file")
        }
        let member = UnsafeRawBufferPointer(rebasing: file[offset..<(offset + length)])
        let header: MemberHeader
        let headerLength: Int
        do throws(MemberHeader.ParseFailure) {
            (header, headerLength) = try MemberHeader.parse(member)
        } catch {
            throw BlockFailure(reason: "its header is unreadable (\(error))")
        }
        guard header.kind == expectedKind, Int(header.memberLength) == length,
              headerLength + Gzip.trailerLength <= length
        else {
            throw BlockFailure(reason: "its header does not match the block table")
        }
        let size = Int(readLittleEndian(UInt32.self, member, at: length - 4))
        guard size <= TapeReader.maxBlockContent else {
            throw BlockFailure(reason: "its size field says \(size) bytes, over the \(TapeReader.maxBlockContent)-byte limit")
        }
        return CheckedMember(
            header: header,
            deflated: UnsafeRawBufferPointer(rebasing: member[headerLength..<(length - Gzip.trailerLength)]),
            crc: readLittleEndian(UInt32.self, member, at: length - 8),
            size: size
        )
    }

    /// Inflates a checked member into `output` (exactly its size) and checks the CRC-32.
    static func inflate(_ member: CheckedMember, into output: UnsafeMutableRawBufferPointer) throws(BlockFailure) {
        do throws(RawInflater.Failure) {
            try inflater.inflate(member.deflated, into: output)
        } catch {
            switch error {
            case .corrupt(let message): throw BlockFailure(reason: "the compressed data is corrupt (\(message))")
            case .sizeMismatch(let expected, _): throw BlockFailure(reason: "it does not inflate to the \(expected) bytes its trailer says")
            case .trailingData: throw BlockFailure(reason: "unexpected bytes follow its compressed data")
            }
        }
        let actualCRC = crc32Of(UnsafeRawBufferPointer(output))
        guard actualCRC == member.crc else {
            throw BlockFailure(reason: "checksum mismatch (CRC-32 \(hex(actualCRC)), trailer says \(hex(member.crc)))")
        }
    }

    /// Inflates a member's content into a new array after checking its header.
    static func inflateMember(
        _ file: UnsafeRawBufferPointer,
        offset: Int,
        length: Int,
        expectedKind: MemberHeader.Kind
    ) throws(BlockFailure) -> (MemberHeader, [UInt8]) {
        let member = try checkMember(file, offset: offset, length: length, expectedKind: expectedKind)
        var failure: BlockFailure?
        let content = [UInt8](unsafeUninitializedCapacity: member.size) { buffer, initialized in
            do throws(BlockFailure) {
                try inflate(member, into: UnsafeMutableRawBufferPointer(buffer))
                initialized = member.size
            } catch {
                failure = error
                initialized = 0
            }
        }
        if let failure { throw failure }
        return (member.header, content)
    }

    /// Inflates, checks and parses a frame block into buffers lent by `pool`.
    static func decode(_ file: UnsafeRawBufferPointer, info: BlockInfo, pool: BlockBufferPool) throws(BlockFailure) -> DecodedBlock {
        let member = try checkMember(file, offset: info.offset, length: info.length, expectedKind: .frames)
        guard Int(member.header.first) == info.firstFrame, Int(member.header.count) == info.frameCount else {
            throw BlockFailure(reason: "its header does not match the block table")
        }
        // A damaged count must not allocate gigabytes of spans: no record is shorter than this.
        guard info.frameCount <= member.size / FrameRecord.shortestRecord else {
            throw BlockFailure(reason: "its header says \(info.frameCount) frames, more than its \(member.size) bytes can hold")
        }
        let lease = pool.lend(contentBytes: member.size, spans: info.frameCount)
        let content = UnsafeMutableRawBufferPointer(rebasing: lease.buffers.content[0..<member.size])
        try inflate(member, into: content)
        let count: Int
        do throws(FrameRecord.ParseError) {
            count = try FrameRecord.parseAll(UnsafeRawBufferPointer(content), into: lease.buffers.spans, expectedCount: info.frameCount)
        } catch {
            throw BlockFailure(reason: "\(error.reason) at byte \(error.offset) of its content")
        }
        let block = DecodedBlock(firstFrame: info.firstFrame, count: count, lease: lease)
        let spans = block.spans
        guard count == info.frameCount,
              spans.first?.time == info.firstTime,
              spans.last?.time == info.lastTime,
              zip(spans, spans.dropFirst()).allSatisfy({ $0.time <= $1.time })
        else {
            throw BlockFailure(reason: "it holds \(count) frames, not the \(info.frameCount) its header says, or other times")
        }
        return block
    }

    /// One inflater per thread: zlib streams are not shareable, and creating one per block is waste.
    private static var inflater: RawInflater {
        let key = "tapedeck.inflater"
        if let existing = Thread.current.threadDictionary[key] as? RawInflater { return existing }
        let created = RawInflater()
        Thread.current.threadDictionary[key] = created
        return created
    }

    private static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return "0x" + String(repeating: "0", count: 8 - digits.count) + digits
    }
}
