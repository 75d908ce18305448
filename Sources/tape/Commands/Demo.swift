import ArgumentParser
import Foundation
import NIOCore
import NIOPosix
import Replay
import Simulators
import TapeCore
import TapeFormat
import TapeNet
import Venues

struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "See the whole path in one command: simulate Digitex, record a session, inspect and replay it.",
        discussion: """
            Starts the Digitex simulator on loopback (seeded market), records a session through \
            'tape record''s own code (auth, subscriptions, order book, trades, a few orders of our \
            own), then prints the tape's summary and the replay's summary and digest. The demo tape is \
            the one file this command replaces on every run.
            """
    )

    @Option(help: "Seconds to record.")
    var seconds: Double = 4

    @Option(help: "Seed of the simulated market.")
    var seed: UInt64 = 7

    @Option(name: .shortAndLong, help: "Where to write the demo tape.")
    var output: String = "demo/tapedeck-demo.tape"

    func validate() throws {
        guard seconds > 0 && seconds <= 600 else { throw ValidationError("--seconds must be between 0 and 600") }
    }

    func run() throws {
        try reportingErrors {
            let folder = URL(fileURLWithPath: output).deletingLastPathComponent()
            try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try? FileManager.default.removeItem(atPath: output)  // the demo's own file only
            try record()
            try summarise()
        }
    }

    private func record() throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        defer { try? group.syncShutdownGracefully() }
        let simulator = try SimulatorServer.start(
            dialect: DigitexSimulator(seed: seed, configuration: .init(credentials: [SimulatorCredentials(key: "demo-token", secret: "")])),
            group: group
        )
        defer { simulator.close() }
        printLine("1. Digitex simulator listening on \(simulator.url) (seed \(seed))")
        let header = TapeHeader(
            venue: "digitex", endpoints: [simulator.url], wallClockStartNanoseconds: wallClockNow(),
            labels: ["recorded-by": "tape demo", "seed": "\(seed)", "symbols": "BTCUSD-PERP"]
        )
        let run = try RecordingRun(output: output, header: header)
        let session = try VenueRecording.start(
            venue: .digitex, request: .init(url: WebSocketURL(simulator.url)!, credentials: .init(token: "demo-token"), symbols: ["BTCUSD-PERP"]),
            tls: ClientTLS(), tape: VenueTape(recorder: run.recorder, redaction: RecordingRun.redaction(venue: "digitex", disabled: false)),
            group: group
        )
        printLine("2. recording \(String(format: "%g", seconds)) s of it to \(output), trading as we go")
        scheduleDemoTrades(session)
        let reason = run.waitUntilStopped(duration: seconds)
        session.close()
        _ = try? session.closed(on: group.next()).wait()
        try run.finish(reason)
    }

    /// A few orders of our own, spread over the recording: market orders both ways and a resting limit.
    private func scheduleDemoTrades(_ session: VenueRecording) {
        guard let place = session.placeOrder else { return }
        let orders: [DigitexOrderRequest] = [
            .init(symbol: "BTCUSD-PERP", clOrdId: "demo-1", type: .market, timeInForce: .immediateOrCancel, side: .buy, price: nil, quantity: 10),
            .init(symbol: "BTCUSD-PERP", clOrdId: "demo-2", type: .limit, timeInForce: .goodTillCancelled, side: .buy, price: 5_000, quantity: 3),
            .init(symbol: "BTCUSD-PERP", clOrdId: "demo-3", type: .market, timeInForce: .immediateOrCancel, side: .sell, price: nil, quantity: 4),
        ]
        for (index, order) in orders.enumerated() {
            let delay = seconds * Double(index + 1) / Double(orders.count + 1)
            DispatchQueue.global().asyncAfter(deadline: .now() + delay) { place(order) }
        }
    }

    private func summarise() throws {
        let reader = try TapeReader(path: output)
        let statistics = try TapeStatistics.of(reader, gapThreshold: .seconds(1), parallelism: 2)
        var out = BufferedOutput()
        out.writeLine("")
        out.writeLine("3. the tape (tape inspect \(output)):")
        InspectReport(reader: reader, statistics: statistics, damage: reader.verify()).write(to: &out)
        out.writeLine("")
        out.writeLine("4. the replay (tape replay \(output)):")
        let result = try Replayer.run(tape: output)
        for line in result.summaryLines { out.writeLine("   " + line) }
        out.writeLine("")
        out.writeLine("next: tape step \(output)      (frame by frame; 'help' lists the commands)")
        out.writeLine("      tape cat \(output) --kind text --contains orderFilled")
        out.writeLine("      zcat \(output) | head")
        out.flush()
    }
}
