import TapeCore
import TapeFormat

/// Frames for hand-written tapes: times in milliseconds, connection 0 unless told.
enum Tape {
    static func opened(_ url: String, at milliseconds: Int64, connection: UInt32 = 0) -> Frame {
        Frame(time: .milliseconds(milliseconds), direction: .outbound, connection: ConnectionID(connection),
              kind: .opened, payload: ConnectionOpened(url: url).payload)
    }

    static func inbound(_ text: String, at milliseconds: Int64, connection: UInt32 = 0) -> Frame {
        .text(text, at: .milliseconds(milliseconds), .inbound, connection: ConnectionID(connection))
    }

    static func outbound(_ text: String, at milliseconds: Int64, connection: UInt32 = 0) -> Frame {
        .text(text, at: .milliseconds(milliseconds), .outbound, connection: ConnectionID(connection))
    }

    static func event(_ kind: FrameKind, _ direction: Direction, _ payload: [UInt8] = [], at milliseconds: Int64, connection: UInt32 = 0) -> Frame {
        Frame(time: .milliseconds(milliseconds), direction: direction, connection: ConnectionID(connection), kind: kind, payload: payload)
    }

    /// Numbers the frames from 0, as a tape would.
    static func numbered(_ frames: [Frame]) -> [RecordedFrame] {
        frames.enumerated().map { RecordedFrame(number: $0.offset, frame: $0.element) }
    }
}

extension Timestamp {
    static func ms(_ milliseconds: Int64) -> Timestamp { .milliseconds(milliseconds) }
}
