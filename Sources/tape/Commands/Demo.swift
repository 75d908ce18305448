import ArgumentParser
import Foundation
import Samples
import TapeCore
import TapeFormat

struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a demo tape of a synthetic Digitex + QFEX session, then inspect it.",
        discussion: """
            The session is generated deterministically from --seed (same seed, same tape, byte for \
            byte). It stands in for a recording until 'tape record' and the venue simulators land. \
            The demo tape is the one file this command replaces on every run.
            """
    )

    @Option(help: "Frames to write.")
    var frames: Int = 20_000

    @Option(help: "Seed of the synthetic session.")
    var seed: UInt64 = 7

    @Option(name: .shortAndLong, help: "Where to write the demo tape.")
    var output: String = "demo/tapedeck-demo.tape"

    func validate() throws {
        guard frames > 0 else { throw ValidationError("--frames must be positive") }
    }

    func run() throws {
        try reportingErrors {
            let folder = URL(fileURLWithPath: output).deletingLastPathComponent()
            try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            var options = TapeWriter.Options()
            options.overwrite = true
            let header = TapeHeader(
                venue: "digitex",
                endpoints: [SyntheticSession.digitexURL, SyntheticSession.qfexURL],
                wallClockStartNanoseconds: 1_597_739_258_241_000_000,
                labels: ["source": "tape demo (synthetic)", "seed": "\(seed)"]
            )
            let writer = try TapeWriter(path: output, header: header, options: options)
            var session = SyntheticSession(seed: seed)
            for _ in 0..<frames {
                try writer.append(session.next())
            }
            try writer.close()

            let reader = try TapeReader(path: output)
            let statistics = try TapeStatistics.of(reader, gapThreshold: .seconds(1), parallelism: 2)
            var out = BufferedOutput()
            InspectReport(reader: reader, statistics: statistics, damage: reader.verify()).write(to: &out)
            out.writeLine("")
            out.writeLine("first frames:")
            var cursor = reader.cursor()
            for _ in 0..<8 {
                guard let recorded = try cursor.next() else { break }
                out.writeLine(String(FrameText.line(for: recorded).prefix(160)))
            }
            out.writeLine("")
            out.writeLine("tape written to \(output)")
            out.writeLine("next: tape cat \(output) --kind text --contains orderFilled --limit 3")
            out.writeLine("      zcat \(output) | head")
            out.flush()
        }
    }
}
