// Order events per second through the exchange core on one core.
//
// Usage: swift run -c release --package-path Benchmarks exchangebench [operations]   (default 5,000,000)
//
// The workload is seeded: limit orders resting near the top of the book (50 %), cancels of
// a random order this loop placed (35 %, and instead of a limit order while it has 10,000
// placed; some are filled by then and rejected as unknown), and market orders crossing the
// spread (15 %), over 100 funded accounts on Digitex BTCUSD-PERP. The baseline,
// measured in the same run, is the loop that draws the same workload without the exchange.
import Exchange
import TapeCore

nonisolated func run(operations: Int, withExchange: Bool) -> (seconds: Double, events: Int, resting: Int, checksum: UInt64) {
    var random = SeededRandom(seed: 2_026)
    var exchange = Exchange(config: ExchangeConfig(instruments: [.digitexBTCUSD]))
    let accounts = (0..<100).map { _ in exchange.openAccount(deposit: Cash(units: 1_000_000)) }
    for account in accounts { _ = exchange.setLeverage(100, account: account, instrument: InstrumentID(0), at: .zero) }
    let tick = InstrumentSpec.digitexBTCUSD.tickSize
    var mid: Int64 = 10_000 * 10_000
    var events: [ExchangeEvent] = []
    events.reserveCapacity(256)
    var issued: UInt64 = 0
    // Ids of limit orders this loop placed and has not cancelled yet (some are filled since).
    var live: [(order: UInt64, owner: AccountID)] = []
    live.reserveCapacity(1 << 16)
    var totalEvents = 0
    var checksum: UInt64 = 0
    let clock = ContinuousClock()
    let start = clock.now
    for n in 0..<operations {
        let time = Timestamp(nanoseconds: Int64(n) * 1_000)
        let account = accounts[Int(random.next(below: 100))]
        let roll = random.next(below: 100)
        if n % 4_096 == 0 { mid += Int64(random.next(below: 3)) * tick - tick }
        if roll < 50 && live.count < 10_000 {
            let side: Side = random.chance(1, in: 2) ? .buy : .sell
            let distance = Int64(1 + random.next(below: 20)) * tick
            let price = side == .buy ? mid - distance : mid + distance
            let lots = Int64(1 + random.next(below: 10))
            issued += 1
            live.append((issued, account))
            if withExchange { exchange.submit(.limit(side, lots, at: price), account: account, at: time, into: &events) }
            checksum &+= UInt64(price) &+ UInt64(lots)
        } else if roll < 85 || live.count >= 10_000 {
            var target = OrderID(issued), owner = account
            if !live.isEmpty {
                let index = Int(random.next(below: UInt64(live.count)))
                target = OrderID(live[index].order)
                owner = live[index].owner
                live.swapAt(index, live.count - 1)
                live.removeLast()
            }
            if withExchange { exchange.cancel(target, account: owner, at: time, into: &events) }
            checksum &+= target.rawValue
        } else {
            let side: Side = random.chance(1, in: 2) ? .buy : .sell
            let lots = Int64(1 + random.next(below: 10))
            issued += 1
            if withExchange { exchange.submit(.market(side, lots), account: account, at: time, into: &events) }
            checksum &+= UInt64(lots)
        }
        totalEvents += events.count
        events.removeAll(keepingCapacity: true)
    }
    let elapsed = clock.now - start
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    let resting = exchange.depth(.buy, levels: 1_000).reduce(0) { $0 + $1.orders } + exchange.depth(.sell, levels: 1_000).reduce(0) { $0 + $1.orders }
    if withExchange, let problem = exchange.invariantViolation() { fatalError("exchangebench: invariant broken: \(problem)") }
    return (seconds, totalEvents, resting, checksum)
}

let operations = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 5_000_000 : 5_000_000
let baseline = run(operations: operations, withExchange: false)
let measured = run(operations: operations, withExchange: true)
let rate = Double(operations) / measured.seconds
print("exchangebench: \(operations) order operations (50 % limit, 35 % cancel, 15 % market), one core")
print("  baseline (workload only): \(Int(Double(operations) / baseline.seconds)) ops/s")
print("  exchange core:            \(Int(rate)) order events/s (\(Int(measured.seconds * 1000)) ms, \(measured.events) exchange events emitted, \(measured.resting) orders resting at the end)")
