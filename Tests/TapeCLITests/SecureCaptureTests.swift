import Foundation
import NIOCore
import NIOPosix
import Testing
import TapeCore
import TapeFormat
import TapeNet

/// A self-signed certificate for 127.0.0.1 and localhost in a test's folder, made with openssl.
private func makeCertificate(in folder: CLIFolder) throws -> (certificate: String, key: String) {
    let certificate = folder.path("cert.pem"), key = folder.path("key.pem")
    let openssl = Process()
    openssl.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
    openssl.arguments = ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                         "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", key, "-out", certificate]
    openssl.standardError = FileHandle.nullDevice
    try openssl.run()
    openssl.waitUntilExit()
    try #require(openssl.terminationStatus == 0)
    return (certificate, key)
}

private func frames(_ path: String) throws -> [Frame] {
    var frames: [Frame] = []
    try TapeReader(path: path).forEachFrame { frames.append($0.frame) }
    return frames
}

/// `tape record` and `tape proxy` against `tape simulate` over wss://, every simulator, and proxy rotation.
@Suite("capture over wss:// and rotation")
struct SecureCaptureTests {
    @Test("tape record over wss:// trusts the simulator's certificate with --ca-file, for every venue (qfex: both sockets)",
          arguments: ["digitex", "qfex", "roxom", "notional", "satori"])
    func recordOverTLS(venue: String) throws {
        let folder = try CLIFolder()
        let (certificate, key) = try makeCertificate(in: folder)
        let simulator = try RunningTape("simulate", "--venue", venue, "--port", "0", "--tls-cert", certificate, "--tls-key", key)
        let url = try #require(simulator.firstLine())
        #expect(url.hasPrefix("wss://127.0.0.1:"))
        setenv("TAPETESTW_TOKEN", "secure-trader", 1)
        setenv("TAPETESTW_API_KEY", "secure-key", 1)
        setenv("TAPETESTW_SECRET", "secure-secret", 1)
        setenv("TAPETESTW_ADDRESS", "0x742d35cc6634c0532925a3b844bc9e7595f0beb0", 1)
        setenv("TAPETESTW_SIGNER", try makeSatoriSigner(in: folder), 1)
        // Roxom's and Satori's own traffic is the account's: a few frames, so stop on time as well.
        let recorded = try tape("record", "--venue", venue, "--url", url, "-o", folder.path("w.tape"), "--ca-file", certificate,
                                "--credentials-env", "TAPETESTW", "--max-frames", "30", "--duration", venue == "digitex" || venue == "qfex" ? "60" : "5")
        #expect(recorded.status == 0, "\(recorded.error)")
        let untrusted = try tape("record", "--venue", venue, "--url", url, "-o", folder.path("untrusted.tape"), "--duration", "5",
                                 "--credentials-env", "TAPETESTW")
        #expect(untrusted.status == 1)
        #expect(untrusted.error.contains("cannot connect"), "\(untrusted.error)")
        simulator.signal(SIGTERM)
        #expect(simulator.wait() == 0)

        let recording = try frames(folder.path("w.tape"))
        let urls = recording.filter { $0.kind == .opened }.compactMap { ConnectionOpened(payload: $0.payload)?.url }
        #expect(urls == (venue == "qfex" ? [url + "/", url + "/mds"] : [url + "/"]))
        #expect(recording.contains { $0.kind == .text && $0.direction == .inbound })
        let text = String(decoding: recording.flatMap(\.payload), as: UTF8.self)
        #expect(!text.contains("secure-trader") && !text.contains("secure-key") && !text.contains("secure-secret"), "a credential reached the tape")
        let replayed = try tape("replay", folder.path("w.tape"))
        #expect(replayed.status == 0 && replayed.output.contains("anomalies   0"), "\(replayed.output)")
    }

    @Test("tape simulate --tls-self-signed makes its own certificate; a recorder trusting it with --ca-file records over wss://")
    func selfSignedSimulator() throws {
        let folder = try CLIFolder()
        let simulator = try RunningTape("simulate", "--venue", "digitex", "--port", "0", "--tls-self-signed", folder.path("tls"))
        let url = try #require(simulator.firstLine())
        #expect(url.hasPrefix("wss://127.0.0.1:"))
        setenv("TAPETESTS_TOKEN", "self-signed-trader", 1)
        let recorded = try tape("record", "--venue", "digitex", "--url", url, "-o", folder.path("s.tape"),
                                "--ca-file", folder.path("tls/cert.pem"), "--credentials-env", "TAPETESTS", "--max-frames", "10", "--duration", "60")
        #expect(recorded.status == 0, "\(recorded.error)")
        simulator.signal(SIGTERM)
        #expect(simulator.wait() == 0)
        #expect(try frames(folder.path("s.tape")).contains { $0.kind == .text && $0.direction == .inbound })
        let both = try tape("simulate", "--tls-self-signed", folder.path("x"), "--tls-cert", "a.pem", "--tls-key", "b.pem")
        #expect(both.status == 64)
    }

