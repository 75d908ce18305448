import Foundation
import Testing
import TapeCore
@testable import TapeFormat

@Suite("Recovering damaged tapes")
struct RecoveryTests {
    /// A tape of small blocks, its frames and its bytes.
    static let fixture: (frames: [Frame], bytes: [UInt8], blocks: [BlockInfo]) = {
        let folder = try! TemporaryFolder()
        let frames = randomFrames(count: 300, seed: 3, maxPayload: 200)
        let path = try! writeTape(frames, to: folder.path("fixture.tape"), blockSize: 2_048)
        let bytes = try! fileBytes(path)
        return (frames, bytes, try! TapeReader(bytes: bytes).blocks)
    }()

    @Test("a tape cut at every byte of its last two blocks keeps every complete block and says what it lost")
    func truncatedEverywhere() throws {
        let (frames, bytes, blocks) = Self.fixture
        #expect(blocks.count >= 4)
        let secondToLast = blocks[blocks.count - 2]
        for cut in secondToLast.offset..<bytes.count {
            let reader = try TapeReader(bytes: Array(bytes[0..<cut]), name: "cut-\(cut)")
            let whole = blocks.filter { $0.offset + $0.length <= cut }
            #expect(reader.blocks == whole, "cut at \(cut)")
            let recovered = try readAllFrames(reader)
            #expect(recovered == Array(frames[0..<recovered.count]), "cut at \(cut)")
            #expect(recovered.count == whole.reduce(0) { $0 + $1.frameCount }, "cut at \(cut)")

            let partial = blocks.first { $0.offset < cut && cut < $0.offset + $0.length }
            if let partial {
                // The report names the exact byte range dropped, and the frames when the header survived.
                #expect(reader.damage.count == 1, "cut at \(cut)")
                let damage = try #require(reader.damage.first)
                #expect(damage.offset == partial.offset && damage.length == cut - partial.offset, "cut at \(cut)")
                let headerSurvived = cut - partial.offset >= MemberHeader.peekableLength
                #expect(damage.frames == (headerSurvived ? partial.frames : nil), "cut at \(cut)")
            } else if cut <= blocks.last!.offset + blocks.last!.length {
                #expect(reader.damage.isEmpty, "cut at \(cut): a cut between blocks loses nothing")
            } else {
                // Cut inside the index or footer: every frame is there. Once the cut member's kind is
                // readable the report says no frames were lost; before that, it cannot know.
                let footerStart = bytes.count - TapeLayout.footerLength
                let memberStart = cut >= footerStart ? footerStart : blocks.last!.offset + blocks.last!.length
                let knowable = cut - memberStart >= MemberHeader.peekableLength
                let expected: [Range<Int>?] = cut == footerStart ? [] : [knowable ? 0..<0 : nil]
                #expect(reader.damage.map(\.frames) == expected, "cut at \(cut)")
                #expect(recovered == frames, "cut at \(cut)")
            }
            #expect(reader.indexStatus == (cut == bytes.count ? .present : .missing), "cut at \(cut)")
        }
    }

    @Test("a flipped byte in a middle block loses that block only, and the report names it")
    func flippedByteInBlockBody() throws {
        let (frames, bytes, blocks) = Self.fixture
        let victim = blocks.count / 2
        var damaged = bytes
        damaged[blocks[victim].offset + blocks[victim].length / 2] ^= 0x5a
        let reader = try TapeReader(bytes: damaged, name: "flipped.tape")
        #expect(reader.indexStatus == .present)

        let strict = #expect(throws: TapeError.self) { try readAllFrames(reader) }
        #expect(strict?.code == .damagedBlock)
        #expect(strict?.offset == blocks[victim].offset)
        #expect(strict?.description.contains("block \(victim) (frames \(blocks[victim].firstFrame)–") == true)
        #expect(strict?.description.contains("tape inspect flipped.tape --repair") == true)

        let report = reader.verify()
        #expect(report.map(\.offset) == [blocks[victim].offset])
        #expect(report.first?.frames == blocks[victim].frames)

        var survivors: [Frame] = []
        try reader.forEachFrame(skipDamaged: true) { survivors.append($0.frame) }
        let expected = frames.enumerated().filter { !blocks[victim].frames.contains($0.offset) }.map(\.element)
        #expect(survivors == expected)
    }

