import Foundation
import TapeCore

/// Why a block failed its checks, in words for a person.
struct BlockFailure: Error {
    var reason: String
}

/// Inflates and checks one member: the gzip trailer's CRC-32 and size, then the frame records.
enum BlockDecoder {
    /// Inflates a member's content after checking its header; `expected` is what the table says.
    static func inflateMember(
        _ file: UnsafeRawBufferPointer,
        offset: Int,
        length: Int,
        expectedKind: MemberHeader.Kind
    ) throws(BlockFailure) -> (MemberHeader, [UInt8]) {
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
        let expectedCRC = readLittleEndian(UInt32.self, member, at: length - 8)
        let size = Int(readLittleEndian(UInt32.self, member, at: length - 4))
        guard size <= TapeReader.maxBlockContent else {
            throw BlockFailure(reason: "its size field says \(size) bytes, over the \(TapeReader.maxBlockContent)-byte limit")
        }
        let deflated = UnsafeRawBufferPointer(rebasing: member[headerLength..<(length - Gzip.trailerLength)])
        var inflateFailure: RawInflater.Failure?
        let content = [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            do throws(RawInflater.Failure) {
                try inflater.inflate(deflated, into: UnsafeMutableRawBufferPointer(buffer))
                initialized = size
            } catch {
                inflateFailure = error
                initialized = 0
            }
        }
        if let inflateFailure {
            switch inflateFailure {
            case .corrupt(let message): throw BlockFailure(reason: "the compressed data is corrupt (\(message))")
            case .sizeMismatch(let expected, _): throw BlockFailure(reason: "it does not inflate to the \(expected) bytes its trailer says")
            case .trailingData: throw BlockFailure(reason: "unexpected bytes follow its compressed data")
            }
        }
        let actualCRC = content.withUnsafeBytes { crc32Of($0) }
        guard actualCRC == expectedCRC else {
            throw BlockFailure(reason: "checksum mismatch (CRC-32 \(hex(actualCRC)), trailer says \(hex(expectedCRC)))")
        }
        return (header, content)
    }

    static func decode(_ file: UnsafeRawBufferPointer, info: BlockInfo) throws(BlockFailure) -> DecodedBlock {
        let (header, content) = try inflateMember(file, offset: info.offset, length: info.length, expectedKind: .frames)
        guard Int(header.first) == info.firstFrame, Int(header.count) == info.frameCount else {
            throw BlockFailure(reason: "its header does not match the block table")
        }
        let parsed = content.withUnsafeBytes { bytes in
            Result { () throws(FrameRecord.ParseError) in try FrameRecord.parseAll(bytes, expectedCount: info.frameCount) }
        }
        let spans: [DecodedBlock.Span]
        switch parsed {
        case .success(let decoded): spans = decoded
        case .failure(let error): throw BlockFailure(reason: "\(error.reason) at byte \(error.offset) of its content")
        }
        guard spans.count == info.frameCount,
              spans.first?.time == info.firstTime,
              spans.last?.time == info.lastTime,
              zip(spans, spans.dropFirst()).allSatisfy({ $0.time <= $1.time })
        else {
            throw BlockFailure(reason: "it holds \(spans.count) frames, not the \(info.frameCount) its header says, or other times")
        }
        return DecodedBlock(firstFrame: info.firstFrame, content: content, spans: spans)
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
