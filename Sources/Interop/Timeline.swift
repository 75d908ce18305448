import TapeCore

/// Collects frames with absolute source times and turns them into tape times: relative to the
/// first event, never decreasing.
///
/// A time earlier than the previous one keeps its place in the capture's order and is clamped to
/// the previous time, with a `timeWentBackwards` note saying by how much: the tape writer requires
/// non-decreasing times, and reordering would change what a replayed client sees.
struct Timeline {
    private(set) var frames: [Frame] = []
    private(set) var notes: [ImportNote] = []
    /// Absolute time (source units converted to ns) of the first event.
    private(set) var origin: Int64?
    private var lastRelative: Int64 = 0

    init(expectedFrames: Int = 0) {
        frames.reserveCapacity(expectedFrames)
    }

    mutating func note(_ note: ImportNote) {
        notes.append(note)
    }

    /// Appends a frame received (or sent) at `absoluteNanoseconds`.
    ///
    /// `place` describes where the event is in the source, for the note if time went backwards.
    mutating func append(
        at absoluteNanoseconds: Int64,
        _ direction: Direction,
        connection: ConnectionID,
        kind: FrameKind,
        payload: [UInt8],
        byteOffset: Int? = nil,
        packetNumber: Int? = nil
    ) {
        let origin = self.origin ?? absoluteNanoseconds
        self.origin = origin
        var relative = absoluteNanoseconds &- origin
        if relative < lastRelative {
            let behind = lastRelative - relative
            notes.append(ImportNote(
                .timeWentBackwards, byteOffset: byteOffset, packetNumber: packetNumber, connection: connection,
                message: "time went back \(behind) ns; the \(kind) frame keeps its place with the previous time"
            ))
            relative = lastRelative
        }
        lastRelative = relative
        frames.append(Frame(
            time: Timestamp(nanoseconds: relative), direction: direction, connection: connection,
            kind: kind, payload: payload
        ))
    }
}
