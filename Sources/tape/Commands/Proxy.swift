import ArgumentParser
import Foundation
import NIOCore
import NIOPosix
import TapeCore
import TapeFormat
import TapeNet

struct Proxy: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Record a session by standing between your own bot and the venue.",
        discussion: """
            Point your bot (any language) at the printed ws:// URL instead of the venue. Each client \
            connection gets its own upstream connection; both directions are forwarded unchanged and \
            recorded, with the handshake and close codes. Secrets are redacted by the venue's rules \
            (--venue) and generic header/query rules. Ctrl-C or SIGTERM closes the tape cleanly. \
            The first line on stdout is the URL to connect to.
            """
    )

    @Option(help: "Where to listen, HOST:PORT (port 0 picks a free one). Loopback unless you say otherwise.")
    var listen: String = "127.0.0.1:0"

    @Option(help: "The venue's WebSocket URL (ws:// or wss://). A client's path and query replace the URL's unless they are just '/'.")
    var upstream: String

    @Option(help: "The venue (digitex, qfex, roxom, notional, satori): its redaction rules and the tape header.")
    var venue: String = "unknown"

    @Option(help: "Serve wss:// with this PEM certificate chain (needs --tls-key).")
    var tlsCert: String?

    @Option(help: "The PEM private key for --tls-cert.")
    var tlsKey: String?

    @OptionGroup var recording: RecordingOptions

    func validate() throws {
        guard WebSocketURL(upstream) != nil else { throw ValidationError("--upstream must be a ws:// or wss:// URL, not '\(upstream)'") }
        guard parseHostPort(listen) != nil else { throw ValidationError("--listen takes HOST:PORT, like 127.0.0.1:9000, not '\(listen)'") }
        guard (tlsCert == nil) == (tlsKey == nil) else { throw ValidationError("--tls-cert and --tls-key go together") }
    }

    func run() throws {
        try reportingErrors {
            let (host, port) = parseHostPort(listen)!
            let upstreamURL = WebSocketURL(upstream)!
            let redaction = RecordingRun.redaction(venue: venue, disabled: recording.noRedact)
            let header = TapeHeader(
                venue: venue, endpoints: [redaction.url(upstream)], wallClockStartNanoseconds: wallClockNow(),
                labels: ["recorded-by": "tape proxy"]
            )
            let run = try RecordingRun(header: header, options: recording)
            let group = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
            defer { try? group.syncShutdownGracefully() }
            let proxy: RecordingProxy
            do {
                proxy = try RecordingProxy.start(
                    host: host, port: port, upstream: upstreamURL, upstreamTLS: ClientTLS(caFile: recording.caFile),
                    serverTLS: tlsCert.map { ServerTLS(certificateFile: $0, privateKeyFile: tlsKey!) },
                    recorder: run.recorder, redaction: redaction, group: group
                )
            } catch {
                try? run.finish(.done)
                throw TapeError(.cannotOpen, file: listen, "cannot listen (\(error))", remedy: "choose another --listen address or port")
            }
            // Unbuffered: scripts read this line while the proxy runs.
            FileHandle.standardOutput.write(Data((proxy.url + "\n").utf8))
            printError("proxying \(proxy.url) -> \(upstream), recording to \(recording.output)")
            let reason = run.waitUntilStopped(duration: recording.duration)
            try? proxy.stop()
            try run.finish(reason)
        }
    }
}

/// "host:port" → (host, port); IPv6 hosts in brackets.
func parseHostPort(_ text: String) -> (String, Int)? {
    guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else { return nil }
    var host = String(text[..<colon])
    if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
    return host.isEmpty ? nil : (host, port)
}

/// Unix time in nanoseconds: the header's anchor for absolute times (the CLI edge may read the clock).
func wallClockNow() -> Int64 {
    Int64(Date().timeIntervalSince1970 * 1e9)
}
