import Foundation
import TapeCore
import TapeFormat
import TapeNet
import Venues

/// What `tape record` and `tape proxy` share: the tape and its recorder, redaction, the wait for
/// Ctrl-C / SIGTERM / a duration, the live status line and the final summary.
final class RecordingRun {
    let output: String
    let recorder: TapeRecorder
    private let started = ContinuousClock.now
    private let stop = DispatchSemaphore(value: 0)
    private let reason = StopReasonBox()
    /// Watched from creation on, before any URL is printed: a signal sent as soon as a script reads
    /// the URL must not be lost.
    private var signalSources: [DispatchSourceSignal] = []

    /// - Parameter logFlushes: print a line on stdout each time a block is on disk (scripts and
    ///   tests wait on it to know what a crash can no longer lose).
    ///   - rotation: when to start a new part (none by default).
    init(output: String, header: TapeHeader, logFlushes: Bool = false, rotation: TapeRecorder.Rotation = .init()) throws {
        self.output = output
        // A file size limit must fail a write (EFBIG, reported) rather than kill the recorder.
        signal(SIGXFSZ, SIG_IGN)
        var options = TapeWriter.Options()
        if logFlushes {
            options.onBlockWritten = { block in
                let last = block.firstFrame + block.frameCount - 1
                FileHandle.standardOutput.write(Data("flushed frames \(block.firstFrame)-\(last)\n".utf8))
            }
        }
        recorder = try TapeRecorder(path: output, header: header, options: options, rotation: rotation)
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { [stop, reason] in
                reason.set(.signal(signalNumber == SIGINT ? "Ctrl-C" : "SIGTERM"))
                stop.signal()
            }
            source.resume()
            signalSources.append(source)
        }
    }

    deinit {
        signalSources.forEach { $0.cancel() }
    }

    /// Generic header and query rules, plus the venue's own rules when the venue is known.
    static func redaction(venue: String, disabled: Bool) -> Redaction {
        if disabled {
            printError("WARNING: --no-redact: API keys, tokens and signatures will be written to the tape as they are. Do not share or commit it.")
            return .none
        }
        guard let rules = VenueName(rawValue: venue)?.redactionRules else { return Redaction() }
        // Secrets travel in requests (every rule names a request field), but a venue may echo a request
        // back (an error quoting it), so inbound frames are covered too. They are the bulk of a
        // session, so an inbound frame is only scanned when it holds one of the rules' markers.
        let markers: [[UInt8]] = rules.fields.map { Array(($0.when?.equals ?? $0.path.last ?? "").utf8) }
        return Redaction(
            payload: { direction, kind, bytes in
                guard kind == .text else { return bytes }
                guard direction == .outbound || markers.contains(where: { bytes.containsBytes($0) }) else { return bytes }
                return rules.redact(bytes)
            },
            handshake: { rules.redact($0) }
        )
    }

    /// `RecordingRun` for the shared options of `record` and `proxy`.
    convenience init(header: TapeHeader, options: RecordingOptions) throws {
        try self.init(output: options.output, header: header, logFlushes: options.logFlushes, rotation: options.rotation)
    }

    /// Blocks until Ctrl-C, SIGTERM, the duration, or a write failure; shows a status line on a terminal.
    func waitUntilStopped(duration: Double?, stopEarly: () -> Bool = { false }) -> StopReason {
        let showStatus = isatty(STDERR_FILENO) == 1
        let deadline = duration.map { started + .milliseconds(Int64($0 * 1000)) }
        while true {
            if stop.wait(timeout: .now() + .milliseconds(250)) == .success { break }
            if let failure = recorder.failure {
                reason.set(.failed(failure))
                break
            }
            if let deadline, ContinuousClock.now >= deadline {
                reason.set(.duration)
                break
            }
            if stopEarly() {
                reason.set(.done)
                break
            }
            if showStatus { FileHandle.standardError.write(Data(("\r" + statusLine() + "   ").utf8)) }
        }
        if showStatus { FileHandle.standardError.write(Data("\n".utf8)) }
        return reason.value ?? .done
    }

    enum StopReason {
        case signal(String)
        case duration
        case done
        case failed(TapeError)
    }

    /// Closes the tape and prints the summary; throws if the tape could not be completed.
    func finish(_ reason: StopReason) throws {
        let closeError: TapeError?
        do {
            try recorder.close()
            closeError = nil
        } catch {
            closeError = error
        }
        printLine(summary(reason))
        if case .failed(let failure) = reason { throw failure }
        if let closeError { throw closeError }
    }

    private func statusLine() -> String {
        let counters = recorder.snapshot
        let parts = recorder.parts
        let onDisk = parts.reduce(0) { $0 + ((try? FileManager.default.attributesOfItem(atPath: $1)[.size] as? Int) ?? 0) }
        let ratio = onDisk > 0 ? String(format: "%.1fx", Double(counters.payloadBytes) / Double(onDisk)) : "-"
        let age = Double((recorder.now - counters.lastFrameTime).nanoseconds) / 1e9
        let reconnects = counters.reconnects > 0 ? " (\(counters.reconnects) reconnects)" : ""
        let part = parts.count > 1 ? " | part \(parts.count)" : ""
        return "connections \(counters.openConnections) open / \(counters.connections)\(reconnects) | frames in \(counters.framesIn) out \(counters.framesOut) | \(counters.payloadBytes) B payload, \(onDisk) B on disk (\(ratio)) | last frame \(String(format: "%.1f", age)) s ago\(part)"
    }

    private func summary(_ reason: StopReason) -> String {
        let counters = recorder.snapshot
        let why: String
        switch reason {
        case .signal(let name): why = "stopped by \(name)"
        case .duration: why = "duration reached"
        case .done: why = "done"
        case .failed(let error): why = "FAILED: \(error)"
        }
        let parts = recorder.parts
        let tapes = parts.count == 1 ? "tape: \(output)" : "tapes (\(parts.count) parts): " + parts.joined(separator: " ")
        return """
            recorded \(counters.framesIn + counters.framesOut) frames (\(counters.framesIn) in, \(counters.framesOut) out), \
            \(counters.payloadBytes) payload bytes, \(counters.connections) connection(s)\(counters.reconnects > 0 ? ", \(counters.reconnects) reconnect(s)" : ""); \(why)
            \(tapes)
            """
    }
}

/// The first reason to stop wins (signal handlers run on another queue).
private final class StopReasonBox: @unchecked Sendable {
    private let lock = NSLock()
    private var reason: RecordingRun.StopReason?

    func set(_ new: RecordingRun.StopReason) {
        lock.withLock { if reason == nil { reason = new } }
    }

    var value: RecordingRun.StopReason? { lock.withLock { reason } }
}

extension Array where Element == UInt8 {
    /// True when `needle` occurs in the array: memchr to each candidate first byte, then memcmp.
    fileprivate func containsBytes(_ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, needle.count <= count else { return false }
        return withUnsafeBytes { haystack in
            needle.withUnsafeBytes { needle in
                let base = haystack.baseAddress!
                let last = haystack.count - needle.count
                var offset = 0
                while offset <= last {
                    guard let found = memchr(base + offset, Int32(needle[0]), last - offset + 1) else { return false }
                    offset = base.distance(to: UnsafeRawPointer(found))
                    if memcmp(found, needle.baseAddress!, needle.count) == 0 { return true }
                    offset += 1
                }
                return false
            }
        }
    }
}
