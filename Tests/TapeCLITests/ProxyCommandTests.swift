import Foundation
import NIOCore
import NIOPosix
import Samples
import Testing
import TapeCore
import TapeFormat
import TapeNet

/// `tape proxy` as a user runs it: a separate process, its URL read from stdout, stopped by a signal.
@Suite("tape proxy")
struct ProxyCommandTests {
    @Test("records both directions through a running proxy and closes the tape cleanly on SIGTERM")
    func recordsAndStopsCleanly() throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        let upstream = try startEcho(group: group)
        let folder = try CLIFolder()
        let proxy = try RunningTape("proxy", "--upstream", upstream.url, "-o", folder.path("p.tape"), "--venue", "digitex")
        let url = try #require(proxy.firstLine())
        #expect(url.hasPrefix("ws://127.0.0.1:"))

        let received = Inbox()
        let client = try WebSocketClient.connect(to: WebSocketURL(url + "/?token=HUSH")!, group: group, onEvent: received.add).wait()
        // Digitex's auth command carries the token in params.value: the venue rule must redact it.
        let auth = #"{"id":1,"method":"auth","params":{"type":"token","value":"SECRET-TOKEN-789"}}"#
        client.send(.text, Array(auth.utf8))
        client.send(.text, Array(#"{"id":2,"method":"ping"}"#.utf8))
        #expect(received.wait(for: 2))
        client.close()
        #expect(received.waitForEnd())

        proxy.signal(SIGTERM)
        let status = proxy.wait()
        #expect(status == 0, "\(proxy.standardError)")
        #expect(proxy.standardOutput.contains("stopped by SIGTERM"))

        let reader = try TapeReader(path: folder.path("p.tape"))
        #expect(reader.indexStatus == .present, "SIGTERM must close the tape with its index")
        var frames: [Frame] = []
        try reader.forEachFrame { frames.append($0.frame) }
        #expect(frames.map(\.kind).prefix(5) == [.opened, .text, .text, .text, .text])
        #expect(frames.filter { $0.kind == .text }.count == 4)
        let everything = String(decoding: frames.flatMap(\.payload), as: UTF8.self)
        #expect(!everything.contains("SECRET-TOKEN-789"))
        #expect(!everything.contains("HUSH"))
        #expect(everything.contains("<redacted:token>"))
        try upstream.close()
    }

    @Test("--no-redact warns loudly, and an unreachable upstream is refused to the client and noted on the tape")
    func noRedactAndUnreachableUpstream() throws {
        let folder = try CLIFolder()
        let proxy = try RunningTape("proxy", "--upstream", "ws://127.0.0.1:1", "-o", folder.path("u.tape"), "--no-redact")
        let url = try #require(proxy.firstLine())
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        let error = #expect(throws: ConnectError.self) {
            try WebSocketClient.connect(to: WebSocketURL(url)!, group: group) { _ in }.wait()
        }
        #expect(error?.description.contains("502") == true)
        proxy.signal(SIGINT)
        #expect(proxy.wait() == 0)
        #expect(proxy.standardError.contains("WARNING: --no-redact"))
        var kinds: [FrameKind] = []
        try TapeReader(path: folder.path("u.tape")).forEachFrame { kinds.append($0.frame.kind) }
        #expect(kinds == [.error])
    }

    @Test("after kill -9 the tape reads back every frame flushed before the kill")
    func killNine() throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        let upstream = try startEcho(group: group)
        let folder = try CLIFolder()
        let proxy = try RunningTape("proxy", "--upstream", upstream.url, "-o", folder.path("k.tape"), "--log-flushes")
        let url = try #require(proxy.firstLine())
        let received = Inbox()
        let client = try WebSocketClient.connect(to: WebSocketURL(url)!, group: group, onEvent: received.add).wait()
        for index in 0..<50 { client.send(.text, Array("message \(index)".utf8)) }
        #expect(received.wait(for: 50))
        // opened + 50 out + 50 in = frames 0…100; wait until the writer says they are on disk.
        var flushedThrough = -1
        while flushedThrough < 100, let line = proxy.nextLine() {
            if line.hasPrefix("flushed frames "), let last = line.split(separator: "-").last.flatMap({ Int($0) }) {
                flushedThrough = last
            }
        }
        #expect(flushedThrough >= 100)
        proxy.signal(SIGKILL)
        _ = proxy.wait()

