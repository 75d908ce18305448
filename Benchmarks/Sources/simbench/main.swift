// Simulator frames per second to one connected client, beside the exchange core's order events
// per second measured in the same run.
//
// Usage: swift build -c release --package-path Benchmarks --product simbench && Benchmarks/.build/release/simbench [frames]
//
// 1. exchange core: a seeded order workload (50 % limit, 35 % cancel, 15 % market) straight into
//    `Exchange`, as in exchangebench (baseline).
// 2. Digitex dialect alone: the market generated and rendered as Digitex frames for one session
//    subscribed to orderbook_5, trades, ticker and index (no socket).
// 2b. Roxom dialect alone: the same market rendered as Roxom frames for one anonymous connection
//    subscribed to depth (snapshot + deltas), level1, trade and ticker (no socket).
// 3. over a socket: `tape simulate`'s server with the market running as fast as the client reads,
//    one WebSocket client on loopback counting the frames it receives.
// 4. Satori dialect alone: api_trade plus the pushes of one account trading by itself (no socket).
import Exchange
import Foundation
import NIOCore
import NIOPosix
import Simulators
import TapeCore
import TapeNet

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

func exchangeCore(operations: Int) -> (rate: Double, events: Int) {
    var random = SeededRandom(seed: 2_026)
    var exchange = Exchange(config: ExchangeConfig(instruments: [.digitexBTCUSD]))
    let accounts = (0..<100).map { _ in exchange.openAccount(deposit: Cash(units: 1_000_000)) }
    for account in accounts { _ = exchange.setLeverage(100, account: account, instrument: InstrumentID(0), at: .zero) }
    let tick = InstrumentSpec.digitexBTCUSD.tickSize
    let mid: Int64 = 10_000 * 10_000
    var events: [ExchangeEvent] = []
    var live: [(order: UInt64, owner: AccountID)] = []
    var issued: UInt64 = 0
    var total = 0
    let clock = ContinuousClock()
    let start = clock.now
    for n in 0..<operations {
        let time = Timestamp(nanoseconds: Int64(n) * 1_000)
        let account = accounts[Int(random.next(below: 100))]
        let roll = random.next(below: 100)
        if roll < 50 && live.count < 10_000 {
            let side: Side = random.chance(1, in: 2) ? .buy : .sell
            let distance = Int64(1 + random.next(below: 20)) * tick
            issued += 1
            live.append((issued, account))
            exchange.submit(.limit(side, Int64(1 + random.next(below: 10)), at: side == .buy ? mid - distance : mid + distance),
                            account: account, at: time, into: &events)
        } else if roll < 85 || live.count >= 10_000, !live.isEmpty {
            let index = Int(random.next(below: UInt64(live.count)))
            let target = live[index]
            live.swapAt(index, live.count - 1)
            live.removeLast()
            exchange.cancel(OrderID(target.order), account: target.owner, at: time, into: &events)
        } else {
            issued += 1
            exchange.submit(.market(random.chance(1, in: 2) ? .buy : .sell, Int64(1 + random.next(below: 10))),
                            account: account, at: time, into: &events)
        }
        total += events.count
        events.removeAll(keepingCapacity: true)
    }
    return (Double(operations) / seconds(clock.now - start), total)
}

let subscribe = #"{"id":1,"method":"subscribe","params":["BTCUSD-PERP@orderbook_5","BTCUSD-PERP@trades","BTCUSD-PERP@ticker","BTCUSD-PERP@index"]}"#

/// Runs a dialect's market as fast as it renders (64 generator steps at a time) until it has sent
/// `frames` frames to its subscribed connections: the rate, and the mean frame size.
func framesAlone<Dialect: SimulatorDialect>(_ simulator: inout Dialect, frames: Int) -> (rate: Double, bytes: Int) {
    var sent = 0
    var bytes = 0
    let clock = ContinuousClock()
    let start = clock.now
    while sent < frames {
        let target = Timestamp(nanoseconds: simulator.marketTime.nanoseconds + 3_600_000_000_000)
        for action in simulator.advanceMarket(to: target, maxSteps: 64) {
            if case .send(_, _, let payload) = action {
                sent += 1
                bytes += payload.count
            }
        }
    }
    return (Double(sent) / seconds(clock.now - start), bytes / max(sent, 1))
}

func dialectAlone(frames: Int) -> (rate: Double, bytes: Int) {
    var simulator = DigitexSimulator(seed: 7)
    let connection = ConnectionID(1)
    _ = simulator.connected(connection, target: "/", headers: [], at: .zero)
    _ = simulator.receivedFrame(connection, .text, Array(subscribe.utf8), at: .zero)
    return framesAlone(&simulator, frames: frames)
}

