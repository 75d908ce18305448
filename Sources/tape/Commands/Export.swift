import ArgumentParser
import Foundation
import TapeCore
import TapeFormat

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Export a tape as JSON lines: the header, then one object per frame.",
        discussion: """
            'tape import --from jsonl' turns the output back into the same tape: same header, same \
            frames, byte for byte. Filters select frames as in 'tape cat'.
            """
    )

    @Argument(help: "The tape file.")
    var file: String

    @Flag(help: "JSON lines (the only export format, and the default).")
    var jsonl = false

    @Option(name: .shortAndLong, help: "Write to this file instead of standard output (it must not exist).")
    var output: String?

    @OptionGroup var selection: FrameSelection

    func run() throws {
        try reportingErrors {
            let reader = try TapeReader(path: file)
            let filter = try selection.filter()
            var sink = try JSONLinesSink(path: output)
            sink.write(FrameJSON.headerLine(for: reader.header))
            var cursor = selection.cursor(on: reader, filter: filter)
            while let recorded = try cursor.next() {
                if selection.isPastEnd(recorded, filter: filter) { break }
                guard filter.matches(recorded.frame, number: recorded.number) else { continue }
                sink.write(FrameJSON.line(for: recorded))
            }
            try sink.close()
            try reportDamage(reader.damage, skipped: cursor.skipped)
        }
    }
}

/// Lines to standard output, or to a new file (never an existing one).
struct JSONLinesSink {
    private var stdout = BufferedOutput()
    private let file: FileHandle?
    private let path: String?
    private var buffer: [UInt8] = []

    init(path: String?) throws {
        self.path = path
        guard let path else {
            file = nil
            return
        }
        guard !FileManager.default.fileExists(atPath: path) else {
            throw TapeError(.cannotWrite, file: path, "the output file already exists", remedy: "choose another path")
        }
        guard FileManager.default.createFile(atPath: path, contents: nil),
              let handle = FileHandle(forWritingAtPath: path)
        else {
            throw TapeError(.cannotWrite, file: path, "cannot create the output file", remedy: "check that the folder exists and is writable")
        }
        file = handle
    }

    mutating func write(_ line: String) {
        guard let file else {
            stdout.writeLine(line)
            return
        }
        buffer.append(contentsOf: line.utf8)
        buffer.append(UInt8(ascii: "\n"))
        if buffer.count >= 1 << 16 {
            file.write(Data(buffer))
            buffer.removeAll(keepingCapacity: true)
        }
    }

    mutating func close() throws {
        stdout.flush()
        guard let file else { return }
        file.write(Data(buffer))
        try file.close()
    }
}
