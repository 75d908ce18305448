import Foundation
import TapeCore

/// Where a live venue connection's frames go: one tape, through the venue's redaction, each socket
/// under a connection id of its own.
public struct VenueTape: Sendable {
    public let recorder: TapeRecorder
    public let redaction: Redaction

    public init(recorder: TapeRecorder, redaction: Redaction) {
        self.recorder = recorder
        self.redaction = redaction
    }

    /// A recording for one socket. Its connection id is taken at its first frame, so an attempt that
    /// never opened (and recorded nothing) leaves no hole in the tape's connection numbers.
    public func newSocket() -> Socket {
        Socket(tape: self)
    }

    /// One socket's frames, redacted, under its connection id.
    public final class Socket: @unchecked Sendable {
        private let tape: VenueTape
        private let lock = NSLock()
        private var id: ConnectionID?

        init(tape: VenueTape) {
            self.tape = tape
        }

        /// The connection id, once a frame was recorded.
        public var connection: ConnectionID? { lock.withLock { id } }

        /// Records a frame; a failed write shows in `recorder.failure`, which the owner reports.
        public func record(_ direction: Direction, _ kind: FrameKind, _ payload: [UInt8]) {
            let connection: ConnectionID = lock.withLock {
                if let id { return id }
                let new = tape.recorder.newConnection()
                id = new
                return new
            }
            let redacted = kind == .opened
                ? (ConnectionOpened(payload: payload).map { tape.redaction.opened($0).payload } ?? payload)
                : tape.redaction.payload(direction, kind, payload)
            try? tape.recorder.record(direction, connection, kind, redacted)
        }

        /// The closure `LiveVenueConnection` records through.
        public var sink: @Sendable (Direction, FrameKind, [UInt8]) -> Void {
            { [self] direction, kind, payload in record(direction, kind, payload) }
        }
    }
}
