import ArgumentParser

@main
struct Tape: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tape",
        abstract: "Record, inspect and replay WebSocket trading sessions as tapes.",
        subcommands: []
    )
}
