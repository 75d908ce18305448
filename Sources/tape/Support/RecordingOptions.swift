import ArgumentParser

/// The options `tape record` and `tape proxy` share: where the tape goes, when to stop, TLS trust,
/// redaction.
struct RecordingOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: "The tape to write (it must not exist).")
    var output: String

    @Option(help: "A PEM file of extra CA certificates to trust for the venue (a private CA, a simulator).")
    var caFile: String?

    @Option(help: "Stop after this many seconds.")
    var duration: Double?

    @Flag(help: "Record secrets as they are (prints a warning).")
    var noRedact = false

    @Flag(help: "Print 'flushed frames A-B' on stdout each time a block is safely on disk.")
    var logFlushes = false

    func validate() throws {
        if let duration, duration <= 0 { throw ValidationError("--duration must be positive") }
    }
}
