import Foundation
import NIOCore
import NIOPosix
import Samples
import Serving
import Testing
import TapeCore
import TapeFormat
@testable import TapeNet

@Suite("The replay server on loopback")
struct ReplayServerTests {
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)

    /// The synthetic Digitex + QFEX session: the first `count` frames.
    static func syntheticPlan(frames count: Int) throws -> ServePlan {
        var session = SyntheticSession(seed: 7)
        let frames = (0..<count).map { RecordedFrame(number: $0, frame: session.next()) }
        return try ServePlan(frames: frames)
    }

    func start(_ plan: ServePlan, _ configure: (inout ReplayServer.Configuration) -> Void = { _ in },
               reports: ReportLog = ReportLog()) throws -> ReplayServer {
        var configuration = ReplayServer.Configuration()
        configuration.pacing = .asFastAsPossible
        configure(&configuration)
        return try ReplayServer.start(plan: plan, configuration: configuration, group: group) { event in
            if case .ended(let report) = event { reports.add(report) }
        }
    }

    @Test("a client receives exactly the recorded inbound payloads, in order, then the end of the tape", arguments: [true, false])
    func maxSpeed(deflate: Bool) throws {
        let plan = try Self.syntheticPlan(frames: 3000)
        let server = try start(plan) { $0.acceptDeflate = deflate }
        let log = EventLog()
        let client = try WebSocketClient.connect(to: WebSocketURL(server.url)!, group: group, onEvent: log.add).wait()
        #expect((client.handshake.deflate != nil) == deflate)
        #expect(log.waitForEnd())
        let expected = plan.scripts[0].steps.filter { $0.role == .send }.map { [$0.payload] }
        let received = log.messages
        let texts = received.filter { $0.0 == .text }.map { [$0.1] }
        let same = texts == expected
        #expect(same, "received \(texts.count) text frames, expected \(expected.count)")
        #expect(expected.count > 1000)
        #expect(received.last.map { $0.0 == .close && CloseInfo(payload: $0.1) == CloseInfo(code: 1000, reason: "end of tape") } == true)
        try server.close()
        try group.syncShutdownGracefully()
    }

    @Test("real time on a short tape keeps the order and never sends a frame before its deadline")
    func realTime() throws {
        var frames = [Frame.opened(at: 0)]
        for index in 0..<12 {
            frames.append(.text("frame \(index)", at: .milliseconds(5 + Int64(index) * 7), .inbound))
        }
        let plan = try ServePlan(frames: frames.enumerated().map { RecordedFrame(number: $0.offset, frame: $0.element) })
        let sends = SendLog()
        let server = try start(plan) {
            $0.pacing = .realTime
            $0.onSend = { sends.add($0) }
        }
        let log = EventLog()
        _ = try WebSocketClient.connect(to: WebSocketURL(server.url)!, group: group, onEvent: log.add).wait()
        #expect(log.waitForEnd())
        let sent = sends.frames
        #expect(sent.map(\.frame) == Array(1...12))
        #expect(sent.allSatisfy { $0.sentAt >= $0.deadline }, "a frame went out before its deadline")
        let deadlines = sent.map(\.deadline.nanoseconds)
        // Deadlines follow the recorded 7 ms gaps exactly, whatever the machine's load.
        #expect(zip(deadlines, deadlines.dropFirst()).allSatisfy { $1 - $0 == 7_000_000 })
        #expect(log.messages.filter { $0.0 == .text }.map { String(decoding: $0.1, as: UTF8.self) } == (0..<12).map { "frame \($0)" })
        try server.close()
        try group.syncShutdownGracefully()
    }

    /// A trading connection: auth (with a nonce), its answer, an order (with a clOrdId), its answer.
    static let cassetteFrames: [Frame] = [
        .opened(at: 0, url: "wss://venue.example/trade"),
        .text(#"{"op":"auth","key":"k","nonce":17}"#, at: .milliseconds(1), .outbound),
        .text(#"{"auth":"ok"}"#, at: .milliseconds(2), .inbound),
        .text(#"{"op":"order","px":100,"clOrdId":"a"}"#, at: .milliseconds(3), .outbound),
        .text(#"{"order":"accepted"}"#, at: .milliseconds(4), .inbound),
    ]

    func cassettePlan() throws -> ServePlan {
        try ServePlan(frames: Self.cassetteFrames.enumerated().map { RecordedFrame(number: $0.offset, frame: $0.element) })
    }

    @Test("cassette: matching client frames (ignoring nonce and clOrdId) get the recorded answers")
    func cassetteMatches() throws {
        let reports = ReportLog()
        let server = try start(try cassettePlan(), { $0.mode = .cassette(MatchRules(ignoring: ["nonce", "clOrdId"])) }, reports: reports)
        let log = EventLog()
        let client = try WebSocketClient.connect(to: WebSocketURL(server.url + "/trade")!, group: group, onEvent: log.add).wait()
        client.send(.text, Array(#"{ "nonce": 99, "op": "auth", "key": "k" }"#.utf8))
        #expect(log.waitForMessages(1))
        #expect(log.messages.first.map { String(decoding: $0.1, as: UTF8.self) } == #"{"auth":"ok"}"#)
        // Nothing more comes until the client sends its order.
        client.send(.text, Array(#"{"op":"order","clOrdId":"zz","px":100.0}"#.utf8))
        #expect(log.waitForEnd())
        let texts = log.messages.filter { $0.0 == .text }.map { String(decoding: $0.1, as: UTF8.self) }
        #expect(texts == [#"{"auth":"ok"}"#, #"{"order":"accepted"}"#])
        #expect(reports.wait(count: 1))
        #expect(reports.all.first?.matched == 2 && reports.all.first?.failure == nil)
        try server.close()
        try group.syncShutdownGracefully()
    }

    @Test("cassette: a mismatching frame is closed with 1008 naming the frame number and both frames")
    func cassetteMismatch() throws {
        let reports = ReportLog()
        let server = try start(try cassettePlan(), { $0.mode = .cassette(MatchRules(ignoring: ["nonce"])) }, reports: reports)
        let log = EventLog()
        let client = try WebSocketClient.connect(to: WebSocketURL(server.url)!, group: group, onEvent: log.add).wait()
        client.send(.text, Array(#"{"op":"auth","key":"k","nonce":1}"#.utf8))
        client.send(.text, Array(#"{"op":"order","px":101,"clOrdId":"a"}"#.utf8))
        #expect(log.waitForEnd())
        let close = log.messages.last.flatMap { $0.0 == .close ? CloseInfo(payload: $0.1) : nil }
        #expect(close?.code == 1008)
        #expect(close?.reason == #"frame 3 mismatch: $.px: recorded 100, received 101; recorded {"op":"order","px":100,… received {"op":"order","px":101,…"#)
        #expect(reports.wait(count: 1))
        let failure = reports.all.first?.failure
        #expect(failure?.frame == 3)
        #expect(failure?.difference == "$.px: recorded 100, received 101")
        #expect(reports.all.first?.succeeded == false)
        try server.close()
        try group.syncShutdownGracefully()
    }

    @Test("every inbound kind is played as recorded: text, binary, ping, pong, and the recorded close")
    func everyKind() throws {
        let frames: [Frame] = [
            .opened(at: 0),
            .text("hello", at: .milliseconds(1), .inbound),
            Frame(time: .milliseconds(2), direction: .inbound, connection: ConnectionID(0), kind: .binary, payload: [0, 1, 255]),
            Frame(time: .milliseconds(3), direction: .inbound, connection: ConnectionID(0), kind: .ping, payload: [7]),
            Frame(time: .milliseconds(4), direction: .inbound, connection: ConnectionID(0), kind: .pong, payload: [8]),
            Frame(time: .milliseconds(5), direction: .inbound, connection: ConnectionID(0), kind: .close,
                  payload: CloseInfo(code: 1001, reason: "going away").payload),
            Frame(time: .milliseconds(6), direction: .inbound, connection: ConnectionID(0), kind: .closed, payload: []),
        ]
        let plan = try ServePlan(frames: frames.enumerated().map { RecordedFrame(number: $0.offset, frame: $0.element) })
        let reports = ReportLog()
        let server = try start(plan, reports: reports)
        let log = EventLog()
        _ = try WebSocketClient.connect(to: WebSocketURL(server.url)!, group: group, onEvent: log.add).wait()
        #expect(log.waitForEnd())
        let received = log.messages
        #expect(received.map(\.0) == [.text, .binary, .ping, .pong, .close])
        #expect(received.map(\.1) == [Array("hello".utf8), [0, 1, 255], [7], [8], CloseInfo(code: 1001, reason: "going away").payload])
        #expect(reports.wait(count: 1))
        #expect(reports.all.first?.ending == "closed with a close handshake")
        try server.close()
        try group.syncShutdownGracefully()
    }

    @Test("a connection recorded as lost is dropped without a close frame at its recorded time")
    func lost() throws {
        let frames: [Frame] = [
            .opened(at: 0),
            .text("last words", at: .milliseconds(1), .inbound),
            Frame(time: .milliseconds(30), direction: .inbound, connection: ConnectionID(0), kind: .lost, payload: Array("reset".utf8)),
        ]
        let plan = try ServePlan(frames: frames.enumerated().map { RecordedFrame(number: $0.offset, frame: $0.element) })
        let reports = ReportLog()
        let server = try start(plan, { $0.pacing = .realTime }, reports: reports)
        let log = EventLog()
        _ = try WebSocketClient.connect(to: WebSocketURL(server.url)!, group: group, onEvent: log.add).wait()
        #expect(log.waitForEnd())
        #expect(log.messages.map(\.0) == [.text])
        #expect(log.wait { $0.contains { if case .lost = $0 { true } else { false } } })
        #expect(reports.wait(count: 1))
        #expect(reports.all.first?.ending == "dropped as recorded (reset)")
        try server.close()
        try group.syncShutdownGracefully()
    }

    @Test("cassette: a client that closes before the recording did ends its session without failing it")
    func cassetteClientLeaves() throws {
        let reports = ReportLog()
        let server = try start(try cassettePlan(), { $0.mode = .cassette(MatchRules(ignoring: ["nonce"])) }, reports: reports)
        let log = EventLog()
        let client = try WebSocketClient.connect(to: WebSocketURL(server.url)!, group: group, onEvent: log.add).wait()
        client.send(.text, Array(#"{"op":"auth","key":"k","nonce":5}"#.utf8))
        #expect(log.waitForMessages(1))
        client.close(code: 1000, reason: "done")
        #expect(log.waitForEnd())
        #expect(reports.wait(count: 1))
        let report = reports.all.first
        #expect(report?.succeeded == true && report?.clientLeftEarly == true && report?.matched == 1)
        try server.close()
        try group.syncShutdownGracefully()
    }

    @Test("frames larger than the socket's write buffer wait for the client to read, and all arrive in order")
    func backpressure() throws {
        var frames: [Frame] = [.opened(at: 0)]
        for index in 0..<120 {
            var payload = [UInt8](repeating: UInt8(index), count: 200_000)
            payload[0] = UInt8(index)
            frames.append(Frame(time: .milliseconds(1), direction: .inbound, connection: ConnectionID(0), kind: .binary, payload: payload))
        }
        let plan = try ServePlan(frames: frames.enumerated().map { RecordedFrame(number: $0.offset, frame: $0.element) })
        let reports = ReportLog()
        let server = try start(plan, { $0.acceptDeflate = false }, reports: reports)
        let log = EventLog()
        _ = try WebSocketClient.connect(to: WebSocketURL(server.url)!, group: group, onEvent: log.add).wait()
        #expect(log.waitForEnd())
        let binaries = log.messages.filter { $0.0 == .binary }.map(\.1)
        let inOrder = binaries.count == 120 && binaries.enumerated().allSatisfy { $0.element.count == 200_000 && $0.element[0] == UInt8($0.offset) }
        #expect(inOrder, "received \(binaries.count) of 120 frames")
        #expect(reports.wait(count: 1))
        #expect((reports.all.first?.socketWaits ?? 0) > 0, "a 200 kB frame is over the 64 kB high-water mark, so the session must have waited")
        #expect(reports.all.first?.sent == 120)
        try server.close()
        try group.syncShutdownGracefully()
    }

    @Test("two clients at once each get their own recorded connection, whole")
    func concurrentClients() throws {
        let plan = try Self.syntheticPlan(frames: 2000)
        let server = try start(plan)
        let logs = [EventLog(), EventLog()]
        let clients = try logs.map { log in
            WebSocketClient.connect(to: WebSocketURL(server.url)!, group: group, onEvent: log.add)
        }.map { try $0.wait() }
        #expect(clients.count == 2)
        #expect(logs.allSatisfy { $0.waitForEnd() })
        let streams = logs.map { $0.messages.filter { $0.0 == .text }.map(\.1) }
        let scripts = plan.scripts.map { $0.steps.filter { $0.role == .send }.map(\.payload) }
        let bothWhole = (streams[0] == scripts[0] && streams[1] == scripts[1]) || (streams[0] == scripts[1] && streams[1] == scripts[0])
        #expect(bothWhole, "received \(streams.map(\.count)), recorded \(scripts.map(\.count))")
        try server.close()
        try group.syncShutdownGracefully()
    }

    @Test("wss:// serving works with a self-signed certificate")
    func tls() throws {
        let certificate = try TestCertificate()
        defer { certificate.remove() }
        let plan = try Self.syntheticPlan(frames: 200)
        let server = try start(plan) { $0.tls = ServerTLS(certificateFile: certificate.certificate, privateKeyFile: certificate.key) }
        #expect(server.url.hasPrefix("wss://127.0.0.1:"))
        let log = EventLog()
        _ = try WebSocketClient.connect(to: WebSocketURL(server.url)!, tls: ClientTLS(caFile: certificate.certificate),
                                        group: group, onEvent: log.add).wait()
        #expect(log.waitForEnd())
        let expected = plan.scripts[0].steps.filter { $0.role == .send }.map(\.payload)
        let same = log.messages.filter { $0.0 == .text }.map(\.1) == expected
        #expect(same)
        try server.close()
        try group.syncShutdownGracefully()
    }

    @Test("the request path picks the recorded connection; an unknown connection id is refused with 404")
    func routing() throws {
        let plan = try Self.syntheticPlan(frames: 300)
        #expect(plan.scripts.map(\.path) == ["/", "/"])
        let log = EventLog()
        _ = try WebSocketClient.connect(to: WebSocketURL(try start(plan).url + "/?tape-connection=1")!, group: group, onEvent: log.add).wait()
        #expect(log.waitForEnd())
        let expected = plan.scripts[1].steps.filter { $0.role == .send }.map(\.payload)
        let same = log.messages.filter { $0.0 == .text }.map(\.1) == expected
        #expect(same)
        let refused = #expect(throws: ConnectError.self) {
            try WebSocketClient.connect(to: WebSocketURL(try start(plan).url + "/?tape-connection=9")!, group: group) { _ in }.wait()
        }
        #expect(refused?.description.contains("404") == true)
        #expect(refused?.description.contains("no recorded connection 9 to serve") == true)
        try group.syncShutdownGracefully()
    }
}

extension Frame {
    static func opened(at milliseconds: Int64, url: String = "ws://venue.example/") -> Frame {
        Frame(time: .milliseconds(milliseconds), direction: .outbound, connection: ConnectionID(0), kind: .opened,
              payload: ConnectionOpened(url: url).payload)
    }
}

/// The frames a server sent, with their deadlines.
final class SendLog: @unchecked Sendable {
    private let lock = NSLock()
    private var sent: [ReplayServer.SentFrame] = []
    func add(_ frame: ReplayServer.SentFrame) { lock.withLock { sent.append(frame) } }
    var frames: [ReplayServer.SentFrame] { lock.withLock { sent } }
}

/// Session reports, waited on like `EventLog`.
final class ReportLog: @unchecked Sendable {
    private let condition = NSCondition()
    private var reports: [ReplayServer.SessionReport] = []

    func add(_ report: ReplayServer.SessionReport) {
        condition.withLock {
            reports.append(report)
            condition.broadcast()
        }
    }

    var all: [ReplayServer.SessionReport] { condition.withLock { reports } }

    func wait(count: Int) -> Bool {
        condition.withLock {
            let deadline = Date(timeIntervalSinceNow: 30)
            while reports.count < count {
                if !condition.wait(until: deadline) { return false }
            }
            return true
        }
    }
}
