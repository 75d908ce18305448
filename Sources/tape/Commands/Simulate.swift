import ArgumentParser
import Exchange
import Foundation
import NIOCore
import NIOPosix
import Simulators
import TapeNet

struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve a simulated venue on loopback that speaks the venue's WebSocket dialect.",
        discussion: """
            Prints the URL it listens on as the first line of standard output, then serves until \
            Ctrl-C or SIGTERM. The market (other participants, prices, funding) is generated from \
            --seed; every connection trades against the same simulated exchange. Venues: digitex, \
            qfex (QFEX: trade socket at /, market data at /mds), roxom (US500-BTC), notional (BTC) \
            and satori (ETH-USD).
            Roxom, Notional and Satori take orders over REST, which is not simulated: every account \
            that authenticates (Roxom), address that subscribes (Notional) or key that subscribes \
            (Satori) trades by itself every ~2 s (market and limit orders, cancels; a seeded \
            AccountActivity), so its orders, fills, positions and balances move for any bot that \
            connects.
            Credentials: with none given, any non-empty token or API key authenticates (each gets \
            its own account); with --credentials, only those (Digitex: the token is KEY; QFEX: \
            api_key KEY, or HMAC signed with SECRET; Roxom: upgrade header X-API-KEY KEY with \
            X-API-TIMESTAMP and X-API-SIGN, the HMAC of the timestamp by SECRET, or an RSA-sized \
            base64 X-API-Signature; Satori: apiKey KEY, the signature checked for shape only, the \
            timestamp within 60 s; Notional: ignored, it has no authentication).
            """
    )

    static let venues = [DigitexSimulator.venue, QFEXSimulator.venue, RoxomSimulator.venue, NotionalSimulator.venue, SatoriSimulator.venue]

    @Option(help: "Venue dialect to speak: \(Self.venues.joined(separator: ", ")).")
    var venue: String = "digitex"

    @Option(help: "Port to listen on (0 picks a free one).")
    var port: Int = 0

    @Option(help: "Seed of the simulated market.")
    var seed: UInt64 = 7

    @Option(name: .customLong("tls-cert"), help: "PEM certificate chain: serve wss:// instead of ws://.")
    var tlsCertificate: String?

    @Option(name: .customLong("tls-key"), help: "PEM private key of --tls-cert.")
    var tlsKey: String?

    @Option(name: .customLong("tls-self-signed"), help: ArgumentHelp(
        "Make a self-signed certificate for 127.0.0.1 and localhost in this folder (cert.pem, key.pem; needs openssl) and serve wss:// with it.",
        discussion: "Clients trust it with --ca-file FOLDER/cert.pem."))
    var selfSignedFolder: String?

    @Option(parsing: .upToNextOption, help: "Accepted credentials as KEY:SECRET (repeatable).")
    var credentials: [String] = []

    func validate() throws {
        guard Self.venues.contains(venue) else {
            throw ValidationError("--venue \(venue) is not simulated: use one of \(Self.venues.joined(separator: ", "))")
        }
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be 0 … 65535") }
        guard (tlsCertificate == nil) == (tlsKey == nil) else { throw ValidationError("--tls-cert and --tls-key go together") }
        guard selfSignedFolder == nil || tlsCertificate == nil else {
            throw ValidationError("--tls-self-signed makes its own certificate: leave out --tls-cert and --tls-key")
        }
        for text in credentials where SimulatorCredentials(parsing: text) == nil {
            throw ValidationError("--credentials \(text): write KEY:SECRET")
        }
    }

    func run() throws {
        var tls = tlsCertificate.map { ServerTLS(certificateFile: $0, privateKeyFile: tlsKey ?? "") }
        if let selfSignedFolder {
            do {
                tls = try Self.makeSelfSignedCertificate(in: selfSignedFolder)
            } catch {
                printError("cannot make a self-signed certificate in \(selfSignedFolder): \(error); check that openssl is installed and the folder is writable, or pass --tls-cert and --tls-key")
                throw Exit.failure
            }
            printError("certificate \(selfSignedFolder)/cert.pem: clients trust it with --ca-file")
        }
        let utcNow = Int64(Date().timeIntervalSince1970 * 1_000_000_000)
        let accepted = credentials.compactMap(SimulatorCredentials.init(parsing:))
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let server: any SimulatorHost
        do {
            server = try startServer(utcNow: utcNow, credentials: accepted, tls: tls, group: group)
        } catch {
            printError("cannot start the \(venue) simulator on port \(port): \(error); choose another port or check the TLS files")
            throw Exit.failure
        }
        // Signals are watched before the URL goes out: whoever reads the URL may stop us at once, and
        // a SIGTERM that arrived while it was ignored but not yet watched would be lost.
        let done = DispatchSemaphore(value: 0)
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        let sources = [SIGINT, SIGTERM].map { number in
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { done.signal() }
            source.resume()
            return source
        }
        // Unbuffered, and only once SIGTERM is handled: whoever started us may stop us at once.
        FileHandle.standardOutput.write(Data((server.url + "\n").utf8))
        done.wait()
        sources.forEach { $0.cancel() }
        server.close()
        try? group.syncShutdownGracefully()
    }

    /// The chosen venue's dialect on a server; its market's wall clock starts at `utcNow`.
    private func startServer(utcNow: Int64, credentials: [SimulatorCredentials], tls: ServerTLS?, group: EventLoopGroup) throws -> any SimulatorHost {
        func serve<Dialect: SimulatorDialect>(_ dialect: Dialect) throws -> any SimulatorHost {
            try SimulatorServer.start(dialect: dialect, port: port, tls: tls, group: group)
        }
        func clocked(_ market: MarketDataConfig) -> MarketDataConfig {
            var market = market
            market.utcNanosAtZero = utcNow
            return market
        }
        // Venues whose orders go over REST: every account trades by itself (see the discussion).
        let activity = AccountActivity.Configuration()
        switch venue {
        case QFEXSimulator.venue:
            return try serve(QFEXSimulator(seed: seed, configuration: .init(
                credentials: credentials, market: clocked(QFEXSimulator.Configuration().market))))
        case RoxomSimulator.venue:
            return try serve(RoxomSimulator(seed: seed, configuration: .init(
                credentials: credentials, accountActivity: activity, market: clocked(RoxomSimulator.Configuration().market))))
        case NotionalSimulator.venue:
            return try serve(NotionalSimulator(seed: seed, configuration: .init(
                accountActivity: activity, market: clocked(NotionalSimulator.Configuration().market))))
        case SatoriSimulator.venue:
            return try serve(SatoriSimulator(seed: seed, configuration: .init(
                credentials: credentials, accountActivity: activity, market: clocked(SatoriSimulator.Configuration().market))))
        default:
            return try serve(DigitexSimulator(seed: seed, configuration: .init(
                credentials: credentials, market: clocked(DigitexSimulator.Configuration().market))))
        }
    }

    /// A certificate and key for 127.0.0.1 and localhost, valid 30 days, made by openssl (the one
    /// tool that can on any machine with a TLS stack; the simulator is for loopback testing only).
    private static func makeSelfSignedCertificate(in folder: String) throws -> ServerTLS {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let certificate = folder + "/cert.pem", key = folder + "/key.pem"
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        openssl.arguments = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30", "-subj", "/CN=localhost",
                             "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", key, "-out", certificate]
        openssl.standardOutput = FileHandle.nullDevice
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        guard openssl.terminationStatus == 0 else { throw SelfSignedFailure(status: openssl.terminationStatus) }
        return ServerTLS(certificateFile: certificate, privateKeyFile: key)
    }

    private struct SelfSignedFailure: Error, CustomStringConvertible {
        var status: Int32
        var description: String { "openssl exited with status \(status)" }
    }
}
