// The Notional simulator's cost per market step with self-trading, watched accounts, beside the
// market generator's own steps per second measured in the same run.
//
// Usage: swift build -c release --package-path Benchmarks --product notionalsimbench && Benchmarks/.build/release/notionalsimbench [steps] [accounts]
//
// 1. generator alone (baseline): `MarketDataGenerator` with the Notional instrument, `next()` per step.
// 2. Notional dialect: the same market through `NotionalSimulator.advanceMarket`, with `accounts`
//    addresses (default 10), each on its own connection subscribed to accountSummary, userFills,
//    orderUpdates and activeAssetData, each trading by itself (`AccountActivity`, 2 s mean gap):
//    reconciling resting orders, stepping the activities and pushing what changed, per step.
import BenchSupport
import Exchange
import Simulators
import TapeCore

let steps = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 300_000 : 300_000
let accounts = CommandLine.arguments.count > 2 ? Int(CommandLine.arguments[2]) ?? 10 : 10

var generator = MarketDataGenerator(seed: 7, config: NotionalSimulator.Configuration().market)
var published = 0
let baseline = best(of: 3) {
    generator = MarketDataGenerator(seed: 7, config: NotionalSimulator.Configuration().market)
    published = 0
    for _ in 0..<steps { published += generator.next().count }
}

var frames = 0
var bytes = 0
var simulated = Timestamp.zero
let dialect = best(of: 3) {
    var simulator = NotionalSimulator(seed: 7, configuration: NotionalSimulator.Configuration(accountActivity: AccountActivity.Configuration()))
    frames = 0
    bytes = 0
    for index in 0..<accounts {
        let connection = ConnectionID(UInt32(index + 1))
        let user = "0x" + String(repeating: "0", count: 36) + String(String(index + 0x1000, radix: 16).suffix(4))
        _ = simulator.connected(connection, target: "/ws", headers: [], at: .zero)
        for type in ["accountSummary", "userFills", "orderUpdates"] {
            _ = simulator.receivedFrame(connection, .text, Array(#"{"method":"subscribe","subscription":{"type":"\#(type)","user":"\#(user)"}}"#.utf8), at: .zero)
        }
        _ = simulator.receivedFrame(connection, .text, Array(#"{"method":"subscribe","subscription":{"type":"activeAssetData","user":"\#(user)","coin":"BTC"}}"#.utf8), at: .zero)
    }
    for _ in 0..<steps {
        for action in simulator.advanceMarket(to: Timestamp(nanoseconds: simulator.marketTime.nanoseconds + 1), maxSteps: 1) {
            if case .send(_, _, let payload) = action {
                frames += 1
                bytes += payload.count
            }
        }
    }
    simulated = simulator.marketTime
}

print("notionalsimbench: \(steps) market steps, \(accounts) watched self-trading addresses (\(format(Double(simulated.nanoseconds) / 1e9, 0)) s of market)")
print("  generator alone (baseline): \(Int(Double(steps) / baseline)) steps/s (\(published) market events)")
print("  Notional dialect:           \(Int(Double(steps) / dialect)) steps/s, \(Int(Double(frames) / dialect)) frames/s (\(frames) frames, \(bytes / max(frames, 1)) bytes per frame)")