    @Test("tape proxy forwards to every simulator and records both directions, over ws:// and over wss:// (served and upstream)",
          arguments: ["digitex", "qfex", "roxom", "notional", "satori"], [false, true])
    func proxyToSimulators(venue: String, secure: Bool) throws {
        let folder = try CLIFolder()
        let (certificate, key) = try makeCertificate(in: folder)
        let tls = secure ? ["--tls-cert", certificate, "--tls-key", key] : []
        let simulator = try RunningTape(["simulate", "--venue", venue, "--port", "0"] + tls)
        let upstream = try #require(simulator.firstLine())
        let proxy = try RunningTape(["proxy", "--upstream", upstream, "--venue", venue, "-o", folder.path("p.tape"), "--ca-file", certificate] + tls)
        let url = try #require(proxy.firstLine())
        #expect(url.hasPrefix(secure ? "wss://127.0.0.1:" : "ws://127.0.0.1:"))

        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        let received = Inbox()
        let client = try WebSocketClient.connect(to: WebSocketURL(url)!, tls: ClientTLS(caFile: certificate), group: group,
                                                 onEvent: received.add).wait()
        // A first request each venue answers: an authentication where it has one, else a
        // subscription (Roxom's market data) or a ping.
        let request = switch venue {
        case "qfex": #"{"type":"auth","params":{"api_key":"PROXIED-KEY-1"}}"#
        case "roxom": #"{"op":"subscribe","args":[{"channel":"depth","symbol":"US500-BTC"}]}"#
        case "notional": #"{"method":"ping"}"#
        case "satori": "ping"
        default: #"{"id":1,"method":"auth","params":{"type":"token","value":"PROXIED-TOKEN-1"}}"#
        }
        client.send(.text, Array(request.utf8))
        #expect(received.wait(for: 1))
        client.close()
        #expect(received.waitForEnd())
        proxy.signal(SIGTERM)
        #expect(proxy.wait() == 0, "\(proxy.standardError)")
        simulator.signal(SIGTERM)
        #expect(simulator.wait() == 0)

        let tape = try frames(folder.path("p.tape"))
        #expect(tape.first?.kind == .opened)
        #expect(tape.contains { $0.kind == .text && $0.direction == .outbound })
        #expect(tape.contains { $0.kind == .text && $0.direction == .inbound })
        #expect(!String(decoding: tape.flatMap(\.payload), as: UTF8.self).contains("PROXIED-"))
    }

    @Test("tape proxy --rotate-size starts a new part between frames: the connection is re-declared, no message lost or repeated")
    func proxyRotates() throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        let upstream = try startEcho(group: group)
        let folder = try CLIFolder()
        let proxy = try RunningTape("proxy", "--upstream", upstream.url, "-o", folder.path("r.tape"), "--rotate-size", "1K", "--log-flushes")
        let url = try #require(proxy.firstLine())
        let received = Inbox()
        let client = try WebSocketClient.connect(to: WebSocketURL(url)!, group: group, onEvent: received.add).wait()
        var random = SeededRandom(seed: 3)
        var sent: [String] = []
        for batch in 0..<3 {
            for index in 0..<20 {
                let text = "\(batch)/\(index) " + String((0..<64).map { _ in Character(UnicodeScalar(UInt8(ascii: "a") + UInt8(random.next() % 26))) })
                sent.append(text)
                client.send(.text, Array(text.utf8))
            }
            #expect(received.wait(for: sent.count))
            // Once a block past 1 KiB is on disk, the next frame starts a new part.
            #expect(proxy.nextLine()?.hasPrefix("flushed frames") == true)
        }
        client.close()
        #expect(received.waitForEnd())
        proxy.signal(SIGTERM)
        let status = proxy.wait()
        #expect(status == 0, "\(proxy.standardError)")
        // Three batches, each flushed past 1 KiB: two parts at least, whatever the flush timer did
        // mid-batch (the closing frames may start one more).
        let parts = [folder.path("r.tape")] + (1...9).map { folder.path(String(format: "r.%04d.tape", $0)) }
            .filter { FileManager.default.fileExists(atPath: $0) }
        #expect(parts.count >= 2)
        #expect(proxy.standardOutput.contains("tapes (\(parts.count) parts): \(parts.joined(separator: " "))"), "\(proxy.standardOutput)")
        var texts: [String] = []
        for (number, part) in parts.enumerated() {
            #expect(try gzipChecks(part))
            let partFrames = try frames(part)
            let first = partFrames.first.flatMap { ConnectionOpened(payload: $0.payload) }
            #expect(first != nil, "part \(number) starts by declaring its connection")
            let continued = first?.headers.contains { $0.name == TapeRecorder.continuationHeader } ?? false
            #expect(continued == (number > 0))
            texts += partFrames.filter { $0.kind == .text }.map { String(decoding: $0.payload, as: UTF8.self) }
        }
        // Each message twice (to the venue and back); the two directions interleave as they please.
        let complete = texts.sorted() == sent.flatMap { [$0, $0] }.sorted()
        #expect(complete, "\(texts.count) text frames of \(sent.count * 2)")
        try upstream.close()
    }
}
