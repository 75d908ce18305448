import ArgumentParser

@main
struct Tape: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tape",
        abstract: "Record, inspect and replay WebSocket trading sessions as tapes.",
        discussion: """
            A tape is a gzip-compatible file of timestamped WebSocket frames (see docs/FORMAT.md).
            Exit codes: 0 success; 1 the command failed (message on stderr); 2 the tape is damaged \
            (the command went as far as it could); 64 bad arguments.
            """,
        version: TapedeckVersionString.value,
        subcommands: [
            Demo.self, Record.self, Proxy.self, Simulate.self, ReplayCommand.self, VerifyCommand.self, StepCommandLine.self,
            Serve.self, Inspect.self, Cat.self, Export.self, Import.self,
        ]
    )
}
