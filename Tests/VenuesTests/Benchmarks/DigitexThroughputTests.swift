import Foundation
#if canImport(Glibc)
import Glibc
#endif
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
        // TAPEDECK_BENCH_ONLY=<name> runs one workload (for profiling).
        let only = ProcessInfo.processInfo.environment["TAPEDECK_BENCH_ONLY"]
        for (name, frames) in [("orderbook_5", [book]), ("trades", [trades]), ("orderStatus+orderFilled", [accept, fill])]
        where only == nil || only == name {
            var client = DigitexClient(configuration: .init(token: nil, drivesConnection: false))
            _ = client.connected(at: .zero)
            let count = 400_000
            var emitted = 0
            // Thread CPU time, not wall time: the 2-core machine is shared, and time spent waiting for
            // a core is not the code's cost. (Measurement only, outside the Venues target.)
            let start = threadCPUNanoseconds()
            for index in 0..<count {
                emitted &+= client.receivedFrame(frames[index % frames.count], at: Timestamp(nanoseconds: Int64(index))).count
            }
            let seconds = Double(threadCPUNanoseconds() - start) / 1e9
            print("digitex \(name): \(Int(Double(count) / seconds)) frames per CPU-second (\(emitted) actions)")
            #expect(emitted >= count)
        }
    }
}

private func threadCPUNanoseconds() -> UInt64 {
    var spec = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
    return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
}
