// Frames per second that `tape serve` delivers to one connected client at --pace max, against the
// raw read rate of the same tape measured in the same run.
//
// Usage: swift run -c release --package-path Benchmarks servebench [frames]   (default 400,000)
//
// The tape is the seeded synthetic Digitex + QFEX session (Samples), written to a temporary file.
// Baselines: reading every frame of the tape with a TapeReader cursor (decompress + decode + copy),
// and building the server's plan from it (ServePlan.load: the read plus sorting frames into
// per-connection scripts). Served: a WebSocketClient in the same process connects over loopback
// to a ReplayServer and counts the Digitex connection's frames until the server's close; with
// and without permessage-deflate. Each figure is the best of three runs.
import BenchSupport
import Foundation
import NIOCore
import NIOPosix
import Samples
import Serving
import TapeCore
import TapeFormat
import TapeNet

let frameCount = CommandLine.arguments.dropFirst().first.flatMap { Int($0) } ?? 400_000

func rate(_ count: Int, _ seconds: Double) -> String {
    String(format: "%10.0f frames/s  (%.3f s)", Double(count) / seconds, seconds)
}

/// Counts what one client receives until its connection ends.
final class Counter: @unchecked Sendable {
    private let condition = NSCondition()
    private var frames = 0
    private var bytes = 0
    private var ended = false

    func add(_ event: WebSocketEvent) {
        switch event {
        case .received(let kind, let payload):
            // Only this connection's event loop calls in, so the counts need no lock until the end.
            if kind == .text || kind == .binary {
                frames += 1
                bytes += payload.count
            }
        case .closed, .lost:
            condition.withLock {
                ended = true
                condition.broadcast()
            }
        }
    }

    func waitForEnd() -> (frames: Int, bytes: Int) {
        condition.withLock {
            while !ended { condition.wait() }
            return (frames, bytes)
        }
    }
}

let path = FileManager.default.temporaryDirectory.appendingPathComponent("servebench-\(getpid()).tape").path
defer { try? FileManager.default.removeItem(atPath: path) }
do {
    let writer = try TapeWriter(path: path, header: TapeHeader(venue: "digitex", wallClockStartNanoseconds: 0))
    var session = SyntheticSession(seed: 42)
    for _ in 0..<frameCount { try writer.append(session.next()) }
    try writer.close()
}
let reader = try TapeReader(path: path)
let fileBytes = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
print("tape: \(frameCount) frames of the synthetic Digitex + QFEX session, \(fileBytes / 1_000_000) MB compressed")

var readCount = 0
let readSeconds = try best(of: 3) {
    var cursor = reader.cursor()
    readCount = 0
    while try cursor.next() != nil { readCount += 1 }
}
print("raw read (TapeReader cursor, 1 core)     \(rate(readCount, readSeconds))")

var plan: ServePlan!
let planSeconds = try best(of: 3) { plan = try ServePlan.load(reader) }
print("plan (ServePlan.load: read + scripts)    \(rate(plan.framesRead, planSeconds))")

let script = plan.scripts[0]
let payloadBytes = script.steps.filter { $0.role == .send }.reduce(0) { $0 + $1.payload.count }
print("served connection \(script.connection): \(script.sendCount) frames to send, \(payloadBytes / 1_000_000) MB of payload")

let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
var configuration = ReplayServer.Configuration()
configuration.pacing = .asFastAsPossible
for deflate in [false, true] {
    configuration.acceptDeflate = deflate
    let server = try ReplayServer.start(plan: plan, configuration: configuration, group: group)
    var received = (frames: 0, bytes: 0)
    let served = try best(of: 3) {
        let counter = Counter()
        let client = try WebSocketClient.connect(to: WebSocketURL(server.url)!, offerDeflate: deflate, group: group,
                                                 onEvent: counter.add).wait()
        received = counter.waitForEnd()
        try client.closed.wait()
    }
    let messages = script.steps.filter { $0.role == .send && ($0.kind == .text || $0.kind == .binary) }.count
    precondition(received.frames == messages, "the client received \(received.frames) of \(messages) messages")
    let label = deflate ? "served, permessage-deflate" : "served, no compression    "
    print("\(label) (max pace)       \(rate(received.frames, served))  \(String(format: "%.0f", Double(received.bytes) / served / 1e6)) MB/s"
          + String(format: "  = %.2f× the raw read rate", (Double(received.frames) / served) / (Double(readCount) / readSeconds)))
    try server.close()
}

// Pacing precision: the first 40,000 frames of the tape at 20× real time, each frame's lateness
// (when it went out minus its deadline, on the same monotonic clock). Never negative by design.
final class Lateness: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Int64] = []
    func add(_ frame: ReplayServer.SentFrame) {
        lock.withLock { values.append(frame.sentAt.nanoseconds - frame.deadline.nanoseconds) }
    }
    var sorted: [Int64] { lock.withLock { values.sorted() } }
}
do {
    var cursor = reader.cursor()
    var frames: [RecordedFrame] = []
    while frames.count < 40_000, let frame = try cursor.next() { frames.append(frame) }
    let short = try ServePlan(frames: frames)
    let lateness = Lateness()
    configuration.acceptDeflate = false
    configuration.pacing = .speed(20)
    configuration.onSend = { lateness.add($0) }
    let server = try ReplayServer.start(plan: short, configuration: configuration, group: group)
    let counter = Counter()
    let wall = try seconds {
        _ = try WebSocketClient.connect(to: WebSocketURL(server.url)!, offerDeflate: false, group: group, onEvent: counter.add).wait()
        _ = counter.waitForEnd()
    }
    let late = lateness.sorted
    let span = Double(short.scripts[0].endingTime.nanoseconds - short.scripts[0].openedAt.nanoseconds) / 1e9
    func micro(_ value: Int64) -> String { String(format: "%.0f µs", Double(value) / 1e3) }
    print("paced 20× (\(late.count) frames, \(String(format: "%.1f", span)) s recorded, \(String(format: "%.2f", wall)) s served): "
          + "lateness p50 \(micro(late[late.count / 2])), p99 \(micro(late[late.count * 99 / 100])), max \(micro(late.last!)), "
          + "early frames \(late.filter { $0 < 0 }.count)")
    try server.close()
}
try group.syncShutdownGracefully()
