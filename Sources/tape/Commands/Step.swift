import ArgumentParser
import Foundation
import Replay

struct StepCommandLine: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "step",
        abstract: "Step through a tape frame by frame, with the events and state each frame caused.",
        discussion: """
            Commands (one per line): next [N], previous [N], frame N, time SECONDS, \
            match KEY=VALUE… (direction=in|out kind=text connection=0 contains=TEXT), \
            break CONDITION, delete, continue, until CONDITION, show, state, where, quit. \
            Conditions: 'position SYMBOL size > 100' (size, entry, margin, liquidation, upnl, pnl), \
            'position SYMBOL side = long', 'balance ASSET total < 1000' (total, available), \
            'orders > 3', 'anomaly', 'event orderFilled'. With --script, or when stdin is not a \
            terminal, every line is parsed first and a line that does not parse is named (exit 1). \
            Going back re-runs from the nearest checkpoint (a copy of the clients and the clock), \
            taken every --checkpoint-every frames.
            """
    )

    @Argument(help: "The tape file.")
    var file: String

    @Option(help: "Read commands from this file instead of the terminal.")
    var script: String?

    @Option(help: "Frames between checkpoints.")
    var checkpointEvery: Int = 10_000

    @Option(help: "Instruments the clients know, comma-separated (default: the tape's labels, else the venue's documented ones).")
    var symbols: String?

    func validate() throws {
        guard checkpointEvery > 0 else { throw ValidationError("--checkpoint-every must be positive") }
    }

    func run() throws {
        do {
            let configuration = ReplayConfiguration(symbols: symbols.map { $0.split(separator: ",").map(String.init) })
            var debugger = try StepDebugger(reader: Replayer.open(file), configuration: configuration, checkpointInterval: checkpointEvery)
            if let stop = debugger.stop { printError("damaged: only frames before \(stop.frame) can be stepped (\(stop))") }
            if script != nil || isatty(STDIN_FILENO) == 0 {
                let name = script ?? "stdin"
                let text: String
                if let script {
                    guard let data = FileManager.default.contents(atPath: script) else {
                        throw ReplayError(.badScript, place: script, "cannot read the script", remedy: "check the path")
                    }
                    text = String(decoding: data, as: UTF8.self)
                } else {
                    text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
                }
                let parsed = try StepScript.parse(text, name: name)
                print(try StepRunner.run(script: parsed, debugger: &debugger).joined(separator: "\n"))
            } else {
                try interactive(&debugger)
            }
        } catch let error as ReplayError {
            printError(error.description)
            throw Exit.failure
        }
    }

    private func interactive(_ debugger: inout StepDebugger) throws {
        print("stepping \(file): \(debugger.frameLimit) frames; 'next', 'previous', 'frame N', 'show', 'state', 'quit' (see --help)")
        while true {
            FileHandle.standardOutput.write(Data("(step) ".utf8))
            guard let line = readLine() else { return }
            switch StepCommand.parse(line) {
            case .failure(let error):
                print(error.message)
            case .success(nil):
                continue
            case .success(.quit?):
                return
            case .success(let command?):
                do {
                    print(try debugger.execute(command).joined(separator: "\n"))
                } catch {
                    print(error.description)
                }
            }
        }
    }
}
