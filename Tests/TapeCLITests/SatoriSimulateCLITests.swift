import Foundation
import NIOCore
import NIOPosix
import Testing
import TapeNet

/// Text messages one socket received, waited on by content.
private final class Texts: @unchecked Sendable {
    private let condition = NSCondition()
    private var texts: [String] = []

    func add(_ event: WebSocketEvent) {
        guard case .received(.text, let payload) = event else { return }
        condition.withLock {
            texts.append(String(decoding: payload, as: UTF8.self))
            condition.broadcast()
        }
    }

    /// Waits (30 s at most, a safety net) for a message containing `text`.
    func first(containing text: String) -> String? {
        condition.withLock {
            let deadline = Date(timeIntervalSinceNow: 30)
            while true {
                if let found = texts.first(where: { $0.contains(text) }) { return found }
                if !condition.wait(until: deadline) { return nil }
            }
        }
    }
}

/// `tape simulate --venue satori` as a bot sees it: signed subscriptions, and an account that trades by itself.
@Suite("tape simulate --venue satori")
struct SatoriSimulateCLITests {
    private func subscribe(_ event: String, key: String, scope: String) -> [UInt8] {
        let millis = Int64(Date().timeIntervalSince1970 * 1_000)
        let signature = "0x" + String(repeating: "5a", count: 64) + "1c"
        return Array(#"{\#(scope),"method":"SUBSCRIBE","event":"\#(event)","apiKey":"\#(key)","signature":"\#(signature)","timestamp":\#(millis),"signType":"2"}"#.utf8)
    }

    @Test("serves the Satori dialect: a known key's account pushes its own orders, an unknown key is refused, SIGTERM exits 0")
    func servesSatori() throws {
        let simulator = try RunningTape("simulate", "--venue", "satori", "--port", "0", "--seed", "7", "--credentials", "KEY:SECRET")
        let url = try #require(simulator.firstLine())
        #expect(url.hasPrefix("ws://127.0.0.1:"))
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        let texts = Texts()
        let client = try WebSocketClient.connect(to: WebSocketURL(url)!, group: group, onEvent: texts.add).wait()
        client.send(.text, subscribe("api_entrust", key: "STRANGER", scope: #""pair":"ETH-USD""#))
        #expect(texts.first(containing: #""success":false"#)?.contains("invalid apiKey") == true)
        client.send(.text, subscribe("api_account", key: "KEY", scope: #""symbol":"USD""#))
        client.send(.text, subscribe("api_entrust", key: "KEY", scope: #""pair":"ETH-USD""#))
        #expect(texts.first(containing: #""msg":"subscribe success: api_entrust""#) != nil)
        #expect(texts.first(containing: #""data":{"availableAmount":"1000000""#) != nil)
        // Nobody places orders: the account's own activity does (every 1–3 s).
        let order = texts.first(containing: #""changeType":"ENTRUST""#)
        #expect(order?.hasSuffix(#""event":"api_entrust","success":true}"#) == true)
        client.close()
        simulator.signal(SIGTERM)
        #expect(simulator.wait() == 0, "\(simulator.standardError)")
    }

    @Test("the help names satori and says that its accounts trade by themselves")
    func help() throws {
        let result = try tape("simulate", "--help")
        #expect(result.status == 0)
        let text = result.output.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(text.contains("Venue dialect to speak: digitex, qfex, roxom, notional, satori"))
        #expect(text.contains("(Satori) trades by itself"))
    }
}
