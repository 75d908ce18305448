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
            DIGITEX, Digitex reads DIGITEX_TOKEN; QFEX and Roxom read PREFIX_API_KEY and PREFIX_SECRET \
            (Roxom signs the upgrade request with them); Notional reads the account's address from \
            PREFIX_ADDRESS (it has no authentication); Satori reads PREFIX_API_KEY and runs the \
            command in PREFIX_SIGNER with the ms timestamp as its last argument to get each \
            socket's secp256k1 signature (the private key never reaches Tapedeck). \
            Secrets are redacted on the tape by the venue's rules. Venues that split trading and \
            market data get both sockets on one tape, each its own connection (QFEX: the market-data \
            URL is wss://mds.* next to wss://trade.*, else the same server's /mds; see --market-url). \
            A socket the venue closes or loses is reopened with backoff (0.5 s doubling to 30 s), \
            authenticated and subscribed again, and the gap is noted on the tape. Stops on Ctrl-C, \
            SIGTERM, --duration or --max-frames, closing the tape cleanly. Venues driven so far: \
            \(VenueRecording.Venue.allCases.map(\.rawValue).joined(separator: ", ")) (record any other \
            venue through 'tape proxy'). See docs/CAPTURE.md.
            """
    )

    @Option(help: "The venue: \(VenueRecording.Venue.allCases.map(\.rawValue).joined(separator: ", ")).")
    var venue: String

    @Option(help: "The venue's WebSocket URL (ws:// or wss://): its trading socket.")
    var url: String

    @Option(help: "The market-data socket's URL, for venues that have one (default: next to --url).")
    var marketURL: String?

    @Flag(help: "Record the trading socket only, not the venue's market-data socket.")
    var noMarketData = false

    @Option(help: "Symbols to subscribe to (repeatable); the venue's main one by default.")
    var symbols: [String] = []

    @Option(help: "Channels to subscribe to (repeatable); per-venue defaults cover book, trades and the account.")
    var channels: [String] = []

    @Option(help: "Market-data channels (repeatable), for venues with a market-data socket; per-venue defaults.")
    var marketChannels: [String] = []

    @Option(help: "Prefix of the environment variables that hold the credentials (default: the venue's name in capitals); \(VenueRecording.Venue.allCases.map { "\($0.rawValue) reads \($0.recordable.credentialsHelp)" }.joined(separator: ", ")).")
    var credentialsEnv: String?

    @Option(help: "Stop after this many frames.")
    var maxFrames: Int?

    @Option(help: "Give up (and stop) after this many failed reconnect attempts in a row (default: never).")
    var reconnectAttempts: Int?

    @OptionGroup var recording: RecordingOptions

    func validate() throws {
        guard VenueRecording.Venue(rawValue: venue) != nil else {
            throw ValidationError("--venue \(venue) cannot be driven yet; use one of \(VenueRecording.Venue.allCases.map(\.rawValue).joined(separator: ", ")), or record it through 'tape proxy'")
        }
        guard WebSocketURL(url) != nil else { throw ValidationError("--url must be a ws:// or wss:// URL, not '\(url)'") }
        let prefix = credentialsEnv ?? venue.uppercased()
        if let problem = VenueRecording.Venue(rawValue: venue)!.recordable.credentialsProblem(.fromEnvironment(prefix: prefix), prefix) {
            throw ValidationError(problem)
        }
        if let marketURL, WebSocketURL(marketURL) == nil { throw ValidationError("--market-url must be a ws:// or wss:// URL, not '\(marketURL)'") }
        if let maxFrames, maxFrames <= 0 { throw ValidationError("--max-frames must be positive") }
        if let reconnectAttempts, reconnectAttempts <= 0 { throw ValidationError("--reconnect-attempts must be positive") }
    }

    func run() throws {
        try reportingErrors {
            let chosen = VenueRecording.Venue(rawValue: venue)!
            let recordable = chosen.recordable
            let subscribedSymbols = symbols.isEmpty ? recordable.defaultSymbols : symbols
            let request = VenueRecording.Request(
                url: WebSocketURL(url)!, credentials: .fromEnvironment(prefix: credentialsEnv ?? venue.uppercased()),
                symbols: subscribedSymbols, channels: channels.isEmpty ? nil : channels, marketURL: marketURL.flatMap(WebSocketURL.init),
                marketChannels: marketChannels.isEmpty ? nil : marketChannels, marketData: !noMarketData
            )
            let redaction = RecordingRun.redaction(venue: venue, disabled: recording.noRedact)
            var endpoints = [redaction.url(url)]
            if request.marketData, let market = recordable.marketData {
                endpoints.append(redaction.url((request.marketURL ?? market.defaultURL(request.url)).description))
            }
            var labels = ["recorded-by": "tape record", "symbols": subscribedSymbols.joined(separator: ",")]
            // Replay reads the account a Notional tape streams from here (it is public, not a secret).
            if chosen == .notional, let address = request.credentials.address { labels["user"] = address.lowercased() }
            let header = TapeHeader(venue: venue, endpoints: endpoints, wallClockStartNanoseconds: wallClockNow(), labels: labels)
            let run = try RecordingRun(header: header, options: recording)
            let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
            defer { try? group.syncShutdownGracefully() }
            let session: VenueRecording
            do {
                session = try VenueRecording.start(
                    venue: chosen, request: request, tls: ClientTLS(caFile: recording.caFile),
                    tape: VenueTape(recorder: run.recorder, redaction: redaction), group: group,
                    backoff: ReconnectBackoff(attemptsMax: reconnectAttempts),
                    onNote: { note in printError("record: \(note)") }
                )
            } catch {
                try? run.finish(.done)
                throw TapeError(.cannotOpen, file: url, "cannot connect (\(error))", remedy: "check the URL, the venue and the network")
            }
            printError("recording \(venue) from \(session.sockets.map(\.url.description).joined(separator: " and ")) to \(recording.output)")
            let limit = maxFrames
            let venueClosed = OnceFlag()
            session.anyClosed(on: group.next()).whenComplete { _ in venueClosed.set() }
            let reason = run.waitUntilStopped(duration: recording.duration) {
                if let limit, run.recorder.snapshot.framesIn + run.recorder.snapshot.framesOut >= limit { return true }
                return venueClosed.isSet
            }
            session.close()
            _ = try? session.closed(on: group.next()).wait()
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

    /// Sets the flag; true only for the call that set it first.
    func setFirst() -> Bool {
        lock.withLock {
            defer { value = true }
            return !value
        }
    }
}
