import TapeCore

/// What `tape inspect` reports about a tape's frames: counts and bytes by connection, direction
/// and kind, the time span, and the silences longer than a threshold.
public struct TapeStatistics: Sendable {
    public struct Tally: Equatable, Sendable {
        public var frames = 0
        public var bytes = 0

        mutating func add(_ frame: Frame) {
            frames += 1
            bytes += frame.payload.count
        }
    }

    /// A stretch with no frame on the whole tape, longer than the threshold asked for.
    public struct Gap: Equatable, Sendable {
        /// The frame after the silence.
        public var afterFrame: Int
        public var from: Timestamp
        public var to: Timestamp
        public var length: Timestamp.Duration { to - from }
    }

    public private(set) var total = Tally()
    public private(set) var byConnection: [ConnectionID: Tally] = [:]
    public private(set) var byDirection: [Direction: Tally] = [:]
    public private(set) var byKind: [FrameKind: Tally] = [:]
    public private(set) var firstTime: Timestamp?
    public private(set) var lastTime: Timestamp?
    public private(set) var gaps: [Gap] = []
    public let gapThreshold: Timestamp.Duration

    public init(gapThreshold: Timestamp.Duration) {
        self.gapThreshold = gapThreshold
    }

    public mutating func add(_ recorded: RecordedFrame) {
        let frame = recorded.frame
        total.add(frame)
        byConnection[frame.connection, default: Tally()].add(frame)
        byDirection[frame.direction, default: Tally()].add(frame)
        byKind[frame.kind, default: Tally()].add(frame)
        if let lastTime, frame.time - lastTime > gapThreshold {
            gaps.append(Gap(afterFrame: recorded.number, from: lastTime, to: frame.time))
        }
        if firstTime == nil { firstTime = frame.time }
        lastTime = frame.time
    }

    /// Reads every readable frame of a tape (damaged blocks are skipped; `reader.verify()` lists them).
    public static func of(_ reader: TapeReader, gapThreshold: Timestamp.Duration, parallelism: Int) throws -> TapeStatistics {
        var statistics = TapeStatistics(gapThreshold: gapThreshold)
        try reader.forEachFrame(parallelism: parallelism, skipDamaged: true) { statistics.add($0) }
        return statistics
    }
}
