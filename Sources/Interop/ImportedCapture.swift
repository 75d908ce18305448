import TapeCore

/// The frames of a foreign capture, ready for the tape writer, and what the import left out.
///
/// `frames` are in non-decreasing `time` order; time zero is the first imported event and
/// `wallClockStartNanoseconds` says when that was (Unix ns) for sources with absolute times.
public struct ImportedCapture: Hashable, Sendable {
    /// Every imported event in capture order, times relative to the first one.
    public var frames: [Frame]
    /// Unix time of time zero in nanoseconds; nil when the source has no absolute time.
    public var wallClockStartNanoseconds: Int64?
    /// The URL of each connection, indexed by `ConnectionID.rawValue` (connections are numbered
    /// 0, 1, 2, … in order of first appearance). An empty string when the source names no URL.
    public var endpoints: [String]
    /// What was skipped, repaired or could not be decoded, in the order it was found.
    public var notes: [ImportNote]

    public init(frames: [Frame], wallClockStartNanoseconds: Int64?, endpoints: [String], notes: [ImportNote]) {
        self.frames = frames
        self.wallClockStartNanoseconds = wallClockStartNanoseconds
        self.endpoints = endpoints
        self.notes = notes
    }
}
