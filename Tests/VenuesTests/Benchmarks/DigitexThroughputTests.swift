import Foundation
import TapeCore
import Testing
@testable import Venues

/// Throughput of the Digitex client on its hot frames (order book, trades, orderFilled).
/// Only meaningful in release: `TAPEDECK_BENCH=1 swift test -c release --filter Throughput`.
/// Off by default so the debug test run on 2 shared cores stays short.
@Suite("Digitex throughput", .enabled(if: ProcessInfo.processInfo.environment["TAPEDECK_BENCH"] == "1"))
struct DigitexThroughputTests {
    @Test("order book, trades and orderFilled frames per second through receivedFrame")
    func throughput() throws {
        let book = try SharedExamples.lines("digitex", "public_channel_pushes.jsonl")[0]
        let trades = try SharedExamples.lines("digitex", "public_channel_pushes.jsonl")[1]
        let accept = try SharedExamples.lines("digitex", "seq_place_market_order_accept_fill.jsonl")[1]
        let fill = try SharedExamples.lines("digitex", "seq_place_market_order_accept_fill.jsonl")[2]
        for (name, frames) in [("orderbook_5", [book]), ("trades", [trades]), ("orderStatus+orderFilled", [accept, fill])] {
            var client = DigitexClient(configuration: .init(token: nil, drivesConnection: false))
            _ = client.connected(at: .zero)
            let count = 400_000
            var emitted = 0
            let start = DispatchTime.now().uptimeNanoseconds  // measurement only, outside the Venues target
            for index in 0..<count {
                emitted &+= client.receivedFrame(frames[index % frames.count], at: Timestamp(nanoseconds: Int64(index))).count
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            print("digitex \(name): \(Int(Double(count) / seconds)) frames/s (\(emitted) actions)")
            #expect(emitted >= count)
        }
    }
}
