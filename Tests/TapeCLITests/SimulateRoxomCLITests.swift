import Foundation
import NIOCore
import NIOPosix
import Testing
import TapeCore
import TapeNet

/// `tape simulate --venue roxom` as a bot would meet it: header auth, then an account that trades by itself.
@Suite("tape simulate --venue roxom")
struct SimulateRoxomCLITests {
    /// A well-formed base64 RSA-2048 signature (256 bytes): the simulator checks its shape only.
    private let signature = String(repeating: "QUJD", count: 85) + "QQ=="

    @Test("a connection with the configured key sees its account's orders, positions and balance move; a wrong key gets 600010")
    func accountActivity() throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        let simulator = try RunningTape("simulate", "--venue", "roxom", "--port", "0", "--seed", "7", "--credentials", "KEY:SECRET")
        let url = try #require(simulator.firstLine())
        #expect(url.hasPrefix("ws://127.0.0.1:"))

        let texts = TextInbox()
        let headers = [HTTPHeader(name: "X-API-Key", value: "KEY"), HTTPHeader(name: "X-API-Signature", value: signature)]
        let client = try WebSocketClient.connect(to: WebSocketURL(url + "/ws")!, headers: headers, group: group, onEvent: texts.add).wait()
        client.send(.text, Array(#"{"op":"subscribe","args":[{"channel":"balance"},{"channel":"depth","symbol":"US500-BTC"}]}"#.utf8))
        #expect(texts.wait { $0.contains { $0.hasPrefix(#"{"event":"subscribe","args":[{"channel":"balance"}"#) } })
        // Nothing is sent but the subscription: the account trades by itself.
        #expect(texts.wait { all in all.contains { $0.hasPrefix(#"{"type":"order""#) } && all.contains { $0.hasPrefix(#"{"type":"position""#) } })
        #expect(texts.wait { $0.contains { $0.contains(#""updateType":"ordersettle""#) } })
        client.close()

        let refused = TextInbox()
        let bad = [HTTPHeader(name: "X-API-Key", value: "OTHER"), HTTPHeader(name: "X-API-Signature", value: signature)]
        _ = try WebSocketClient.connect(to: WebSocketURL(url + "/ws")!, headers: bad, group: group, onEvent: refused.add).wait()
        #expect(refused.waitForEnd())
        #expect(refused.all().first?.hasPrefix(#"{"event":"error","code":"600010","msg":"Authentication failed""#) == true)

        simulator.signal(SIGTERM)
        #expect(simulator.wait() == 0)
    }
}

/// Text messages a test client received; waits on their arrival.
final class TextInbox: @unchecked Sendable {
    private let condition = NSCondition()
    private var texts: [String] = []
    private var ended = false

    func add(_ event: WebSocketEvent) {
        condition.withLock {
            switch event {
            case .received(let kind, let payload): if kind == .text { texts.append(String(decoding: payload, as: UTF8.self)) }
            case .closed, .lost: ended = true
            }
            condition.broadcast()
        }
    }

    func all() -> [String] { condition.withLock { texts } }

    /// Waits until the messages so far satisfy `predicate` (30 s safety net).
    func wait(_ predicate: ([String]) -> Bool) -> Bool { waitUntil { predicate(texts) } }
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
