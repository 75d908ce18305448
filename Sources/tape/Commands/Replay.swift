import ArgumentParser
import Foundation
import Replay
import TapeCore

struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Replay a tape into its venue's client and print the summary and the digest.",
        discussion: """
            The tape's header names the venue (digitex, qfex, roxom, notional, satori); each connection \
            gets its own client, which observes the recorded frames on a virtual clock. The summary \
            lists events by type, the final positions, balances and open orders, anomalies and \
            invariants; the digest (SHA-256 over the canonical events and final state, see \
            docs/DETERMINISM.md) is the same on every run and machine. A damaged tape is replayed up \
            to the damage, which is reported with its frame number and byte offset (exit code 2).
            """
    )

    @Argument(help: "The tape file.")
    var file: String

    @Flag(help: "Print every event as a JSON line (before the summary, which then goes to stderr).")
    var events = false

    @Option(help: "Pacing of --events output: fast (default), realtime, 2x (any factor), or cap:SECONDS (real time, gaps capped).")
    var pace: String = "fast"

    @Option(help: "Instruments the clients know, comma-separated (default: the tape's labels, else the venue's documented ones).")
    var symbols: String?

    @Option(help: "The Notional account address (default: the tape's 'user' label).")
    var user: String?

    @Flag(help: "Check the clients' invariants after every frame (slower).")
    var checkEveryFrame = false

    func validate() throws {
        _ = try Self.pacing(pace)
    }

    static func pacing(_ text: String) throws -> Pacing {
        switch text {
        case "fast": return .asFastAsPossible
        case "realtime": return .realTime
        default:
            if text.hasSuffix("x"), let factor = Double(text.dropLast()), factor > 0 { return .speed(factor) }
            if text.hasPrefix("cap:"), let seconds = Double(text.dropFirst(4)), seconds >= 0 {
                return .realTimeCappingGaps(at: .init(nanoseconds: Int64(seconds * 1e9)))
            }
            throw ValidationError("--pace must be fast, realtime, a factor such as 2x, or cap:SECONDS, not '\(text)'")
        }
    }

    func run() throws {
        let pacing = try Self.pacing(pace)
        var configuration = ReplayConfiguration.commandLine(symbols: symbols, user: user)
        configuration.checksInvariantsEveryFrame = checkEveryFrame
        var output = BufferedOutput()
        var previous: Timestamp?
        let result: ReplayResult
        do {
            result = try Replayer.run(tape: file, configuration: configuration) { event in
                guard events else { return }
                if pacing != .asFastAsPossible, let previous {
                    let wait = pacing.wait(from: previous, to: event.time)
                    if wait.nanoseconds > 0 {
                        output.flush()
                        Thread.sleep(forTimeInterval: Double(wait.nanoseconds) / 1e9)
                    }
                }
                previous = event.time
                output.writeLine(event.jsonLine)
            }
        } catch {
            printError(error.description)
            throw Exit.failure
        }
        output.flush()
        let summary = result.summaryLines.joined(separator: "\n") + "\n"
        if events {
            FileHandle.standardError.write(Data(summary.utf8))
        } else {
            FileHandle.standardOutput.write(Data(summary.utf8))
        }
        if let stop = result.stop {
            printError("damaged: replay \(stop)")
            throw Exit.damaged
        }
    }
}
