import ArgumentParser
import Foundation
import NIOCore
import NIOPosix
import TapeCore
import TapeFormat
import TapeNet

struct Record: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Record a session that Tapedeck drives itself: connect, authenticate, subscribe, record.",
        discussion: """
            Credentials come from the environment, never from arguments: with --credentials-env \
            DIGITEX, Digitex reads DIGITEX_TOKEN; QFEX reads PREFIX_API_KEY and PREFIX_SECRET. \
            Secrets are redacted on the tape by the venue's rules. Stops on Ctrl-C, SIGTERM, \
            --duration or --max-frames, closing the tape cleanly. Venues driven so far: digitex, qfex \
            (record any other venue through 'tape proxy').
            """
    )

    @Option(help: "The venue: \(VenueRecording.Venue.allCases.map(\.rawValue).joined(separator: ", ")).")
    var venue: String

    @Option(help: "The venue's WebSocket URL (ws:// or wss://).")
    var url: String

    @Option(help: "Symbols to subscribe to (repeatable); the venue's main one by default.")
    var symbols: [String] = []

    @Option(help: "Channels to subscribe to (repeatable); per-venue defaults cover book, trades and the account.")
    var channels: [String] = []

    @Option(help: "Prefix of the environment variables that hold the credentials (default: the venue's name in capitals).")
    var credentialsEnv: String?

    @Option(help: "Stop after this many frames.")
    var maxFrames: Int?

    @OptionGroup var recording: RecordingOptions

    func validate() throws {
        guard VenueRecording.Venue(rawValue: venue) != nil else {
            throw ValidationError("--venue \(venue) cannot be driven yet; use one of \(VenueRecording.Venue.allCases.map(\.rawValue).joined(separator: ", ")), or record it through 'tape proxy'")
        }
        guard WebSocketURL(url) != nil else { throw ValidationError("--url must be a ws:// or wss:// URL, not '\(url)'") }
        if let maxFrames, maxFrames <= 0 { throw ValidationError("--max-frames must be positive") }
    }

    func run() throws {
        try reportingErrors {
            let chosen = VenueRecording.Venue(rawValue: venue)!
            let subscribedSymbols = symbols.isEmpty ? VenueRecording.defaultSymbols(chosen) : symbols
            let redaction = RecordingRun.redaction(venue: venue, disabled: recording.noRedact)
            let header = TapeHeader(
                venue: venue, endpoints: [redaction.url(url)], wallClockStartNanoseconds: wallClockNow(),
                labels: ["recorded-by": "tape record", "symbols": subscribedSymbols.joined(separator: ",")]
            )
            let run = try RecordingRun(output: recording.output, header: header, logFlushes: recording.logFlushes)
            let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
            defer { try? group.syncShutdownGracefully() }
            let session: VenueRecording
            do {
                session = try VenueRecording.start(
                    venue: chosen, url: WebSocketURL(url)!,
                    credentials: .fromEnvironment(prefix: credentialsEnv ?? venue.uppercased()),
                    channels: channels.isEmpty ? VenueRecording.defaultChannels(chosen, symbols: subscribedSymbols) : channels,
                    symbols: subscribedSymbols, tls: ClientTLS(caFile: recording.caFile), recorder: run.recorder,
                    redaction: redaction, group: group
                )
            } catch {
                try? run.finish(.done)
                throw TapeError(.cannotOpen, file: url, "cannot connect (\(error))", remedy: "check the URL, the venue and the network")
            }
            printError("recording \(venue) from \(url) to \(recording.output)")
            let limit = maxFrames
            let venueClosed = OnceFlag()
            session.closed.whenComplete { _ in venueClosed.set() }
            let reason = run.waitUntilStopped(duration: recording.duration) {
                if let limit, run.recorder.snapshot.framesIn + run.recorder.snapshot.framesOut >= limit { return true }
                return venueClosed.isSet
            }
            session.close()
            _ = try? session.closed.wait()
            try run.finish(reason)
        }
    }
}

/// A flag set once from any thread.
final class OnceFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}
