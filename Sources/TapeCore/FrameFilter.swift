/// Which frames to keep: every condition that is set must hold. Used by `tape cat`, exports and
/// (later) the step debugger's "next frame matching".
public struct FrameFilter: Sendable, Equatable {
    public var connections: Set<ConnectionID> = []
    public var directions: Set<Direction> = []
    public var kinds: Set<FrameKind> = []
    /// Frame times, inclusive at both ends.
    public var timeRange: ClosedRange<Timestamp>?
    /// Frame numbers, inclusive at both ends.
    public var frameRange: ClosedRange<Int>?
    /// Bytes that must occur in the payload.
    public var payloadContains: [UInt8] = []

    public init() {}

    public var isEmpty: Bool { self == FrameFilter() }

    public func matches(_ frame: Frame, number: Int) -> Bool {
        if !connections.isEmpty && !connections.contains(frame.connection) { return false }
        if !directions.isEmpty && !directions.contains(frame.direction) { return false }
        if !kinds.isEmpty && !kinds.contains(frame.kind) { return false }
        if let timeRange, !timeRange.contains(frame.time) { return false }
        if let frameRange, !frameRange.contains(number) { return false }
        if !payloadContains.isEmpty && !frame.payload.containsSubsequence(payloadContains) { return false }
        return true
    }
}

extension Array where Element == UInt8 {
    /// True when `needle` occurs in the array (a simple first-byte scan: payloads are short).
    func containsSubsequence(_ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty else { return true }
        guard needle.count <= count else { return false }
        let first = needle[0]
        var start = 0
        while start <= count - needle.count {
            if self[start] == first && self[start..<(start + needle.count)].elementsEqual(needle) { return true }
            start += 1
        }
        return false
    }
}
