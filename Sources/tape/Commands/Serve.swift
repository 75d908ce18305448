import ArgumentParser
import Foundation
import NIOPosix
import Serving
import TapeCore
import TapeFormat
import TapeNet

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve a tape's venue side as a WebSocket endpoint that any client can connect to.",
        discussion: """
            Prints the URL it listens on as the first line of standard output, then serves until \
            Ctrl-C (or, with --once, until the first session ends). Each recorded connection with an \
            'opened' frame is an endpoint: a client gets the recorded connection whose URL path \
            equals its request path (else any), the one served least so far, ties to the lowest \
            connection id; '?tape-connection=N' picks connection N. Each session plays that \
            connection's inbound frames (text, binary, ping, pong, close) in order, paced by --pace. \
            With --cassette the server also waits, at each recorded client frame, for the client to \
            send a matching one (--match, --ignore-field); a mismatch closes the session with 1008 \
            and is reported on stderr with both frames. Exit codes: 0 done; 1 a session failed or \
            the tape cannot be served; 2 the tape is damaged (served up to the damage); 64 bad \
            arguments.
            """
    )

    @Argument(help: "The tape file.")
    var file: String

    @Option(help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "The port to listen on; 0 picks a free one (the printed URL says which).")
    var port = 0

    @Option(help: "Pacing: \(PacingArgument.help).")
    var pace = "realtime"

    @Flag(help: "Wait for the client's frames to match the recorded ones before sending what followed them.")
    var cassette = false

    @Option(help: "How client frames are matched in cassette mode: json (key order, whitespace and --ignore-field ignored) or exact.")
    var match = "json"

    @Option(name: .customLong("ignore-field"), help: "A JSON field ignored at any depth when matching (repeatable, or comma-separated), e.g. id,timestamp,nonce,signature,clOrdId.")
    var ignoredFields: [String] = []

    @Flag(help: "Also ignore the fields that change on every run of a typical trading client: \(MatchRules.volatileFields.joined(separator: ", ")).")
    var ignoreVolatile = false

    @Option(name: .customLong("tls-cert"), help: "Serve wss:// with this certificate chain (PEM); needs --tls-key.")
    var tlsCertificate: String?

    @Option(name: .customLong("tls-key"), help: "The private key (PEM) for --tls-cert.")
    var tlsKey: String?

    @Flag(help: "Refuse permessage-deflate even when the client offers it.")
    var noDeflate = false

    @Flag(help: "Stop after the first session ends.")
    var once = false

    func validate() throws {
        _ = try pacing()
        _ = try rules()
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535, not \(port)") }
        guard (tlsCertificate == nil) == (tlsKey == nil) else {
            throw ValidationError("--tls-cert and --tls-key go together")
        }
        for (flag, path) in [("--tls-cert", tlsCertificate), ("--tls-key", tlsKey)] {
            if let path, !FileManager.default.isReadableFile(atPath: path) {
                throw ValidationError("\(flag): cannot read '\(path)'; give a PEM file")
            }
        }
    }

    func pacing() throws -> Pacing {
        guard let pacing = PacingArgument.parse(pace) else {
            throw ValidationError("unknown --pace '\(pace)'; use \(PacingArgument.help)")
        }
        return pacing
    }

    func rules() throws -> MatchRules {
        guard let comparison = MatchRules.Comparison(rawValue: match) else {
            throw ValidationError("unknown --match '\(match)'; use json or exact")
        }
        let fields = ignoredFields.flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
        return MatchRules(comparison: comparison,
                          ignoring: fields.filter { !$0.isEmpty } + (ignoreVolatile ? MatchRules.volatileFields : []))
    }

    func run() throws {
        let plan = try reportingErrors {
            let reader = try TapeReader(path: file)
            do {
                return try ServePlan.load(reader, parallelism: ProcessInfo.processInfo.activeProcessorCount)
            } catch let error as ServeError {
                printError(error.description)
                throw Exit.failure
            }
        }
        if let damage = plan.damage {
            printError("damaged: \(damage); serving the \(plan.framesRead) frames before it")
        }
        var configuration = ReplayServer.Configuration()
        configuration.host = host
        configuration.port = port
        configuration.pacing = try pacing()
        configuration.acceptDeflate = !noDeflate
        configuration.mode = cassette ? .cassette(try rules()) : .timed
        if let tlsCertificate, let tlsKey {
            configuration.tls = ServerTLS(certificateFile: tlsCertificate, privateKeyFile: tlsKey)
        }
        let outcome = try ServeRun(plan: plan, configuration: configuration, once: once).run()
        if outcome.failedSessions > 0 { throw Exit.failure }
        if plan.damage != nil { throw Exit.damaged }
    }
}

/// The serving loop of `tape serve`: starts the server, logs sessions on stderr, waits for Ctrl-C,
/// SIGTERM or (with `once`) the first session's end.
struct ServeRun {
    let plan: ServePlan
    let configuration: ReplayServer.Configuration
    let once: Bool

    struct Outcome {
        var failedSessions = 0
    }

    func run() throws -> Outcome {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        defer { try? group.syncShutdownGracefully() }
        let stop = DispatchSemaphore(value: 0)
        let failures = FailureCount()
        // Listen for Ctrl-C and SIGTERM before the URL is out: a script may stop us as soon as it has it.
        let signals = [SIGINT, SIGTERM].map { number -> DispatchSourceSignal in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { stop.signal() }
            source.resume()
            return source
        }
        let server: ReplayServer
        do {
            server = try ReplayServer.start(plan: plan, configuration: configuration, group: group) { event in
                switch event {
                case .started(let session, let connection, let client, let target):
                    log("session \(session): \(client) asked for \(target) → \(connection)")
                case .refused(let client, let target, let reason):
                    log("refused \(client) asking for \(target): \(reason)")
                case .ended(let report):
                    log(report.description)
                    if !report.succeeded { failures.increment() }
                    if once { stop.signal() }
                }
            }
        } catch {
            let remedy = configuration.tls == nil ? "pick another --host or --port" : "check --tls-cert and --tls-key, or pick another --host or --port"
            printError("cannot serve on \(configuration.host):\(configuration.port) (\(error)); \(remedy)")
            throw Exit.failure
        }
        // Unbuffered, so that a script waiting for the URL gets it at once.
        FileHandle.standardOutput.write(Data((server.url + "\n").utf8))
        for script in plan.scripts {
            log("\(script.connection) \(server.url)\(script.path) ← \(script.url): \(script.sendCount) frames to send, \(script.expectCount) client frames recorded")
        }
        stop.wait()
        signals.forEach { $0.cancel() }
        try? server.close()
        return Outcome(failedSessions: failures.value)
    }
}

private final class FailureCount: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}

private func log(_ message: String) {
    FileHandle.standardError.write(Data("tape serve: \(message)\n".utf8))
}
