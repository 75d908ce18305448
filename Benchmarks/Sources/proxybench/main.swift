import BenchSupport
import Foundation
import NIOCore
import NIOPosix
import TapeCore
import TapeFormat
import TapeNet

// proxybench [--messages 100000] [--seconds 60] [--rate 100000] [--paced-rate 20000]
// 1. Latency: one message in flight at a time (closed loop), echoed by a local venue stand-in;
//    round-trip percentiles direct and through the recording proxy; the difference is what the
//    proxy adds (both hops: out and back).
// 1b. Latency at a fixed rate (open loop): messages sent every 1/paced-rate s whatever came back,
//    each timed from its send to its echo, direct and through the proxy.
// 2. Throughput: the venue stand-in pushes numbered frames as fast as flow control lets it, through
//    the proxy, for N seconds; the client checks every sequence number (zero loss, in order) and
//    the process's resident memory is sampled once a second.

func option(_ name: String, _ fallback: Int) -> Int {
    let arguments = CommandLine.arguments
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count, let value = Int(arguments[index + 1]) else { return fallback }
    return value
}

func percentile(_ sorted: [Double], _ p: Double) -> Double {
    sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
}

/// Venue stand-in: echoes text; on "push N" sends N numbered frames, pausing while the socket is full.
func startVenue(group: EventLoopGroup) throws -> WebSocketServer<Void> {
    try WebSocketServer<Void>.start(
        host: "127.0.0.1", port: 0, group: group,
        decide: { _, loop in loop.makeSucceededFuture(.accept(headers: [], session: ())) },
        accepted: { connection, _ in
            let pusher = Pusher(connection: connection)
            connection.onWritabilityChange { writable in pusher.writable(writable) }
            return { event in
                guard case .received(.text, let payload) = event else { return }
                if payload.starts(with: Array("push ".utf8)) {
                    pusher.start(count: Int(String(decoding: payload.dropFirst(5), as: UTF8.self)) ?? 0)
                } else {
                    connection.send(.text, payload)
                }
            }
        }
    )
}

/// Sends numbered frames on its connection's event loop while the socket is writable.
final class Pusher: @unchecked Sendable {
    let connection: WebSocketConnection
    private var next = 0
    private var total = 0
    private var paused = false
    static let body = Array(#","ch":"orderbook_5","data":{"symbol":"BTCUSD-PERP","ts":1597739258241,"bids":[[9839.4,53675],[9838.9,58306],[9838.4,1799],[9837.9,2270],[9837.4,11123]],"asks":[[9840.4,13431],[9840.9,4531],[9841.4,77245],[9841.9,330],[9842.4,8412]]}}"#.utf8)

    init(connection: WebSocketConnection) {
        self.connection = connection
    }

    func start(count: Int) {
        total = count
        next = 0
        pump()
    }

    func writable(_ writable: Bool) {
        paused = !writable
        if writable { pump() }
    }

    private func pump() {
        var sent = 0
        while next < total && !paused && sent < 1_000 {
            connection.send(.text, Array("{\"seq\":\(next)".utf8) + Self.body)
            next += 1
            sent += 1
        }
        if next < total && !paused {
            connection.eventLoop.execute { self.pump() }  // yield so reads and flow control run
        }
    }
}

/// The measuring client: closed-loop round trips, or counting a push.
final class Probe: @unchecked Sendable {
    private let condition = NSCondition()
    private var lastReceived: [UInt8]?
    private var expected = 0
    private var lost = 0
    private var count = 0

    func event(_ event: WebSocketEvent) {
        guard case .received(.text, let payload) = event else { return }
        condition.withLock {
            if payload.starts(with: Array("{\"seq\":".utf8)) {
                let digits = payload.dropFirst(7).prefix { $0 >= 48 && $0 <= 57 }
                let sequence = Int(String(decoding: digits, as: UTF8.self)) ?? -1
                if sequence != expected { lost += 1 }
                expected = sequence + 1
                count += 1
            } else {
                lastReceived = payload
            }
            condition.signal()
        }
    }

