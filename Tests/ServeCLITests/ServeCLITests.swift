import Foundation
import NIOPosix
import Samples
import Testing
import TapeCore
import TapeFormat
import TapeNet

/// Runs `tape serve` as a user would and talks to it over a real socket.
@Suite("tape serve on the command line")
struct ServeCLITests {
    @Test("tape serve --once prints its URL first, serves the recorded frames to a client and exits 0")
    func servesOnce() throws {
        let folder = try Folder()
        let path = folder.path("session.tape")
        let expected = try writeSyntheticTape(path, frames: 500)
        let server = try ServeProcess(arguments: ["serve", path, "--once", "--pace", "max", "--port", "0"])
        let url = try #require(server.firstLine())
        #expect(url.hasPrefix("ws://127.0.0.1:"))

        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        let messages = Messages()
        _ = try WebSocketClient.connect(to: try #require(WebSocketURL(url)), group: group, onEvent: messages.add).wait()
        #expect(messages.waitForEnd())
        let same = messages.texts == expected
        #expect(same, "received \(messages.texts.count) text frames, expected \(expected.count)")
        let result = server.finish()
        #expect(result.status == 0)
        #expect(result.error.contains("session 1 on c0: sent \(expected.count) of \(expected.count) frames"))
    }

    @Test("--tls-cert and --tls-key serve wss:// to a client that trusts the certificate")
    func tls() throws {
        let folder = try Folder()
        let path = folder.path("session.tape")
        let expected = try writeSyntheticTape(path, frames: 100)
        let certificate = folder.path("cert.pem"), key = folder.path("key.pem")
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        openssl.arguments = ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                             "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", key, "-out", certificate]
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        try #require(openssl.terminationStatus == 0)

        let server = try ServeProcess(arguments: ["serve", path, "--once", "--pace", "max", "--tls-cert", certificate, "--tls-key", key])
        let url = try #require(server.firstLine())
        #expect(url.hasPrefix("wss://127.0.0.1:"))
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        let messages = Messages()
        _ = try WebSocketClient.connect(to: try #require(WebSocketURL(url)), tls: ClientTLS(caFile: certificate),
                                        group: group, onEvent: messages.add).wait()
        #expect(messages.waitForEnd())
        let same = messages.texts == expected
        #expect(same)
        #expect(server.finish().status == 0)

        let lonely = try ServeProcess(arguments: ["serve", path, "--tls-cert", certificate]).finish()
        #expect(lonely.status == 64)
        #expect(lonely.error.contains("--tls-cert and --tls-key go together"))
        let missing = try ServeProcess(arguments: ["serve", path, "--tls-cert", certificate, "--tls-key", folder.path("none.pem")]).finish()
        #expect(missing.status == 64)
        #expect(missing.error.contains("--tls-key: cannot read '\(folder.path("none.pem"))'; give a PEM file"))
    }

    @Test("an unknown pacing is a usage error (64); a tape with no inbound frames says so (1)")
    func badInput() throws {
        let folder = try Folder()
        let path = folder.path("quiet.tape")
        let writer = try TapeWriter(path: path, header: TapeHeader(venue: "test", wallClockStartNanoseconds: 0))
        try writer.append(Frame(time: .zero, direction: .outbound, connection: ConnectionID(0), kind: .opened,
                                payload: ConnectionOpened(url: "ws://h/").payload))
        try writer.append(.text("hello", at: .milliseconds(1), .outbound))
        try writer.close()

        let pace = try ServeProcess(arguments: ["serve", path, "--pace", "warp"]).finish()
        #expect(pace.status == 64)
        #expect(pace.error.contains("unknown --pace 'warp'"))

        let quiet = try ServeProcess(arguments: ["serve", path, "--once"]).finish()
        #expect(quiet.status == 1)
        #expect(quiet.error.hasPrefix("tape: nothing to serve: the tape has no inbound (venue to client) frames: \(path);"))
        #expect(quiet.output.isEmpty)
    }

