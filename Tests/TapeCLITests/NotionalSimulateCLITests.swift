import Foundation
import NIOPosix
import TapeCore
import TapeNet
import Testing

/// Collects the text messages of one WebSocket connection; tests wait on a condition over them.
private final class Texts: @unchecked Sendable {
    private let condition = NSCondition()
    private var texts: [String] = []

    func add(_ event: WebSocketEvent) {
        condition.withLock {
            if case .received(.text, let bytes) = event { texts.append(String(decoding: bytes, as: UTF8.self)) }
            condition.broadcast()
        }
    }

    var all: [String] { condition.withLock { texts } }

    /// Waits until `predicate` holds; false after 30 s (a safety net, not a timing).
    func wait(until predicate: ([String]) -> Bool) -> Bool {
        condition.withLock {
            let deadline = Date(timeIntervalSinceNow: 30)
            while !predicate(texts) {
                if !condition.wait(until: deadline) { return false }
            }
            return true
        }
    }
}

/// `tape simulate --venue notional` as a bot sees it: no auth, subscriptions by address, and an
/// account that trades by itself because the venue's order entry (REST) is not simulated.
@Suite("tape simulate --venue notional")
struct NotionalSimulateCLITests {
    @Test("prints its URL, acknowledges a subscription, negotiates permessage-deflate and shows the address's own orders moving")
    func accountMoves() throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        let simulator = try RunningTape("simulate", "--venue", "notional", "--port", "0", "--seed", "7")
        let url = try #require(simulator.firstLine())
        #expect(url.hasPrefix("ws://127.0.0.1:"))

        let texts = Texts()
        let client = try WebSocketClient.connect(to: try #require(WebSocketURL(url)), group: group, onEvent: texts.add).wait()
        #expect(client.handshake.deflate != nil, "the venue enables permessage-deflate")
        let user = "0x742d35cc6634c0532925a3b844bc9e7595f0beb0"
        for type in ["accountSummary", "orderUpdates"] {
            client.send(.text, Array(#"{"method":"subscribe","subscription":{"type":"\#(type)","user":"\#(user)"}}"#.utf8))
        }
        #expect(texts.wait { $0.filter { $0.hasPrefix(#"{"channel":"subscriptionResponse""#) }.count == 2 })
        #expect(texts.all.contains { $0.hasPrefix(#"{"channel":"accountSummary","data":{"user":"\#(user)","summary":{"#) })
        // AccountActivity (on in the CLI) places the address's first order within a few seconds.
        #expect(texts.wait { $0.contains { $0.hasPrefix(#"{"channel":"orderUpdates","data":[{"order":{"coin":"BTC""#) } })
        client.send(.text, Array(#"{"method":"ping"}"#.utf8))
        #expect(texts.wait { $0.contains(#"{"channel":"pong"}"#) })
        client.close()

        simulator.signal(SIGTERM)
        #expect(simulator.wait() == 0, "\(simulator.standardError)")
    }

    @Test("the help names notional and says its accounts trade by themselves")
    func help() throws {
        let result = try tape("simulate", "--help")
        #expect(result.status == 0)
        let text = result.output.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(text.contains("Venue dialect to speak: digitex, qfex, roxom, notional, satori"))
        #expect(text.contains("trades by itself"))
    }
}
