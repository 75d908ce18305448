import Foundation
import ArgumentParser
import TapeFormat

enum TapedeckVersionString {
    static let value = TapedeckVersion.string
}

/// Exit codes scripts can rely on (also listed in `tape --help`).
enum Exit {
    /// The command did its job.
    static let success = ExitCode(0)
    /// The command failed; one line on stderr says why.
    static let failure = ExitCode(1)
    /// The tape is damaged; the command went as far as it could and listed the damage.
    static let damaged = ExitCode(2)
}

/// Runs a command body; a `TapeError` becomes one line on stderr and exit code 1.
func reportingErrors<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as TapeError {
        printError(error.description)
        throw Exit.failure
    }
}

/// One line on stdout, unbuffered, so it lands in order with `BufferedOutput` and before a crash.
func printLine(_ message: String) {
    FileHandle.standardOutput.write(Data((message + "\n").utf8))
}

func printError(_ message: String) {
    FileHandle.standardError.write(Data("tape: \(message)\n".utf8))
}

/// Buffered standard output: `print` per frame is slow on large tapes.
struct BufferedOutput {
    private var buffer: [UInt8] = []

    init() {
        buffer.reserveCapacity(1 << 16)
    }

    mutating func write(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 16 { flush() }
    }

    mutating func writeLine(_ text: String) {
        write(text)
        buffer.append(UInt8(ascii: "\n"))
    }

    mutating func flush() {
        guard !buffer.isEmpty else { return }
        FileHandle.standardOutput.write(Data(buffer))
        buffer.removeAll(keepingCapacity: true)
    }
}
