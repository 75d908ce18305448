import Foundation
import NIOCore
import NIOPosix
import Testing
import TapeCore
@testable import TapeNet

@Suite("WebSocket client and server on loopback")
struct WebSocketTests {
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)

    static let messages: [(FrameKind, [UInt8])] = [
        (.text, Array(#"{"id":1,"method":"auth"}"#.utf8)),
        (.binary, [0, 1, 2, 0, 255]),
        (.text, []),
        (.binary, (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 131) }),
        (.text, Array(String(repeating: #"{"ch":"orderbook_5","data":[9840,53914]}"#, count: 200).utf8)),
    ]

    @Test("messages of every size come back byte for byte, with and without permessage-deflate",
          arguments: [true, false])
    func echo(deflate: Bool) throws {
        let server = try startEchoServer(group: group, acceptDeflate: deflate)
        let log = EventLog()
        let client = try WebSocketClient.connect(
            to: WebSocketURL(server.url + "/stream?x=1")!, group: group, onEvent: log.add
        ).wait()
        #expect((client.handshake.deflate != nil) == deflate)
        #expect(client.handshake.responseHeaders.contains(HTTPHeader(name: "X-Echo", value: "yes")))
        for (kind, payload) in Self.messages { client.send(kind, payload) }
        client.send(.ping, Array("are you there".utf8))
        #expect(log.waitForMessages(Self.messages.count + 1))
        let received = log.messages
        #expect(received.count == Self.messages.count + 1)
        guard received.count == Self.messages.count + 1 else { return }
        for (index, (kind, payload)) in Self.messages.enumerated() {
            let same = received[index].0 == kind && received[index].1 == payload
            #expect(same, "message \(index) came back as \(received[index].0), \(received[index].1.count) bytes")
        }
        let pong = received.last!.0 == .pong && received.last!.1 == Array("are you there".utf8)
        #expect(pong)
        client.close(code: 1000, reason: "done")
        #expect(log.waitForEnd())
        #expect(log.messages.last.map { CloseInfo(payload: $0.1)?.code } == 1000)
        try server.close()
        try group.syncShutdownGracefully()
    }

    @Test("what a server sends while accepting a connection reaches the client")
    func greetingOnAccept() throws {
        let server = try WebSocketServer<Void>.start(
            host: "127.0.0.1", port: 0, group: group,
            decide: { _, eventLoop in eventLoop.makeSucceededFuture(.accept(headers: [], session: ())) },
            accepted: { connection, _ in
                connection.send(.text, Array("welcome".utf8))
                return { _ in }
            }
        )
        let log = EventLog()
        let client = try WebSocketClient.connect(to: WebSocketURL(server.url)!, group: group, onEvent: log.add).wait()
        #expect(log.waitForMessages(1))
        #expect(log.messages.first.map { String(decoding: $0.1, as: UTF8.self) } == "welcome")
        client.close(code: 1000, reason: "done")
        #expect(log.waitForEnd())
        try server.close()
        try group.syncShutdownGracefully()
    }

    @Test("a refused upgrade fails the connect with the server's status")
    func refused() throws {
        let server = try startEchoServer(group: group, refuse: (401, "bad api key"))
        let error = #expect(throws: ConnectError.self) {
            try WebSocketClient.connect(to: WebSocketURL(server.url)!, group: group) { _ in }.wait()
        }
        #expect(error?.description.contains("refused the WebSocket upgrade with 401") == true)
        #expect(error?.description.contains("bad api key") == true)
        try server.close()
        try group.syncShutdownGracefully()
    }

    @Test("nothing listening fails the connect as unreachable")
    func unreachable() throws {
        let server = try startEchoServer(group: group)
        let url = WebSocketURL(server.url)!
        try server.close()
        let error = #expect(throws: ConnectError.self) {
            try WebSocketClient.connect(to: url, group: group) { _ in }.wait()
        }
        if case .unreachable = error?.reason {} else { Issue.record("expected unreachable, got \(String(describing: error))") }
        try group.syncShutdownGracefully()
    }

    @Test("wss:// works with a self-signed certificate given as the CA, and fails without it")
    func tls() throws {
        let certificate = try TestCertificate()
        defer { certificate.remove() }
        let server = try startEchoServer(group: group, tls: ServerTLS(certificateFile: certificate.certificate, privateKeyFile: certificate.key))
        #expect(server.url.hasPrefix("wss://"))
        let log = EventLog()
        let client = try WebSocketClient.connect(
            to: WebSocketURL(server.url)!, tls: ClientTLS(caFile: certificate.certificate), group: group, onEvent: log.add
        ).wait()
        client.send(.text, Array("secret hello".utf8))
        #expect(log.waitForMessages(1))
        #expect(log.messages.first?.1 == Array("secret hello".utf8))
        client.close()
        #expect(log.waitForEnd())

        let untrusted = #expect(throws: ConnectError.self) {
            try WebSocketClient.connect(to: WebSocketURL(server.url)!, group: group) { _ in }.wait()
        }
        #expect(untrusted != nil)
        try server.close()
        try group.syncShutdownGracefully()
    }

    @Test("URLs parse into host, port and request target")
    func urls() {
        let url = WebSocketURL("wss://ws.mapi.digitexfutures.com/v1?token=abc")
        #expect(url?.secure == true && url?.port == 443 && url?.target == "/v1?token=abc")
        #expect(url?.hostHeader == "ws.mapi.digitexfutures.com")
        #expect(WebSocketURL("ws://127.0.0.1:8080")?.target == "/")
        #expect(WebSocketURL("ws://127.0.0.1:8080")?.hostHeader == "127.0.0.1:8080")
        #expect(WebSocketURL("https://example.com") == nil)
        #expect(WebSocketURL("not a url") == nil)
    }
}
