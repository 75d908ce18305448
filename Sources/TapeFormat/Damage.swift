/// A stretch of a tape that could not be read, and what it cost.
public struct Damage: Equatable, Sendable, CustomStringConvertible {
    /// Byte offset where the unreadable stretch starts.
    public var offset: Int
    /// Bytes in the stretch (to the next readable block, or to the end of the file).
    public var length: Int
    /// The frame numbers lost, where the blocks around the stretch tell them.
    public var frames: Range<Int>?
    public var reason: String

    public init(offset: Int, length: Int, frames: Range<Int>?, reason: String) {
        self.offset = offset
        self.length = length
        self.frames = frames
        self.reason = reason
    }

    public var description: String {
        let lost: String
        if let frames {
            lost = frames.isEmpty ? "no frames lost" : "frames \(frames.lowerBound)–\(frames.upperBound - 1) lost"
        } else {
            lost = "an unknown number of frames lost"
        }
        return "bytes \(offset)–\(offset + length - 1) (\(length) B): \(reason); \(lost)"
    }
}

/// How a tape's block table was found.
public enum IndexStatus: Equatable, Sendable {
    /// The footer and index at the end were intact and consistent.
    case present
    /// There was no footer (the writer did not close the tape): the blocks were found by scanning.
    case missing
    /// A footer was there but its index did not check out: the blocks were found by scanning.
    case damaged(String)
}