        let reader = try TapeReader(path: folder.path("k.tape"))
        #expect(reader.indexStatus == .missing)
        var texts: [String] = []
        try reader.forEachFrame { if $0.frame.kind == .text { texts.append(String(decoding: $0.frame.payload, as: UTF8.self)) } }
        let expected = (0..<50).flatMap { ["message \($0)", "message \($0)"] }
        let complete = texts.count >= 100 && Set(texts.prefix(100)) == Set(expected)
        #expect(complete, "read back \(texts.count) text frames")
        try upstream.close()
    }

    @Test("when the disk is full the proxy fails loudly, exits 1, and every block written before stays readable")
    func diskFull() throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        let upstream = try startEcho(group: group)
        let folder = try CLIFolder()
        let products = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let executable = [products, products.deletingLastPathComponent()].map { $0.appendingPathComponent("tape").path }
            .first { FileManager.default.isExecutableFile(atPath: $0) }!
        // bash's ulimit -f counts KiB: the tape may not grow past 64 KiB, a stand-in for a full disk.
        let proxy = try RunningTape(executable: "/bin/bash", "-c", "ulimit -f 64; exec \"$0\" \"$@\"", executable,
                                    "proxy", "--upstream", upstream.url, "-o", folder.path("full.tape"), "--log-flushes")
        let url = try #require(proxy.firstLine())
        let received = Inbox()
        let client = try WebSocketClient.connect(to: WebSocketURL(url)!, group: group, onEvent: received.add).wait()
        client.send(.text, Array("before the disk filled".utf8))
        #expect(received.wait(for: 1))
        #expect(proxy.nextLine()?.hasPrefix("flushed frames 0-") == true)
        // Then far more than 64 KiB of incompressible text.
        var random = SeededRandom(seed: 1)
        for _ in 0..<64 {
            client.send(.text, Array((0..<8_192).map { _ in UInt8(ascii: "a") + UInt8(random.next() % 26) }))
        }
        let status = proxy.wait()
        #expect(status == 1)
        #expect(proxy.standardError.contains("every earlier block is intact"), "\(proxy.standardError)")
        #expect(proxy.standardOutput.contains("FAILED"))
        var texts: [String] = []
        try TapeReader(path: folder.path("full.tape")).forEachFrame(skipDamaged: true) {
            if $0.frame.kind == .text { texts.append(String(decoding: $0.frame.payload, as: UTF8.self)) }
        }
        #expect(texts.prefix(2) == ["before the disk filled", "before the disk filled"])
        try upstream.close()
    }

    @Test("bad flags are refused before anything is written")
    func badFlags() throws {
        let folder = try CLIFolder()
        let result = try tape("proxy", "--upstream", "http://example.com", "-o", folder.path("x.tape"))
        #expect(result.status == 64)
        #expect(result.error.contains("--upstream must be a ws:// or wss:// URL"))
        #expect(!FileManager.default.fileExists(atPath: folder.path("x.tape")))
    }
}

/// An echo server on loopback for the proxy to forward to.
func startEcho(group: EventLoopGroup) throws -> WebSocketServer<Void> {
    try WebSocketServer<Void>.start(
        host: "127.0.0.1", port: 0, group: group,
        decide: { _, loop in loop.makeSucceededFuture(.accept(headers: [], session: ())) },
        accepted: { connection, _ in
            { event in
                if case .received(let kind, let payload) = event, kind == .text { connection.send(.text, payload) }
            }
        }
    )
}

