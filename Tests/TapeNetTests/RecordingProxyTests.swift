import Foundation
import NIOCore
import NIOPosix
import Testing
import TapeCore
import TapeFormat
@testable import TapeNet

@Suite("The recording proxy")
struct RecordingProxyTests {
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
    let scratch = ScratchFolder()

    private func startProxy(upstream: String, caFile: String? = nil, serverTLS: ServerTLS? = nil,
                            redaction: Redaction = Redaction()) throws -> RecordingProxy {
        let writer = try TapeWriter(path: scratch.tapePath(), header: TapeHeader(venue: "test", endpoints: [upstream], wallClockStartNanoseconds: 0))
        return try RecordingProxy.start(
            host: "127.0.0.1", port: 0, upstream: WebSocketURL(upstream)!, upstreamTLS: ClientTLS(caFile: caFile),
            serverTLS: serverTLS, recorder: TapeRecorder(writer: writer), redaction: redaction, group: group
        )
    }

    /// Sends the test messages through `url` and returns what came back, after a clean close.
    private func converse(through url: String, caFile: String? = nil, headers: [HTTPHeader] = []) throws -> [(FrameKind, [UInt8])] {
        let log = EventLog()
        let client = try WebSocketClient.connect(
            to: WebSocketURL(url)!, headers: headers, tls: ClientTLS(caFile: caFile), group: group, onEvent: log.add
        ).wait()
        for (kind, payload) in WebSocketTests.messages { client.send(kind, payload) }
        #expect(log.waitForMessages(WebSocketTests.messages.count))
        client.close(code: 1000, reason: "bye")
        #expect(log.waitForEnd())
        return log.messages
    }

    @Test("a client sees the same messages through the proxy as directly, and the tape holds both directions")
    func transparent() throws {
        let upstream = try startEchoServer(group: group)
        let proxy = try startProxy(upstream: upstream.url)
        let direct = try converse(through: upstream.url)
        let proxied = try converse(through: proxy.url + "/feed?symbol=BTCUSD-PERP")
        #expect(direct.count == proxied.count)
        for (index, (a, b)) in zip(direct, proxied).enumerated() {
            let same = a.0 == b.0 && a.1 == b.1
            #expect(same, "message \(index) differs through the proxy")
        }

        try proxy.stop()
        try proxy.recorder.close()
        let reader = try TapeReader(path: proxy.recorder.path)
        var frames: [Frame] = []
        try reader.forEachFrame { frames.append($0.frame) }
        let opened = try #require(frames.first.flatMap { ConnectionOpened(payload: $0.payload) })
        #expect(frames.first?.kind == .opened)
        #expect(opened.url == upstream.url + "/feed?symbol=BTCUSD-PERP")
        let outbound = frames.filter { $0.direction == .outbound && ($0.kind == .text || $0.kind == .binary) }.map(\.payload)
        let inbound = frames.filter { $0.direction == .inbound && ($0.kind == .text || $0.kind == .binary) }.map(\.payload)
        let sent = WebSocketTests.messages.map(\.1)
        let recordedBothWays = outbound == sent && inbound == sent
        #expect(recordedBothWays, "the tape holds \(outbound.count) outbound and \(inbound.count) inbound messages, not the \(sent.count) sent each way")
        let closes = frames.filter { $0.kind == .close }.map { CloseInfo(payload: $0.payload) }
        #expect(closes == [CloseInfo(code: 1000, reason: "bye"), CloseInfo(code: 1000, reason: "")])
        #expect(frames.last?.kind == .closed)
        try upstream.close()
        try group.syncShutdownGracefully()
    }

