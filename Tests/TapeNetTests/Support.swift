import Foundation
import NIOCore
import NIOPosix
import TapeCore
@testable import TapeNet

/// Collects a connection's events and lets a test wait for a condition on them (event-driven; the
/// timeout only bounds a broken test).
final class EventLog: @unchecked Sendable {
    private let condition = NSCondition()
    private var events: [WebSocketEvent] = []

    func add(_ event: WebSocketEvent) {
        condition.withLock {
            events.append(event)
            condition.broadcast()
        }
    }

    var messages: [(FrameKind, [UInt8])] {
        condition.withLock {
            events.compactMap { if case .received(let kind, let payload) = $0 { (kind, payload) } else { nil } }
        }
    }

    /// Waits until `predicate` holds for the events so far; false after 30 s.
    @discardableResult
    func wait(until predicate: ([WebSocketEvent]) -> Bool) -> Bool {
        condition.withLock {
            let deadline = Date(timeIntervalSinceNow: 30)
            while !predicate(events) {
                if !condition.wait(until: deadline) { return false }
            }
            return true
        }
    }

    func waitForMessages(_ count: Int) -> Bool {
        wait { $0.filter { if case .received = $0 { true } else { false } }.count >= count }
    }

    func waitForEnd() -> Bool {
        wait { $0.contains { switch $0 { case .closed, .lost: true; case .received: false } } }
    }
}

/// An echo server for tests: answers every text/binary message with the same message.
func startEchoServer(group: EventLoopGroup, tls: ServerTLS? = nil, refuse: (status: Int, body: String)? = nil,
                     acceptDeflate: Bool = true, log: EventLog? = nil) throws -> WebSocketServer<Void> {
    try WebSocketServer<Void>.start(
        host: "127.0.0.1", port: 0, tls: tls, acceptDeflate: acceptDeflate, group: group,
        decide: { _, eventLoop in
            if let refuse { return eventLoop.makeSucceededFuture(.refuse(status: refuse.status, body: refuse.body)) }
            return eventLoop.makeSucceededFuture(.accept(headers: [HTTPHeader(name: "X-Echo", value: "yes")], session: ()))
        },
        accepted: { connection, _ in
            { event in
                log?.add(event)
                if case .received(let kind, let payload) = event, kind == .text || kind == .binary || kind == .ping {
                    connection.send(kind == .ping ? .pong : kind, payload)
                }
            }
        }
    )
}

/// A self-signed certificate for 127.0.0.1 and localhost, made with openssl for one test; its
/// folder goes with `remove()` (a test's `defer`, which also keeps it alive to the end) or when
/// the value does.
final class TestCertificate {
    let folder: URL
    var certificate: String { folder.appendingPathComponent("cert.pem").path }
    var key: String { folder.appendingPathComponent("key.pem").path }

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("tapedeck-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = [
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
            "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
            "-keyout", key, "-out", certificate,
        ]
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CocoaError(.fileWriteUnknown) }
    }

    func remove() {
        try? FileManager.default.removeItem(at: folder)
    }

    deinit { remove() }
}

/// A folder for one test's tapes (a rotating recorder adds parts beside the first), removed by
/// `remove()` (a test's `defer`, which also keeps it alive to the end) or when the value goes.
final class ScratchFolder {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("tapedeck-net-\(UUID().uuidString)")

    init() {
        // A folder that cannot be made shows as the writer's own error, naming the path.
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// A new tape path in the folder.
    func tapePath() -> String {
        url.appendingPathComponent("\(UUID().uuidString).tape").path
    }

    func remove() {
        try? FileManager.default.removeItem(at: url)
    }

    deinit { remove() }
}