/// Messages a test client received; waits on their arrival.
final class Inbox: @unchecked Sendable {
    private let condition = NSCondition()
    private var texts = 0
    private var ended = false

    func add(_ event: WebSocketEvent) {
        condition.withLock {
            switch event {
            case .received(let kind, _): if kind == .text { texts += 1 }
            case .closed, .lost: ended = true
            }
            condition.broadcast()
        }
    }

    func wait(for count: Int) -> Bool { waitUntil { texts >= count } }
    func waitForEnd() -> Bool { waitUntil { ended } }

    private func waitUntil(_ predicate: () -> Bool) -> Bool {
        condition.withLock {
            let deadline = Date(timeIntervalSinceNow: 30)
            while !predicate() {
                if !condition.wait(until: deadline) { return false }
            }
            return true
        }
    }
}

/// A `tape` process left running: its stdout lines can be read as they come, signals sent, exit awaited.
final class RunningTape {
    private let process = Process()
    private let output = Pipe()
    private let error = Pipe()
    private var bufferedOutput = Data()
    private var bufferedError = Data()
    /// Standard error read so far by `nextErrorLine`.
    private var consumedError = ""
    private(set) var standardOutput = ""
    private(set) var standardError = ""

    convenience init(_ arguments: String...) throws {
        try self.init(arguments)
    }

    convenience init(_ arguments: [String]) throws {
        let products = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [products, products.deletingLastPathComponent()].map { $0.appendingPathComponent("tape") }
        guard let executable = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw CocoaError(.fileNoSuchFile)
        }
        try self.init(executable: executable.path, arguments)
    }

    convenience init(executable: String, _ arguments: String...) throws {
        try self.init(executable: executable, arguments)
    }

    init(executable: String, _ arguments: [String]) throws {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = output
        process.standardError = error
        try process.run()
        // A safety net for a broken test, not a way of waiting: a process still running after 120 s
        // is killed, so reads of its output end instead of hanging the suite.
        let pid = process.processIdentifier
        let item = DispatchWorkItem { kill(pid, SIGKILL) }
        DispatchQueue.global().asyncAfter(deadline: .now() + 120, execute: item)
        watchdog = item
    }

    private var watchdog: DispatchWorkItem?

    /// The first line the process prints (blocks until it is printed or the process ends).
    func firstLine() -> String? {
        nextLine()
    }

    /// The next line the process prints (blocks until it is printed or the process ends).
    func nextLine() -> String? {
        while true {
            if let newline = bufferedOutput.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: bufferedOutput[..<newline], as: UTF8.self)
                bufferedOutput.removeSubrange(...newline)
                return line
            }
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { return nil }
            bufferedOutput.append(chunk)
        }
    }

    /// The next line the process prints on standard error (blocks until it is printed or the process ends).
    func nextErrorLine() -> String? {
        while true {
            if let newline = bufferedError.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: bufferedError[..<newline], as: UTF8.self)
                bufferedError.removeSubrange(...newline)
                consumedError += line + "\n"
                return line
            }
            let chunk = error.fileHandleForReading.availableData
            if chunk.isEmpty { return nil }
            bufferedError.append(chunk)
        }
    }

    /// Reads standard error until a line contains `text`; nil if the process ends first.
    func waitForErrorLine(containing text: String) -> String? {
        while let line = nextErrorLine() {
            if line.contains(text) { return line }
        }
        return nil
    }

    func signal(_ number: Int32) {
        kill(process.processIdentifier, number)
    }

    /// Waits for the exit and collects the rest of stdout and stderr.
    func wait() -> Int32 {
        defer { watchdog?.cancel() }
        bufferedOutput.append(output.fileHandleForReading.readDataToEndOfFile())
        bufferedError.append(error.fileHandleForReading.readDataToEndOfFile())
        standardError = consumedError + String(decoding: bufferedError, as: UTF8.self)
        process.waitUntilExit()
        standardOutput = String(decoding: bufferedOutput, as: UTF8.self)
        return process.terminationStatus
    }
}

