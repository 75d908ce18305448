import Foundation
import TapeCore
import TapeFormat

/// Records frames from any thread into one tape: stamps each with the recorder's monotonic clock
/// and appends it under one lock, so times never go backwards whichever event loop a frame came from.
///
/// The clock here is the one place in the recording path that reads real time: a recording *is*
/// a measurement of when frames arrived.
public final class TapeRecorder: @unchecked Sendable {
    /// What has been recorded so far, for a status line and the final summary.
    public struct Counters: Sendable, Equatable {
        public var framesIn = 0
        public var framesOut = 0
        public var payloadBytes = 0
        public var openConnections = 0
        public var connections = 0
        /// Connections re-opened after the venue closed or lost one (`ReconnectingVenueConnection`).
        public var reconnects = 0
        /// Time of the latest frame on the tape's time line.
        public var lastFrameTime = Timestamp.zero
    }

    private let writer: TapeWriter
    private let lock = NSLock()
    private let start = ContinuousClock.now
    private var counters = Counters()
    private var writeFailure: TapeError?

    public init(writer: TapeWriter) {
        self.writer = writer
    }

    public var path: String { writer.path }

    /// A fresh connection id for the tape.
    public func newConnection() -> ConnectionID {
        lock.withLock {
            defer { counters.connections += 1 }
            return ConnectionID(UInt32(counters.connections))
        }
    }

    /// Time since the recording started, on the tape's time line.
    public var now: Timestamp {
        Timestamp(nanoseconds: Self.nanoseconds(start.duration(to: .now)))
    }

    /// Records a frame, stamped now. After a write failure every call throws that failure.
    public func record(_ direction: Direction, _ connection: ConnectionID, _ kind: FrameKind, _ payload: [UInt8]) throws(TapeError) {
        lock.lock()
        defer { lock.unlock() }
        if let writeFailure { throw writeFailure }
        let time = now
        do {
            try writer.append(Frame(time: time, direction: direction, connection: connection, kind: kind, payload: payload))
        } catch {
            writeFailure = error
            throw error
        }
        switch direction {
        case .inbound: counters.framesIn += 1
        case .outbound: counters.framesOut += 1
        }
        counters.payloadBytes += payload.count
        counters.lastFrameTime = time
        switch kind {
        case .opened: counters.openConnections += 1
        case .closed, .lost: counters.openConnections -= 1
        case .text, .binary, .ping, .pong, .close, .error, .annotation: break
        }
    }

    /// Counts a reconnect for the status line and summary.
    public func noteReconnect() {
        lock.withLock { counters.reconnects += 1 }
    }

    public var snapshot: Counters {
        lock.withLock { counters }
    }

    /// The write failure that stopped recording, if any: the owner must say so loudly and stop.
    /// Asks the writer too, so a failed background write is seen even when no frame follows it.
    public var failure: TapeError? {
        lock.withLock { writeFailure } ?? writer.failed
    }

    /// Flushes and closes the tape (index and footer written).
    public func close() throws(TapeError) {
        try writer.close()
    }

    private static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