    @Test("--cassette with --once: a mismatching client frame is closed with 1008 and the exit code is 1",
          arguments: [["--ignore-field", "nonce,id"], ["--ignore-volatile"]])
    func cassetteMismatch(ignoring: [String]) throws {
        let folder = try Folder()
        let path = folder.path("trade.tape")
        let writer = try TapeWriter(path: path, header: TapeHeader(venue: "test", wallClockStartNanoseconds: 0))
        try writer.append(Frame(time: .zero, direction: .outbound, connection: ConnectionID(0), kind: .opened,
                                payload: ConnectionOpened(url: "wss://venue.example/trade").payload))
        try writer.append(.text(#"{"op":"auth","nonce":1}"#, at: .milliseconds(1), .outbound))
        try writer.append(.text(#"{"auth":"ok"}"#, at: .milliseconds(2), .inbound))
        try writer.close()

        // The nonce differs too, and sorts first: only an ignored nonce leaves "$.op" as the difference.
        let server = try ServeProcess(arguments: ["serve", path, "--once", "--cassette"] + ignoring)
        let url = try #require(server.firstLine())
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        let messages = Messages()
        let client = try WebSocketClient.connect(to: try #require(WebSocketURL(url + "/trade")), group: group, onEvent: messages.add).wait()
        client.send(.text, Array(#"{"op":"login","nonce":2}"#.utf8))
        #expect(messages.waitForEnd())
        #expect(messages.closeInfo?.code == 1008)
        #expect(messages.texts.isEmpty)
        let result = server.finish()
        #expect(result.status == 1)
        #expect(result.error.contains(#"the client's frame does not match frame 1 of the tape: $.op: recorded "auth", received "login""#))
    }

    @Test("a damaged tape is served up to the damage, said on stderr, with exit code 2")
    func damaged() throws {
        let folder = try Folder()
        let path = folder.path("damaged.tape")
        var options = TapeWriter.Options()
        options.blockSize = 256
        let writer = try TapeWriter(path: path, header: TapeHeader(venue: "test", wallClockStartNanoseconds: 0), options: options)
        try writer.append(Frame(time: .zero, direction: .outbound, connection: ConnectionID(0), kind: .opened,
                                payload: ConnectionOpened(url: "ws://venue.example/").payload))
        for index in 0..<60 {
            try writer.append(.text(#"{"n":\#(index),"pad":"................................"}"#, at: .milliseconds(Int64(index) + 1), .inbound))
        }
        try writer.close()
        let victim = try TapeReader(path: path).blocks[2]
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[victim.offset + victim.length / 2] ^= 0x55
        try Data(bytes).write(to: URL(fileURLWithPath: path))

        let server = try ServeProcess(arguments: ["serve", path, "--once", "--pace", "max"])
        let url = try #require(server.firstLine())
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        let messages = Messages()
        _ = try WebSocketClient.connect(to: try #require(WebSocketURL(url)), group: group, onEvent: messages.add).wait()
        #expect(messages.waitForEnd())
        #expect(messages.texts.count == victim.firstFrame - 1)
        #expect(messages.closeInfo?.code == 1011)
        let result = server.finish()
        #expect(result.status == 2)
        #expect(result.error.hasPrefix("tape: damaged: "))
        #expect(result.error.contains("at offset \(victim.offset)"))
        #expect(result.error.contains("serving the \(victim.firstFrame) frames before it"))
    }

    @Test("without --once the server runs until SIGTERM, then exits 0")
    func stopsOnSigterm() throws {
        let folder = try Folder()
        let path = folder.path("session.tape")
        _ = try writeSyntheticTape(path, frames: 50)
        let server = try ServeProcess(arguments: ["serve", path, "--pace", "max"])
        #expect(server.firstLine()?.hasPrefix("ws://127.0.0.1:") == true)
        server.process.terminate()
        let result = server.finish()
        #expect(result.status == 0)
        #expect(result.error.contains("tape serve: c0 ws://127.0.0.1:"))
    }

    @Test("tape serve --help describes the routing, pacing, cassette mode and exit codes")
    func help() throws {
        let result = try ServeProcess(arguments: ["serve", "--help"]).finish()
        #expect(result.status == 0)
        for phrase in ["USAGE: tape serve <file>", "--pace <pace>", "--cassette", "--ignore-field", "--tls-cert", "--once",
                       "?tape-connection=N", "64 bad"] {
            #expect(result.output.contains(phrase), "\(phrase)")
        }
    }

    /// Writes the synthetic session's first `frames` frames; returns connection 0's inbound text payloads.
    func writeSyntheticTape(_ path: String, frames: Int) throws -> [[UInt8]] {
        let writer = try TapeWriter(path: path, header: TapeHeader(venue: "digitex", wallClockStartNanoseconds: 0))
        var session = SyntheticSession(seed: 3)
        var expected: [[UInt8]] = []
        for _ in 0..<frames {
            let frame = session.next()
            try writer.append(frame)
            if frame.connection == session.digitex && frame.direction == .inbound && frame.kind == .text {
                expected.append(frame.payload)
            }
        }
        try writer.close()
        return expected
    }
}

/// `tape` running in the background; stdout is read line by line, stderr collected.
final class ServeProcess: @unchecked Sendable {
    let process = Process()
    private let output = Pipe()
    private let errorPipe = Pipe()
    private var buffered: [UInt8] = []
    private let errorGroup = DispatchGroup()
    nonisolated(unsafe) private var errorBytes = Data()

    init(arguments: [String]) throws {
        let products = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [products, products.deletingLastPathComponent()].map { $0.appendingPathComponent("tape") }
        guard let executable = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw CocoaError(.fileNoSuchFile)
        }
        process.executableURL = executable
        process.arguments = arguments
        process.standardOutput = output
        process.standardError = errorPipe
        try process.run()
        // A broken test must not hang: the server gets 60 s, then SIGTERM.
        let running = process
        DispatchQueue.global().asyncAfter(deadline: .now() + 60) { if running.isRunning { running.terminate() } }
        let pipe = errorPipe
        errorGroup.enter()
        DispatchQueue.global().async { [self] in
            errorBytes = pipe.fileHandleForReading.readDataToEndOfFile()
            errorGroup.leave()
        }
    }

    /// The first line of standard output (nil if the process ends first).
    func firstLine() -> String? {
        while true {
            if let newline = buffered.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffered[..<newline], as: UTF8.self)
                buffered.removeSubrange(...newline)
                return line
            }
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { return nil }
            buffered.append(contentsOf: chunk)
        }
    }

    /// Waits for the process to exit.
    func finish() -> (status: Int32, output: String, error: String) {
        let rest = output.fileHandleForReading.readDataToEndOfFile()
        errorGroup.wait()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: buffered + rest, as: UTF8.self), String(decoding: errorBytes, as: UTF8.self))
    }
}

/// Messages a client received, waited on.
final class Messages: @unchecked Sendable {
    private let condition = NSCondition()
    private var received: [(FrameKind, [UInt8])] = []
    private var ended = false

    func add(_ event: WebSocketEvent) {
        condition.withLock {
            switch event {
            case .received(let kind, let payload): received.append((kind, payload))
            case .closed, .lost: ended = true
            }
            condition.broadcast()
        }
    }

    var texts: [[UInt8]] { condition.withLock { received.filter { $0.0 == .text }.map(\.1) } }

    var closeInfo: CloseInfo? {
        condition.withLock { received.last { $0.0 == .close }.flatMap { CloseInfo(payload: $0.1) } }
    }

    func waitForEnd() -> Bool {
        condition.withLock {
            let deadline = Date(timeIntervalSinceNow: 30)
            while !ended {
                if !condition.wait(until: deadline) { return false }
            }
            return true
        }
    }
}

final class Folder {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("tapedeck-serve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
    deinit { try? FileManager.default.removeItem(at: url) }
}