func roxomAlone(frames: Int) -> (rate: Double, bytes: Int) {
    var simulator = RoxomSimulator(seed: 7)
    let connection = ConnectionID(1)
    let request = #"{"op":"subscribe","args":[{"channel":"depth","symbol":"US500-BTC"},{"channel":"level1","symbol":"US500-BTC"},{"channel":"trade","symbol":"US500-BTC"},{"channel":"ticker","symbol":"US500-BTC"}]}"#
    _ = simulator.connected(connection, target: "/ws", headers: [], at: .zero)
    _ = simulator.receivedFrame(connection, .text, Array(request.utf8), at: .zero)
    return framesAlone(&simulator, frames: frames)
}

/// The Satori dialect alone: one connection subscribed to every event of one key whose account
/// trades by itself (AccountActivity every ~100 ms), the market generated as fast as it renders.
func satoriAlone(frames: Int) -> (rate: Double, bytes: Int) {
    var market = SatoriSimulator.Configuration().market
    market.utcNanosAtZero = 1_725_868_800 * 1_000_000_000
    let configuration = SatoriSimulator.Configuration(accountActivity: AccountActivity.Configuration(interval: .milliseconds(100)), market: market)
    var simulator = SatoriSimulator(seed: 7, configuration: configuration)
    let connection = ConnectionID(1)
    _ = simulator.connected(connection, target: "/", headers: [], at: .zero)
    let signature = "0x" + String(repeating: "ab", count: 64) + "1b"
    for (event, scope) in [("api_account", #""symbol":"USD""#), ("api_position", #""pair":"ETH-USD""#), ("api_entrust", #""pair":"ETH-USD""#),
                           ("api_trade", #""pair":"ETH-USD","period":"1MIN""#)] {
        let request = #"{\#(scope),"method":"SUBSCRIBE","event":"\#(event)","apiKey":"bench","signature":"\#(signature)","timestamp":1725868800000,"signType":"2"}"#
        _ = simulator.receivedFrame(connection, .text, Array(request.utf8), at: .zero)
    }
    return framesAlone(&simulator, frames: frames)
}

/// Counts received frames and signals when enough arrived.
final class Counter: @unchecked Sendable {
    let lock = NSLock()
    var frames = 0
    var started: ContinuousClock.Instant?
    var finished: ContinuousClock.Instant?
    let target: Int
    let done = DispatchSemaphore(value: 0)

    init(target: Int) { self.target = target }

    func received() {
        lock.lock()
        defer { lock.unlock() }
        frames += 1
        if frames == 1 { started = ContinuousClock.now }
        if frames == target {
            finished = ContinuousClock.now
            done.signal()
        }
    }
}

func overSocket(frames: Int) throws -> Double {
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
    defer { try? group.syncShutdownGracefully() }
    let server = try SimulatorServer.start(
        dialect: DigitexSimulator(seed: 7), pacing: .asFastAsPossible(stepsPerBatch: 256), group: group.next())
    defer { server.close() }
    let counter = Counter(target: frames)
    let client = try WebSocketClient.connect(to: WebSocketURL(server.url)!, offerDeflate: false, group: group.next()) { event in
        if case .received(.text, _) = event { counter.received() }
    }.wait()
    client.send(.text, Array(subscribe.utf8))
    guard counter.done.wait(timeout: .now() + 120) == .success, let start = counter.started, let end = counter.finished else {
        fatalError("simbench: \(counter.frames) of \(frames) frames arrived within 2 minutes")
    }
    client.abort()
    return Double(frames - 1) / seconds(end - start)
}

let frames = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 300_000 : 300_000
let core = exchangeCore(operations: 2_000_000)
let alone = dialectAlone(frames: frames)
let roxom = roxomAlone(frames: frames)
let socket = try overSocket(frames: frames)
let satori = satoriAlone(frames: frames)
print("simbench: Digitex simulator, market data as fast as possible to one client (orderbook_5, trades, ticker, index)")
print("  exchange core (baseline):        \(Int(core.rate)) order events/s (2,000,000 operations, \(core.events) exchange events)")
print("  Digitex dialect alone:           \(Int(alone.rate)) frames/s (\(frames) frames, \(alone.bytes) bytes per frame on average)")
print("  Roxom dialect alone:             \(Int(roxom.rate)) frames/s (\(frames) frames, \(roxom.bytes) bytes per frame on average; depth, level1, trade, ticker)")
print("  over a ws:// socket to a client: \(Int(socket)) frames/s (\(frames) frames received)")
print("  Satori dialect alone:            \(Int(satori.rate)) frames/s (\(frames) frames: api_trade and a self-trading account's pushes, \(satori.bytes) bytes per frame)")
