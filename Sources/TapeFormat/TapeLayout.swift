import Foundation

/// Reads the header member at offset 0, with the checks that decide whether this is a tape at all.
enum TapeHeaderMember {
    static func read(_ bytes: UnsafeRawBufferPointer, name: String) throws(TapeError) -> (header: TapeHeader, length: Int) {
        guard bytes.count > 0 else {
            throw TapeError(.empty, file: name, "the file is empty",
                            remedy: "it holds no tape; check the path, or record again")
        }
        let member: MemberHeader
        do throws(MemberHeader.ParseFailure) {
            member = try MemberHeader.parse(bytes).0
        } catch {
            throw headerError(error, name: name, isGzip: bytes.count >= 2 && bytes[0] == Gzip.id1 && bytes[1] == Gzip.id2)
        }
        guard member.kind == .header else {
            throw TapeError(.notATape, file: name, offset: 0, "the file does not start with a tape header",
                            remedy: "this is not a Tapedeck tape; convert foreign captures with 'tape import'")
        }
        let content: [UInt8]
        do throws(BlockFailure) {
            content = try BlockDecoder.inflateMember(bytes, offset: 0, length: Int(member.memberLength), expectedKind: .header).1
        } catch {
            throw TapeError(.badHeader, file: name, offset: 0, "the tape header is damaged: \(error.reason)",
                            remedy: "the header cannot be rebuilt; 'zcat' may still show the frames")
        }
        let header: TapeHeader
        do {
            header = try TapeHeader.decode(line: content)
        } catch {
            throw TapeError(.badHeader, file: name, offset: 0, "the tape header is not valid JSON (\(error))",
                            remedy: "the header cannot be rebuilt; 'zcat' may still show the frames")
        }
        guard header.format == "tapedeck" else {
            throw TapeError(.notATape, file: name, offset: 0, "the header names format '\(header.format)', not 'tapedeck'",
                            remedy: "this is not a Tapedeck tape")
        }
        return (header, Int(member.memberLength))
    }

    private static func headerError(_ failure: MemberHeader.ParseFailure, name: String, isGzip: Bool) -> TapeError {
        switch failure {
        case .newerMajor(let major, let minor):
            return TapeError(
                .newerVersion, file: name, offset: 0,
                "the tape uses format \(major).\(minor), newer than the \(TapeVersion.major).x this Tapedeck reads",
                remedy: "upgrade Tapedeck to read it"
            )
        case .truncated:
            return TapeError(.notATape, file: name, offset: 0, "the file ends inside the tape header",
                             remedy: "the recording stopped before it began; record again")
        case .notAMember(let reason) where isGzip:
            return TapeError(.notATape, file: name, offset: 0, "a gzip file, but not a tape (\(reason))",
                             remedy: "convert foreign captures with 'tape import'")
        case .notAMember:
            return TapeError(.notATape, file: name, offset: 0, "not a tape (no gzip header)",
                             remedy: "give the path of a .tape file; convert other captures with 'tape import'")
        }
    }
}

/// The block table of a tape: from its index when the footer and index check out, else by a scan
/// that walks the members and resynchronises past damage.
struct TapeLayout {
    var blocks: [BlockInfo] = []
    var damage: [Damage] = []
    var indexStatus: IndexStatus = .missing

    /// A footer is an empty member: the fixed header, an empty deflate stream (2 bytes), the trailer.
    static let footerLength = Gzip.headerLength(commentLength: 0) + 2 + Gzip.trailerLength

    static func find(in bytes: UnsafeRawBufferPointer, headerEnd: Int) -> TapeLayout {
        var layout = TapeLayout()
        switch indexedBlocks(in: bytes, headerEnd: headerEnd) {
        case .success(let blocks):
            layout.blocks = blocks
            layout.indexStatus = .present
            return layout
        case .failure(let problem):
            layout.indexStatus = problem.footerFound ? .damaged(problem.reason) : .missing
        }
        layout.scan(bytes, from: headerEnd)
        return layout
    }

    private struct IndexProblem: Error {
        var footerFound: Bool
        var reason: String
    }

