import BenchSupport
import Foundation
import TapeCore
import TapeFormat
import Venues

// venuebench [--frames 300000] [--case TEXT]
// For each venue: its documented inbound examples (those the client recognises), cycled into a tape;
// then, in one run on the same frames: the tape's raw read rate (frame views, payloads in hand),
// the client alone (decode + state update on payloads already in memory), and both together,
// each the best of three runs. Digitex's order reports are also measured varied, order by order
// (`varied`): the same frames over and over flatter a decoder that reads only what changed.

let framesPerCase = {
    let arguments = CommandLine.arguments
    guard let index = arguments.firstIndex(of: "--frames"), index + 1 < arguments.count else { return 300_000 }
    return Int(arguments[index + 1]) ?? 300_000
}()

/// Only the cases whose name contains this text (for profiling one case with perf or callgrind).
let caseFilter: String? = {
    let arguments = CommandLine.arguments
    guard let index = arguments.firstIndex(of: "--case"), index + 1 < arguments.count else { return nil }
    return arguments[index + 1]
}()

let shared = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/venues")

func lines(_ venue: String, _ file: String? = nil) -> [[UInt8]] {
    let folder = shared.appendingPathComponent(venue)
    let files = file.map { [$0] } ?? ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
        .filter { $0.hasSuffix(".jsonl") }.sorted()
    return files.flatMap { name in
        ((try? String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)) ?? "")
            .split(separator: "\n").map { Array($0.utf8) }
    }
}

/// The order reports `pair` (an order's `orderStatus` and `orderFilled`) again for `orders`
/// orders, each with its own ids and times and a balance, mark and PnL that move: the same frame
/// over and over would let a decoder that reads only what changed read nothing at all.
func varied(_ pair: ArraySlice<[UInt8]>, orders: Int) -> [[UInt8]] {
    let texts = pair.map { String(decoding: $0, as: UTF8.self) }
    func decimal(_ units: Int, scale: Int) -> String {
        let divisor = Int(pow(10, Double(scale)))
        let fraction = String(abs(units) % divisor)
        return (units < 0 ? "-" : "") + "\(abs(units) / divisor)." + String(repeating: "0", count: scale - fraction.count) + fraction
    }
    return (0..<orders).flatMap { order in
        let replacements = [
            ("c61533a0113c416b", "c61533a0" + String(format: "%08x", order)),
            ("1597736006705", String(1_597_736_006_705 + order * 250)),
            ("678850017", String(678_850_017 + order)),
            ("104705.4583", decimal(1_047_054_583 - order * 7, scale: 4)),
            ("12242.9113", decimal(122_429_113 + (order % 50) * 31, scale: 4)),
            ("-5.2492", decimal(-52_492 - order * 3, scale: 4)),
        ]
        return texts.map { text in
            Array(replacements.reduce(text) { $0.replacingOccurrences(of: $1.0, with: $1.1) }.utf8)
        }
    }
}

func rate(_ count: Int, _ seconds: Double) -> String {
    String(format: "%7.0f k/s", Double(count) / seconds / 1e3)
}

/// The examples a fresh client recognises, in file order.
func recognised<Client: VenueClient>(_ make: () -> Client, _ candidates: [[UInt8]]) -> [[UInt8]] {
    var client = make()
    _ = client.connected(at: .zero)
    return candidates.filter { line in
        !client.receivedFrame(line, at: .zero).contains { if case .emit(.unrecognised) = $0 { true } else { false } }
    }
}

func measure<Client: VenueClient>(_ name: String, _ make: () -> Client, _ examples: [[UInt8]]) throws {
    if let caseFilter, !name.contains(caseFilter) { return }
    guard !examples.isEmpty else {
        print("\(name.padding(toLength: 34, withPad: " ", startingAt: 0)) no recognised examples")
        return
    }
    let payloads = (0..<framesPerCase).map { examples[$0 % examples.count] }
    let path = NSTemporaryDirectory() + "venuebench-\(getpid()).tape"
    defer { try? FileManager.default.removeItem(atPath: path) }
    var options = TapeWriter.Options()
    options.overwrite = true
    let writer = try TapeWriter(path: path, header: TapeHeader(venue: name, wallClockStartNanoseconds: 0), options: options)
    for (index, payload) in payloads.enumerated() {
        try writer.append(Frame(time: Timestamp(nanoseconds: Int64(index) * 1_000), direction: .inbound,
                                connection: ConnectionID(0), kind: .text, payload: payload))
    }
    try writer.close()
    let reader = try TapeReader(path: path)

    var sink = 0
    // Best of three runs each (a fresh client per run): the least disturbed by other work on a shared machine.
    let read = try best(of: 3) { try reader.forEachFrameView { sink &+= $0.payload.count } }
    let alone = best(of: 3) {
        var client = make()
        _ = client.connected(at: .zero)
        for (index, payload) in payloads.enumerated() {
            sink &+= client.receivedFrame(payload, at: Timestamp(nanoseconds: Int64(index))).count
        }
    }
    let both = try best(of: 3) {
        var replayed = make()
        _ = replayed.connected(at: .zero)
        try reader.forEachFrameView { view in
            sink &+= replayed.receivedFrame(Array(view.payload), at: view.time).count
        }
    }
    let bytes = payloads.reduce(0) { $0 + $1.count } / payloads.count
    print("\(name.padding(toLength: 34, withPad: " ", startingAt: 0)) \(String(format: "%5d", examples.count)) ex \(String(format: "%5d", bytes)) B  read \(rate(payloads.count, read))  client \(rate(payloads.count, alone))  read+client \(rate(payloads.count, both))  (\(sink % 2))")
}

print("venuebench: \(framesPerCase) frames per case, one core, release build")
print("case                               examples  mean  tape read       client alone      read + client")
let digitex = { DigitexClient(configuration: .init(token: nil, drivesConnection: false)) }
let pushes = lines("digitex", "public_channel_pushes.jsonl")
let fill = lines("digitex", "seq_place_market_order_accept_fill.jsonl")
try measure("digitex orderbook_5", digitex, [pushes[0]])
try measure("digitex trades", digitex, [pushes[1]])
try measure("digitex orderStatus+orderFilled", digitex, [fill[1], fill[2]])
try measure("digitex the same, varied", digitex, varied(fill[1...2], orders: 1_000))
try measure("digitex all examples", digitex, recognised(digitex, lines("digitex")))
let qfex = { QFEXClient(configuration: .init(credentials: nil, instruments: ["AAPL-USD", "SP500-USD", "PLTR-USD", "US100-USD", "META-USD", "GOOG-USD"].map { Instrument(symbol: $0) }, drivesConnection: false)) }
try measure("qfex all examples", qfex, recognised(qfex, lines("qfex")))
let roxom = { RoxomClient(configuration: .init(instruments: ["US500-BTC", "US100-BTC", "GOLD-BTC", "OIL-BTC", "USDT-BTC"].map { Instrument(symbol: $0) }, drivesConnection: false)) }
try measure("roxom all examples", roxom, recognised(roxom, lines("roxom")))
let notional = { NotionalClient(configuration: .init(user: "0x0000000000000000000000000000000000000000", coins: ["BTC"], drivesConnection: false)) }
try measure("notional all examples", notional, recognised(notional, lines("notional")))
let satori = { SatoriClient(configuration: .init(instruments: [Instrument(symbol: "ETH-USD")], drivesConnection: false)) }
try measure("satori all examples", satori, recognised(satori, lines("satori")))
