import ArgumentParser
import Foundation
import Replay

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check that the venue client would send what the tape recorded.",
        discussion: """
            The client runs as live on the tape's frames: each recorded request is decoded and \
            submitted to it, and must be sent (not refused) and agree with the recording; answers \
            to pings and heartbeats come from its timers on the virtual clock and must match the \
            recorded ones. Request ids, nonces, timestamps and signatures may differ (per-venue \
            rules in docs/DETERMINISM.md). Exit codes: 0 they agree; 1 the first divergence is \
            printed (frame, time, both payloads, the state before it) or the command failed; 2 the \
            tape is damaged (verified up to the damage).
            """
    )

    @Argument(help: "The tape file.")
    var file: String

    @Option(help: "Instruments the clients know, comma-separated (default: the tape's labels, else the venue's documented ones).")
    var symbols: String?

    @Option(help: "The Notional account address (default: the tape's 'user' label).")
    var user: String?

    func run() throws {
        let configuration = ReplayConfiguration.commandLine(symbols: symbols, user: user)
        let result: VerifyResult
        do {
            result = try Verifier.run(tape: file, configuration: configuration)
        } catch {
            printError(error.description)
            throw Exit.failure
        }
        print(result.summaryLines.joined(separator: "\n"))
        if result.divergence != nil { throw Exit.failure }
        if let stop = result.stop {
            printError("damaged: verify \(stop)")
            throw Exit.damaged
        }
    }
}
