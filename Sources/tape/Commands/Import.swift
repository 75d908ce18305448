import ArgumentParser
import Foundation
import TapeCore
import TapeFormat

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Turn a capture into a tape.",
        discussion: """
            --from jsonl reads what 'tape export' writes (a header line, then frames) and rebuilds \
            the same tape. Without a header line, --venue names the venue and the start time is 0.
            """
    )

    enum Source: String, ExpressibleByArgument, CaseIterable {
        case jsonl
    }

    @Argument(help: "The capture file.")
    var file: String

    @Option(help: "The capture's format: \(Source.allCases.map(\.rawValue).joined(separator: ", ")).")
    var from: Source = .jsonl

    @Option(name: .shortAndLong, help: "The tape to write (it must not exist).")
    var output: String

    @Option(help: "The venue to name in the header when the capture has none.")
    var venue: String = "unknown"

    func run() throws {
        try reportingErrors {
            let count = try JSONLinesImport.run(input: file, output: output, defaultVenue: venue)
            print("imported \(count) frames into \(output)")
        }
    }
}

/// Reads JSON lines into a new tape, line by line, with errors that name the line.
enum JSONLinesImport {
    static func run(input: String, output: String, defaultVenue: String) throws -> Int {
        guard let data = FileManager.default.contents(atPath: input) else {
            throw TapeError(.cannotOpen, file: input, "cannot read the capture", remedy: "check the path and its permissions")
        }
        var writer: TapeWriter?
        var count = 0
        var lineNumber = 0
        do {
            for line in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
                lineNumber += 1
                if line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") }) { continue }
                let parsed: FrameJSON.Line
                do {
                    parsed = try FrameJSON.parse(Data(line), defaultNumber: count)
                } catch {
                    throw TapeError(.invalidFrame, file: input, "line \(lineNumber): \(error)", remedy: "fix or remove the line")
                }
                switch parsed {
                case .header(let header):
                    guard writer == nil else {
                        throw TapeError(.invalidFrame, file: input, "line \(lineNumber): a header after the first line",
                                        remedy: "split the file: one header per tape")
                    }
                    writer = try TapeWriter(path: output, header: header)
                case .frame(let recorded):
                    if writer == nil {
                        writer = try TapeWriter(path: output, header: TapeHeader(venue: defaultVenue, wallClockStartNanoseconds: 0))
                    }
                    do {
                        try writer!.append(recorded.frame)
                    } catch {
                        throw TapeError(.invalidFrame, file: input, "line \(lineNumber): \(error.detail)", remedy: error.remedy)
                    }
                    count += 1
                }
            }
            if writer == nil {
                writer = try TapeWriter(path: output, header: TapeHeader(venue: defaultVenue, wallClockStartNanoseconds: 0))
            }
            try writer!.close()
        } catch {
            // Frames before the bad line are kept: the tape is closed, so it reads back cleanly.
            try? writer?.close()
            throw error
        }
        return count
    }
}
