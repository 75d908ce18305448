import ArgumentParser
import Foundation
import Interop
import TapeCore
import TapeFormat

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Turn a capture (JSON lines, hftbacktest, cryptofeed, pcap/pcapng) into a tape.",
        discussion: """
            Without --from the format is detected from the file's first bytes. jsonl reads what \
            'tape export' writes and rebuilds the same tape exactly. What cannot be imported (TLS or \
            non-WebSocket TCP streams, damaged lines, a file cut short) is listed on stderr and \
            skipped; the rest is imported. See docs/INTEROP.md.
            """
    )

    enum Source: String, ExpressibleByArgument, CaseIterable {
        case jsonl, hftbacktest, cryptofeed, pcap
    }

    @Argument(help: "The capture file.")
    var file: String

    @Option(help: "The capture's format: \(Source.allCases.map(\.rawValue).joined(separator: ", ")) (detected when omitted).")
    var from: Source?

    @Option(name: .shortAndLong, help: "The tape to write (it must not exist).")
    var output: String

    @Option(help: "The venue to name in the header when the capture does not say.")
    var venue: String = "unknown"

    @Option(help: ArgumentHelp(
        "Deflate level of the tape's blocks, 1 (fastest) to 12 (smallest).",
        discussion: "8, the default, keeps a tape within a few percent of gzip -6 of its payloads; 6 writes a large import faster, and a larger tape."))
    var compressionLevel: Int32 = TapeWriter.Options().compressionLevel

    func validate() throws {
        guard (1...12).contains(compressionLevel) else {
            throw ValidationError("--compression-level \(compressionLevel) is outside 1...12; \(TapeWriter.Options().compressionLevel) (the default) or 6 (faster) are usual")
        }
    }

    private var writerOptions: TapeWriter.Options {
        var options = TapeWriter.Options()
        options.compressionLevel = compressionLevel
        return options
    }

    func run() throws {
        try reportingErrors {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw TapeError(.cannotOpen, file: file, "cannot read the capture", remedy: "check the path and its permissions")
            }
            let bytes = [UInt8](data)
            guard let source = from ?? Self.detect(bytes) else {
                throw TapeError(.invalidFrame, file: file, "the capture's format is not recognised",
                                remedy: "name it with --from (\(Source.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            switch source {
            case .jsonl:
                let count = try JSONLinesImport.run(data: data, input: file, output: output, defaultVenue: venue, options: writerOptions)
                print("imported \(count) frames from JSON lines into \(output)")
            case .hftbacktest, .cryptofeed, .pcap:
                let format = CaptureFormat(rawValue: source.rawValue)!
                let report = try CaptureImport.run(bytes, format: format, input: file, output: output, venue: venue, options: writerOptions)
                for note in report.notes { printError("note: \(note)") }
                print("imported \(report.frames) frames from \(source.rawValue) into \(output) (\(report.notes.count) notes)")
            }
        }
    }

    static func detect(_ bytes: [UInt8]) -> Source? {
        if let format = CaptureFormat.detect(bytes: bytes) { return Source(rawValue: format.rawValue) }
        return bytes.first(where: { !$0.isASCIIWhitespace }) == UInt8(ascii: "{") ? .jsonl : nil
    }
}

extension UInt8 {
    fileprivate var isASCIIWhitespace: Bool { self == 0x20 || self == 0x0a || self == 0x0d || self == 0x09 }
}

/// Writes a foreign capture's frames to a new tape.
enum CaptureImport {
    struct Report {
        var frames: Int
        var notes: [ImportNote]
    }

    static func run(_ bytes: [UInt8], format: CaptureFormat, input: String, output: String, venue: String,
                    options: TapeWriter.Options) throws -> Report {
        let capture: ImportedCapture
        do {
            capture = try importCapture(bytes, format: format)
        } catch let error as InteropError {
            throw TapeError(.invalidFrame, file: input, offset: error.byteOffset, "cannot import: \(error.message)",
                            remedy: "check that the file is a \(format.rawValue) capture, or name another with --from")
        }
        let header = TapeHeader(
            venue: venue,
            endpoints: capture.endpoints.filter { !$0.isEmpty },
            wallClockStartNanoseconds: capture.wallClockStartNanoseconds ?? 0,
            labels: ["imported-from": format.rawValue, "source-file": URL(fileURLWithPath: input).lastPathComponent]
        )
        let writer = try TapeWriter(path: output, header: header, options: options)
        do {
            for frame in capture.frames { try writer.append(frame) }
            try writer.close()
        } catch {
            try? writer.close()
            throw error
        }
        return Report(frames: capture.frames.count, notes: capture.notes)
    }
}

/// Reads JSON lines into a new tape, line by line, with errors that name the line.
enum JSONLinesImport {
    static func run(data: Data, input: String, output: String, defaultVenue: String,
                    options: TapeWriter.Options) throws -> Int {
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
                    writer = try TapeWriter(path: output, header: header, options: options)
                case .frame(let recorded):
                    if writer == nil {
                        writer = try TapeWriter(path: output, header: TapeHeader(venue: defaultVenue, wallClockStartNanoseconds: 0), options: options)
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
                writer = try TapeWriter(path: output, header: TapeHeader(venue: defaultVenue, wallClockStartNanoseconds: 0), options: options)
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
