import ArgumentParser
import TapeCore
import TapeFormat

struct Cat: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print a tape's frames, one per line, as text or JSON lines, with filters.",
        discussion: """
            Text lines read '#number time direction connection kind length  payload'. JSON lines are \
            the format of 'tape export' (without the header line). Damaged blocks are skipped and \
            reported on stderr, with exit code 2.
            """
    )

    @Argument(help: "The tape file.")
    var file: String

    @Flag(help: "Print JSON lines instead of text.")
    var jsonl = false

    @Option(help: "Stop after this many frames.")
    var limit: Int?

    @OptionGroup var selection: FrameSelection

    func validate() throws {
        if let limit, limit < 0 { throw ValidationError("--limit must not be negative") }
    }

    func run() throws {
        try reportingErrors {
            let reader = try TapeReader(path: file)
            let filter = try selection.filter()
            var cursor = selection.cursor(on: reader, filter: filter)
            var output = BufferedOutput()
            var printed = 0
            while printed < (limit ?? .max), let recorded = try cursor.next() {
                if selection.isPastEnd(recorded, filter: filter) { break }
                guard filter.matches(recorded.frame, number: recorded.number) else { continue }
                output.writeLine(jsonl ? FrameJSON.line(for: recorded) : FrameText.line(for: recorded))
                printed += 1
            }
            output.flush()
            try reportDamage(reader.damage, skipped: cursor.skipped)
        }
    }
}

/// Lists damage met while reading on stderr and exits 2 if there was any.
func reportDamage(_ damage: [Damage], skipped: [TapeError]) throws {
    for region in damage { printError("damaged: \(region)") }
    for error in skipped { printError(error.description) }
    if !damage.isEmpty || !skipped.isEmpty { throw Exit.damaged }
}