    private static func indexedBlocks(in bytes: UnsafeRawBufferPointer, headerEnd: Int) -> Result<[BlockInfo], IndexProblem> {
        let footerOffset = bytes.count - footerLength
        guard footerOffset >= headerEnd,
              let (footer, _) = try? MemberHeader.parse(UnsafeRawBufferPointer(rebasing: bytes[footerOffset...])),
              footer.kind == .footer, Int(footer.memberLength) == footerLength
        else {
            return .failure(IndexProblem(footerFound: false, reason: "no footer"))
        }
        let indexOffset = Int(footer.first)
        guard indexOffset >= headerEnd, indexOffset < footerOffset,
              let (index, _) = try? MemberHeader.parse(UnsafeRawBufferPointer(rebasing: bytes[indexOffset..<footerOffset])),
              index.kind == .index, indexOffset + Int(index.memberLength) == footerOffset
        else {
            return .failure(IndexProblem(footerFound: true, reason: "the footer does not point at an index"))
        }
        guard let blocks = BlockIndex.decode(index.comment, expectedCount: Int(index.count), headerEnd: headerEnd, indexOffset: indexOffset) else {
            return .failure(IndexProblem(footerFound: true, reason: "the index is inconsistent"))
        }
        return .success(blocks)
    }

    /// Walks members from `start`; complete frame blocks are kept, anything else becomes damage.
    private mutating func scan(_ bytes: UnsafeRawBufferPointer, from start: Int) {
        var offset = start
        var nextFrame = 0
        var openGap: Int?  // index in `damage` of a gap whose lost frames the next block will tell
        while offset < bytes.count {
            let rest = UnsafeRawBufferPointer(rebasing: bytes[offset...])
            let parsed: (MemberHeader, headerLength: Int)
            do throws(MemberHeader.ParseFailure) {
                parsed = try MemberHeader.parse(rest)
            } catch .truncated {
                let peeked = MemberHeader.peekTruncated(rest)
                let what = peeked.map { $0.kind == .frames ? "a block header" : "the \($0.kind) member" } ?? "a block header"
                damage.append(Damage(offset: offset, length: rest.count, frames: peeked?.frames,
                                     reason: "the file ends inside \(what) (the writer stopped mid-block)"))
                return
            } catch {
                let resume = Self.nextMember(in: bytes, after: offset)
                damage.append(Damage(offset: offset, length: resume - offset, frames: nil, reason: "unreadable bytes (\(error))"))
                openGap = damage.count - 1
                offset = resume
                continue
            }
            let (member, headerLength) = parsed
            let length = Int(member.memberLength)
            guard length >= headerLength + Gzip.trailerLength else {
                let resume = Self.nextMember(in: bytes, after: offset)
                damage.append(Damage(offset: offset, length: resume - offset, frames: nil, reason: "a block with an impossible length"))
                openGap = damage.count - 1
                offset = resume
                continue
            }
            let frames = member.kind == .frames ? Int(member.first)..<Int(member.first + UInt64(member.count)) : nil
            guard offset + length <= bytes.count else {
                let what = member.kind == .frames ? "block" : "\(member.kind) member"
                damage.append(Damage(
                    offset: offset, length: rest.count, frames: frames ?? 0..<0,
                    reason: "incomplete \(what): \(rest.count) of \(length) bytes present (the writer stopped mid-block)"
                ))
                return
            }
            switch member.kind {
            case .frames:
                if let gap = openGap {
                    damage[gap].frames = nextFrame..<max(nextFrame, Int(member.first))
                    openGap = nil
                }
                blocks.append(BlockInfo(
                    offset: offset, length: length, firstFrame: Int(member.first), frameCount: Int(member.count),
                    firstTime: member.firstTime, lastTime: member.lastTime
                ))
                nextFrame = Int(member.first) + Int(member.count)
            case .index, .footer:
                break
            case .header:
                damage.append(Damage(offset: offset, length: length, frames: 0..<0, reason: "a second tape header"))
            }
            offset += length
        }
    }

    /// The offset of the next member header that parses after `offset`, or the end of the file.
    private static func nextMember(in bytes: UnsafeRawBufferPointer, after offset: Int) -> Int {
        var candidate = offset + 1
        while candidate + 3 <= bytes.count {
            if bytes[candidate] == Gzip.id1, bytes[candidate + 1] == Gzip.id2, bytes[candidate + 2] == Gzip.deflateMethod,
               (try? MemberHeader.parse(UnsafeRawBufferPointer(rebasing: bytes[candidate...]))) != nil {
                return candidate
            }
            candidate += 1
        }
        return bytes.count
    }
}