    @Test("a flipped byte in a block header is skipped by resynchronising on the next block")
    func flippedByteInBlockHeaderWithoutIndex() throws {
        let (frames, bytes, blocks) = Self.fixture
        let victim = 1
        // Drop the index too, so the reader must scan and resynchronise.
        var damaged = Array(bytes[0..<(blocks.last!.offset + blocks.last!.length)])
        damaged[blocks[victim].offset + 20] ^= 0x01
        let reader = try TapeReader(bytes: damaged)
        #expect(reader.indexStatus == .missing)
        #expect(reader.damage == [Damage(
            offset: blocks[victim].offset, length: blocks[victim].length, frames: blocks[victim].frames,
            reason: "unreadable bytes (notAMember(\"header checksum mismatch\"))"
        )])
        let survivors = try readAllFrames(reader)
        #expect(survivors == frames.enumerated().filter { !blocks[victim].frames.contains($0.offset) }.map(\.element))
    }

    @Test("every single flipped byte is either caught or harmless, and never crashes")
    func everyFlippedByte() throws {
        let (frames, bytes, _) = Self.fixture
        // Stride over the file: flipping each of thousands of bytes costs too long in debug builds.
        for position in stride(from: 0, to: bytes.count, by: 7) {
            var damaged = bytes
            damaged[position] ^= 0x20
            guard let reader = try? TapeReader(bytes: damaged) else { continue }  // header damage: refused
            var read: [RecordedFrame] = []
            try reader.forEachFrame(skipDamaged: true) { read.append($0) }
            for recorded in read {
                #expect(recorded.frame == frames[recorded.number], "flip at \(position)")
            }
        }
    }

    @Test("files that are not tapes get one clear error naming the file")
    func notTapes() throws {
        let empty = #expect(throws: TapeError.self) { try TapeReader(bytes: [], name: "e.tape") }
        #expect(empty?.code == .empty)
        #expect(empty?.description == "the file is empty: e.tape; it holds no tape; check the path, or record again")

        let text = #expect(throws: TapeError.self) { try TapeReader(bytes: Array("hello\n".utf8), name: "t.txt") }
        #expect(text?.code == .notATape)
        #expect(text?.description.contains("t.txt at offset 0") == true)

        let plainGzip = try run("/bin/sh", ["-c", "printf 'hello' | gzip -c | od -An -v -tu1"]).output
        let gzipBytes = plainGzip.split(whereSeparator: \.isWhitespace).map { UInt8($0)! }
        let gz = #expect(throws: TapeError.self) { try TapeReader(bytes: gzipBytes, name: "x.gz") }
        #expect(gz?.code == .notATape)
        #expect(gz?.description.contains("a gzip file, but not a tape") == true)

        let missing = #expect(throws: TapeError.self) { try TapeReader(path: "/nonexistent/x.tape") }
        #expect(missing?.code == .cannotOpen)
    }

    @Test("a tape from a newer major version is refused with a message that says to upgrade")
    func newerMajorVersion() throws {
        var header = MemberHeader(kind: .header)
        header.major = TapeVersion.major + 1
        header.minor = 3
        let line = testHeader.encodedLine()
        let member = line.withUnsafeBytes { header.member(content: $0, deflater: RawDeflater(level: 6)) }
        let error = #expect(throws: TapeError.self) { try TapeReader(bytes: member, name: "future.tape") }
        #expect(error?.code == .newerVersion)
        #expect(error?.description == "the tape uses format 2.3, newer than the 1.x this Tapedeck reads: future.tape at offset 0; upgrade Tapedeck to read it")
    }
}
