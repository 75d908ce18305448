import Foundation
import TapeCore
import TapeFormat

/// Records frames from any thread into one tape: stamps each with the recorder's monotonic clock
/// and appends it under one lock, so times never go backwards whichever event loop a frame came from.
/// With a `Rotation`, the tape is a series of parts (files), switched between two frames.
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

    /// When to start a new part. Part 0 is the path given; part n is `partPath(path, n)`.
    public struct Rotation: Sendable, Equatable {
        /// Start a new part once the current one's blocks on disk reach this many bytes. Blocks reach
        /// the disk at each flush (≤ 1 s) or when full, so a part can pass the limit by about that much.
        public var sizeBytesMax: Int?
        /// Start a new part at the first frame this long after the current part began.
        public var every: Timestamp.Duration?

        public init(sizeBytesMax: Int? = nil, every: Timestamp.Duration? = nil) {
            precondition((sizeBytesMax ?? 1) > 0 && (every?.nanoseconds ?? 1) > 0, "rotation limits must be positive")
            self.sizeBytesMax = sizeBytesMax
            self.every = every
        }

        public var isEnabled: Bool { sizeBytesMax != nil || every != nil }

        /// The file of part `part`: part 0 is `path`; later parts insert a four-digit number before
        /// `.tape` (`session.tape` → `session.0001.tape`), or append it when the name has no `.tape`.
        public static func partPath(_ path: String, part: Int) -> String {
            guard part > 0 else { return path }
            let number = "." + String(repeating: "0", count: max(0, 4 - String(part).count)) + String(part)
            if path.hasSuffix(".tape") { return String(path.dropLast(".tape".count)) + number + ".tape" }
            return path + number
        }
    }

    /// The header line a continued connection's `opened` frame carries at the top of a new part.
    public static let continuationHeader = "x-tapedeck-continued-from"

    private let lock = NSLock()
    private let start = ContinuousClock.now
    private let basePath: String
    private let header: TapeHeader
    private let options: TapeWriter.Options
    private let rotation: Rotation
    private var writer: TapeWriter
    private var counters = Counters()
    private var writeFailure: TapeError?
    /// An earlier part that could not be closed (index not written).
    private var partCloseFailure: TapeError?
    private var closed = false
    private var partPaths: [String]
    private var partStart = Timestamp.zero
    /// Connections open now, with their `opened` payloads: re-declared at the top of each new part.
    private var open: [ConnectionID: [UInt8]] = [:]
    /// Bytes of the current part on disk, as its writer thread reports them (its own lock: the
    /// writer calls back while `record` may be waiting on it; one per part, as an old part's last
    /// blocks are reported after the switch).
    private var diskBytes = DiskBytes()
    /// Earlier parts closing in the background (their last block compressed off the receive path).
    private let closing = DispatchGroup()

    public init(writer: TapeWriter) {
        self.writer = writer
        self.basePath = writer.path
        self.header = writer.header
        self.options = TapeWriter.Options()
        self.rotation = Rotation()
        self.partPaths = [writer.path]
    }

    /// Writes `path` (and, with `rotation`, its later parts) with `header` and `options`.
    public init(path: String, header: TapeHeader, options: TapeWriter.Options = TapeWriter.Options(), rotation: Rotation) throws(TapeError) {
        self.basePath = path
        self.header = header
        self.options = options
        self.rotation = rotation
        self.partPaths = [path]
        let diskBytes = DiskBytes()
        self.diskBytes = diskBytes
        self.writer = try Self.makeWriter(path: path, header: Self.partHeader(header, part: 0, basePath: path, rotation: rotation),
                                          options: options, diskBytes: diskBytes)
    }

    /// The current part's file.
    public var path: String { lock.withLock { writer.path } }

    /// Every part's file, in order (one unless rotating).
    public var parts: [String] { lock.withLock { partPaths } }

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
            if rotation.isEnabled, rotationDue(at: time) { try rotate(at: time) }
            try writer.append(Frame(time: time, direction: direction, connection: connection, kind: kind, payload: payload))
        } catch {
            // A frame that arrives after `close` (a socket ending late) is refused, not a failure of the tape.
            if !closed { writeFailure = error }
            throw error
        }
        switch direction {
        case .inbound: counters.framesIn += 1
        case .outbound: counters.framesOut += 1
        }
        counters.payloadBytes += payload.count
        counters.lastFrameTime = time
        switch kind {
        case .opened:
            counters.openConnections += 1
            open[connection] = payload
        case .closed, .lost:
            counters.openConnections -= 1
            open.removeValue(forKey: connection)
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
        lock.withLock { writeFailure ?? writer.failed }
    }

    /// Flushes and closes the tape (index and footer written), and waits for earlier parts to close.
    public func close() throws(TapeError) {
        let (current, earlier) = lock.withLock { () -> (TapeWriter, TapeError?) in
            closed = true
            return (writer, writeFailure)
        }
        var failure: TapeError?
        do {
            try current.close()
        } catch {
            failure = error
        }
        closing.wait()
        if let failure = earlier ?? failure ?? lock.withLock({ partCloseFailure }) { throw failure }
    }

    // MARK: Rotation (under the lock)

    private func rotationDue(at time: Timestamp) -> Bool {
        if let every = rotation.every, time - partStart >= every { return true }
        if let limit = rotation.sizeBytesMax, diskBytes.value >= limit { return true }
        return false
    }

    /// Switches to the next part between two frames: the new part declares the connections open now
    /// (their `opened` frames again, marked as continued), and the old one closes in the background.
    private func rotate(at time: Timestamp) throws(TapeError) {
        let part = partPaths.count
        let path = Rotation.partPath(basePath, part: part)
        let previous = writer
        let nextBytes = DiskBytes()
        let next = try Self.makeWriter(path: path, header: Self.partHeader(header, part: part, basePath: basePath, rotation: rotation),
                                       options: options, diskBytes: nextBytes)
        let previousName = (previous.path as NSString).lastPathComponent
        for connection in open.keys.sorted() {
            let payload = open[connection]!
            let continued = ConnectionOpened(payload: payload).map {
                ConnectionOpened(url: $0.url, headers: $0.headers + [HTTPHeader(name: Self.continuationHeader, value: previousName)]).payload
            } ?? payload
            try next.append(Frame(time: time, direction: .outbound, connection: connection, kind: .opened, payload: continued))
        }
        writer = next
        diskBytes = nextBytes
        partPaths.append(path)
        partStart = time
        closing.enter()
        DispatchQueue.global().async { [self] in
            defer { closing.leave() }
            do throws(TapeError) {
                try previous.close()
            } catch {
                lock.withLock {
                    if writeFailure == nil { writeFailure = error }
                    if partCloseFailure == nil { partCloseFailure = error }
                }
            }
        }
    }

    private static func partHeader(_ header: TapeHeader, part: Int, basePath: String, rotation: Rotation) -> TapeHeader {
        guard rotation.isEnabled else { return header }
        var header = header
        header.labels["part"] = String(part)
        header.labels["first-part"] = (basePath as NSString).lastPathComponent
        if part > 0 {
            header.labels["previous-part"] = (Rotation.partPath(basePath, part: part - 1) as NSString).lastPathComponent
        }
        return header
    }

    private static func makeWriter(path: String, header: TapeHeader, options: TapeWriter.Options, diskBytes: DiskBytes) throws(TapeError) -> TapeWriter {
        var options = options
        let report = options.onBlockWritten
        options.onBlockWritten = { block in
            diskBytes.set(block.offset + block.length)
            report?(block)
        }
        return try TapeWriter(path: path, header: header, options: options)
    }

    private static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}

/// The current part's size on disk, set from the writer thread.
private final class DiskBytes: @unchecked Sendable {
    private let lock = NSLock()
    private var bytes = 0

    var value: Int { lock.withLock { bytes } }
    func set(_ value: Int) { lock.withLock { bytes = value } }
}