    @Test("the venue is offered permessage-deflate only when the client offered it", arguments: [true, false])
    func deflateFollowsTheClient(offer: Bool) throws {
        let upstream = try startEchoServer(group: group)
        let proxy = try startProxy(upstream: upstream.url)
        let log = EventLog()
        let client = try WebSocketClient.connect(to: WebSocketURL(proxy.url)!, offerDeflate: offer, group: group, onEvent: log.add).wait()
        #expect((client.handshake.deflate != nil) == offer)
        client.send(.text, Array("hello".utf8))
        #expect(log.waitForMessages(1))
        client.close(code: 1000, reason: "bye")
        #expect(log.waitForEnd())
        try proxy.stop()
        try proxy.recorder.close()
        var frames: [Frame] = []
        try TapeReader(path: proxy.recorder.path).forEachFrame { frames.append($0.frame) }
        // The opened frame holds the client's request headers (its offer) and then the upstream's
        // response headers (the answer to the proxy's offer): both, or neither.
        let opened = try #require(frames.first.flatMap { ConnectionOpened(payload: $0.payload) })
        let mentions = opened.headers.filter { $0.value.contains("permessage-deflate") }.count
        #expect(mentions == (offer ? 2 : 0))
        try upstream.close()
        try group.syncShutdownGracefully()
    }

    @Test("secrets in handshake headers and the query string never reach the tape")
    func redaction() throws {
        let upstream = try startEchoServer(group: group)
        let proxy = try startProxy(upstream: upstream.url)
        _ = try converse(through: proxy.url + "/ws?api_key=SECRET-KEY-123&symbol=X",
                         headers: [HTTPHeader(name: "X-Api-Key", value: "SECRET-HEADER-456"), HTTPHeader(name: "User-Agent", value: "bot/1")])
        try proxy.stop()
        try proxy.recorder.close()
        let raw = try String(decoding: run("/bin/sh", "-c", "zcat '\(proxy.recorder.path)'"), as: UTF8.self)
        #expect(!raw.contains("SECRET-KEY-123"))
        #expect(!raw.contains("SECRET-HEADER-456"))
        #expect(raw.contains("api_key=<redacted:api_key>&symbol=X"))
        #expect(raw.contains("X-Api-Key: <redacted:x-api-key>"))
        #expect(raw.contains("User-Agent: bot/1"))
        try upstream.close()
        try group.syncShutdownGracefully()
    }

    @Test("an upstream refusal reaches the client with its status, and the tape records the attempt")
    func upstreamRefuses() throws {
        let upstream = try startEchoServer(group: group, refuse: (403, "forbidden region"))
        let proxy = try startProxy(upstream: upstream.url)
        let error = #expect(throws: ConnectError.self) {
            try WebSocketClient.connect(to: WebSocketURL(proxy.url)!, group: group) { _ in }.wait()
        }
        #expect(error?.description.contains("403") == true)
        try proxy.stop()
        try proxy.recorder.close()
        var frames: [Frame] = []
        try TapeReader(path: proxy.recorder.path).forEachFrame { frames.append($0.frame) }
        #expect(frames.map(\.kind) == [.error])
        #expect(String(decoding: frames[0].payload, as: UTF8.self).contains("forbidden region"))
        try upstream.close()
        try group.syncShutdownGracefully()
    }

    @Test("wss:// on both sides: a TLS client, the proxy serving TLS, a TLS upstream")
    func tlsBothSides() throws {
        let certificate = try TestCertificate()
        defer { certificate.remove() }
        let tls = ServerTLS(certificateFile: certificate.certificate, privateKeyFile: certificate.key)
        let upstream = try startEchoServer(group: group, tls: tls)
        let proxy = try startProxy(upstream: upstream.url, caFile: certificate.certificate, serverTLS: tls)
        #expect(proxy.url.hasPrefix("wss://"))
        let proxied = try converse(through: proxy.url, caFile: certificate.certificate)
        let same = proxied.prefix(WebSocketTests.messages.count).map(\.1) == WebSocketTests.messages.map(\.1)
        #expect(same, "the echoes through TLS differ from what was sent")
        try proxy.stop()
        try proxy.recorder.close()
        try upstream.close()
        try group.syncShutdownGracefully()
    }
}

func run(_ arguments: String...) throws -> [UInt8] {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: arguments[0])
    process.arguments = Array(arguments.dropFirst())
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return Array(data)
}