    func roundTrip(_ connection: WebSocketConnection, _ payload: [UInt8]) -> Double {
        let start = ContinuousClock.now
        connection.send(.text, payload)
        condition.withLock {
            while lastReceived != payload { condition.wait() }
            lastReceived = nil
        }
        let elapsed = start.duration(to: .now)
        return Double(elapsed.components.attoseconds) / 1e12 + Double(elapsed.components.seconds) * 1e6
    }

    var pushed: (count: Int, gaps: Int) { condition.withLock { (count, lost) } }

    func waitForPush(_ total: Int) {
        condition.withLock { while count < total { condition.wait() } }
    }
}

func latencies(through url: String, messages: Int, group: EventLoopGroup) throws -> [Double] {
    let probe = Probe()
    let connection = try WebSocketClient.connect(to: WebSocketURL(url)!, offerDeflate: false, group: group, onEvent: probe.event).wait()
    let payload = Array(#"{"id":1,"method":"placeOrder","params":{"symbol":"BTCUSD-PERP","px":9840,"qty":1}}"#.utf8)
    for _ in 0..<(messages / 5) { _ = probe.roundTrip(connection, payload) }  // warm up
    var samples: [Double] = []
    samples.reserveCapacity(messages)
    for _ in 0..<messages { samples.append(probe.roundTrip(connection, payload)) }
    connection.close()
    return samples.sorted()
}

/// Open loop: a message every `1 / rate` s on the client's event loop, each stamped with its index;
/// the echo's arrival time minus its send time is its round trip. Returns them sorted, in µs.
func pacedLatencies(through url: String, rate: Int, messages: Int, group: EventLoopGroup) throws -> [Double] {
    let recorder = PacedProbe(messages: messages)
    let connection = try WebSocketClient.connect(to: WebSocketURL(url)!, offerDeflate: false, group: group, onEvent: recorder.event).wait()
    let interval = Int64(1_000_000_000 / rate)
    let body = Array(#","method":"placeOrder","params":{"symbol":"BTCUSD-PERP","px":9840,"qty":1}}"#.utf8)
    let loop = group.next()
    let start = NIODeadline.now()
    // One scheduled task per message at its due time: the rate holds even when a send runs late.
    try loop.submit {
        func send(_ index: Int) {
            guard index < messages else { return }
            recorder.sent(index)
            connection.send(.text, Array("{\"id\":\(index)".utf8) + body)
            loop.scheduleTask(deadline: start + .nanoseconds(interval * Int64(index + 1))) { send(index + 1) }
        }
        send(0)
    }.wait()
    recorder.waitForAll()
    connection.close()
    return recorder.roundTrips
}

final class PacedProbe: @unchecked Sendable {
    private let condition = NSCondition()
    private var sentAt: [UInt64]
    private var trips: [Double] = []

    init(messages: Int) {
        sentAt = Array(repeating: 0, count: messages)
        trips.reserveCapacity(messages)
    }

    func sent(_ index: Int) {
        condition.withLock { sentAt[index] = DispatchTime.now().uptimeNanoseconds }
    }

    func event(_ event: WebSocketEvent) {
        guard case .received(.text, let payload) = event, payload.starts(with: Array("{\"id\":".utf8)) else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        let digits = payload.dropFirst(6).prefix { $0 >= 48 && $0 <= 57 }
        guard let index = Int(String(decoding: digits, as: UTF8.self)) else { return }
        condition.withLock {
            trips.append(Double(now - sentAt[index]) / 1_000)
            if trips.count == sentAt.count { condition.signal() }
        }
    }

    func waitForAll() {
        condition.withLock { while trips.count < sentAt.count { condition.wait() } }
    }

    var roundTrips: [Double] { condition.withLock { trips.sorted() } }
}

final class MemorySamples: @unchecked Sendable {
    private let lock = NSLock()
    private var kibibytes: [Int] = []
    func add(_ value: Int) { lock.withLock { kibibytes.append(value) } }
    var values: [Int] { lock.withLock { kibibytes } }
}

func run() throws {
    let messages = option("--messages", 50_000)
    let seconds = option("--seconds", 60)
    let rate = option("--rate", 100_000)
    let venueGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    let proxyGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    let clientGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    let venue = try startVenue(group: venueGroup)
    let folder = NSTemporaryDirectory() + "proxybench-\(getpid())"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let writer = try TapeWriter(path: folder + "/p.tape", header: TapeHeader(venue: "bench", wallClockStartNanoseconds: 0))
    let recorder = TapeRecorder(writer: writer)
    let proxy = try RecordingProxy.start(host: "127.0.0.1", port: 0, upstream: WebSocketURL(venue.url)!,
                                         recorder: recorder, redaction: Redaction(), group: proxyGroup)
    print("proxybench: \(ProcessInfo.processInfo.activeProcessorCount) cores; venue, proxy and client each on one event-loop thread, in one process")

    let direct = try latencies(through: venue.url, messages: messages, group: clientGroup)
    let proxied = try latencies(through: proxy.url, messages: messages, group: clientGroup)
    print("latency, \(messages) round trips, one in flight (µs):      p50      p99    p99.9")
    for (name, samples) in [("  direct", direct), ("  through the proxy", proxied)] {
        print(name.padding(toLength: 50, withPad: " ", startingAt: 0)
              + [0.5, 0.99, 0.999].map { String(format: "%8.1f", percentile(samples, $0)) }.joined(separator: " "))
    }
    print("  added by the proxy (both hops)".padding(toLength: 50, withPad: " ", startingAt: 0)
          + [0.5, 0.99, 0.999].map { String(format: "%8.1f", percentile(proxied, $0) - percentile(direct, $0)) }.joined(separator: " "))
    let closedLoopRate = Double(messages) / (proxied.reduce(0, +) / 1e6)
    print(String(format: "  closed-loop rate through the proxy: %.0f round trips/s", closedLoopRate))

    let pacedRate = option("--paced-rate", 20_000)
    let pacedDirect = try pacedLatencies(through: venue.url, rate: pacedRate, messages: messages, group: clientGroup)
    let pacedProxied = try pacedLatencies(through: proxy.url, rate: pacedRate, messages: messages, group: clientGroup)
    print("latency, \(messages) messages sent at \(pacedRate)/s, open loop (µs):  p50      p99    p99.9")
    for (name, samples) in [("  direct", pacedDirect), ("  through the proxy", pacedProxied)] {
        print(name.padding(toLength: 50, withPad: " ", startingAt: 0)
              + [0.5, 0.99, 0.999].map { String(format: "%8.1f", percentile(samples, $0)) }.joined(separator: " "))
    }
    print("  added by the proxy (both hops)".padding(toLength: 50, withPad: " ", startingAt: 0)
          + [0.5, 0.99, 0.999].map { String(format: "%8.1f", percentile(pacedProxied, $0) - percentile(pacedDirect, $0)) }.joined(separator: " "))

    let total = rate * seconds
    let probe = Probe()
    let connection = try WebSocketClient.connect(to: WebSocketURL(proxy.url)!, offerDeflate: false, group: clientGroup, onEvent: probe.event).wait()
    let samples = MemorySamples()
    let sampler = Thread {
        while !Thread.current.isCancelled {
            samples.add(residentKiB())
            Thread.sleep(forTimeInterval: 1)  // a benchmark's sampling interval, not a wait for an event
        }
    }
    let start = ContinuousClock.now
    sampler.start()
    connection.send(.text, Array("push \(total)".utf8))
    probe.waitForPush(total)
    let elapsed = start.duration(to: .now)
    sampler.cancel()
    let memory = samples.values
    let elapsedSeconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    let (count, gaps) = probe.pushed
    let counters = recorder.snapshot
    print(String(format: "throughput: %d frames pushed through the proxy in %.1f s = %.0f frames/s (asked %d/s for %d s)",
                 count, elapsedSeconds, Double(count) / elapsedSeconds, rate, seconds))
    print("  loss: \(gaps) sequence gaps; recorded \(counters.framesIn) inbound frames on the tape")
    let settled = memory.dropFirst(min(3, memory.count / 4))
    print("  resident memory (MiB), sampled each second after warm-up: min \(((settled.min() ?? 0) / 1024)) max \(((settled.max() ?? 0) / 1024)) last \(((memory.last ?? 0) / 1024))")
    connection.close()
    try proxy.stop()
    try recorder.close()
    try venue.close()
}

try run()
