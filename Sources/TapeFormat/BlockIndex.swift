/// Where one block of frames sits in a tape and what it holds: one row of the block index.
public struct BlockInfo: Equatable, Sendable {
    /// Byte offset of the block's gzip member.
    public var offset: Int
    /// Bytes of the whole member.
    public var length: Int
    /// Number of the block's first frame (frames are numbered from 0 across the tape).
    public var firstFrame: Int
    public var frameCount: Int
    public var firstTime: Int64
    public var lastTime: Int64

    public var frames: Range<Int> { firstFrame..<(firstFrame + frameCount) }
}

/// The block index: a text table kept in the gzip comment of the index member, one block a line,
/// `offset length firstFrame frameCount firstTime lastTime`, all in decimal.
enum BlockIndex {
    static func encode(_ blocks: [BlockInfo]) -> [UInt8] {
        var text = ""
        for block in blocks {
            text += "\(block.offset) \(block.length) \(block.firstFrame) \(block.frameCount) "
            text += "\(block.firstTime) \(block.lastTime)\n"
        }
        return Array(text.utf8)
    }

    /// Parses the table and checks that it describes a plausible tape of `fileLength` bytes;
    /// nil when it does not (the reader then scans the file instead).
    static func decode(_ comment: [UInt8], expectedCount: Int, headerEnd: Int, indexOffset: Int) -> [BlockInfo]? {
        var blocks: [BlockInfo] = []
        blocks.reserveCapacity(expectedCount)
        for line in comment.split(separator: UInt8(ascii: "\n")) {
            let fields = line.split(separator: UInt8(ascii: " ")).map { Int64(String(decoding: $0, as: UTF8.self)) }
            guard fields.count == 6, fields.allSatisfy({ $0 != nil }) else { return nil }
            let values = fields.map { $0! }
            blocks.append(BlockInfo(
                offset: Int(values[0]), length: Int(values[1]), firstFrame: Int(values[2]),
                frameCount: Int(values[3]), firstTime: values[4], lastTime: values[5]
            ))
        }
        guard blocks.count == expectedCount else { return nil }
        var expectedOffset = headerEnd
        var expectedFrame = 0
        var previousTime = Int64.min
        for block in blocks {
            guard block.offset == expectedOffset, block.length > 0, block.frameCount > 0,
                  block.firstFrame == expectedFrame, block.firstTime <= block.lastTime,
                  block.firstTime >= previousTime
            else { return nil }
            expectedOffset = block.offset + block.length
            expectedFrame += block.frameCount
            previousTime = block.lastTime
        }
        guard expectedOffset == indexOffset else { return nil }
        return blocks
    }
}
