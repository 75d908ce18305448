import ArgumentParser
import Foundation
import TapeCore
import TapeFormat

struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Summarise a tape: header, time span, frames and bytes, compression, gaps and damage.",
        discussion: """
            Every block is decompressed and checked (CRC-32), on all cores. Exit code 2 when damage \
            is found. With --repair, every intact frame is copied to a new tape (the original is \
            never modified), with an annotation frame where frames were lost.
            """
    )

    @Argument(help: "The tape file.")
    var file: String

    @Option(help: "Report silences longer than this many seconds.")
    var gap: Double = 5

    @Option(help: "Copy every intact frame to this new tape file (it must not exist).")
    var repair: String?

    func validate() throws {
        guard gap > 0 else { throw ValidationError("--gap must be a positive number of seconds") }
    }

    func run() throws {
        try reportingErrors {
            let reader = try TapeReader(path: file)
            let cores = ProcessInfo.processInfo.activeProcessorCount
            let damage = reader.verify(parallelism: cores)
            let statistics = try TapeStatistics.of(
                reader, gapThreshold: .init(nanoseconds: Int64(gap * 1e9)), parallelism: cores
            )
            var output = BufferedOutput()
            InspectReport(reader: reader, statistics: statistics, damage: damage).write(to: &output)
            output.flush()
            if let repair {
                let report = try TapeRepair.copyIntactFrames(of: reader, to: repair)
                print("repaired: \(report.framesCopied) frames copied to \(repair)")
            }
            if !damage.isEmpty { throw Exit.damaged }
        }
    }
}

/// The text `tape inspect` prints; sorted everywhere so the same tape prints the same bytes.
struct InspectReport {
    let reader: TapeReader
    let statistics: TapeStatistics
    let damage: [Damage]

    func write(to output: inout BufferedOutput) {
        let header = reader.header
        output.writeLine("tape       \(reader.name)")
        output.writeLine("format     \(header.version), written by \(header.toolVersion)")
        output.writeLine("venue      \(header.venue)")
        for endpoint in header.endpoints { output.writeLine("endpoint   \(endpoint)") }
        output.writeLine("started    \(header.wallClockStartDescription)")
        for (key, value) in header.labels.sorted(by: { $0.key < $1.key }) { output.writeLine("label      \(key)=\(value)") }
        writeSpan(to: &output)
        let total = statistics.total
        output.writeLine("frames     \(total.frames) in \(reader.blocks.count) blocks (index \(indexDescription))")
        let ratio = reader.fileLength > 0 ? Double(total.bytes) / Double(reader.fileLength) : 0
        output.writeLine("bytes      \(total.bytes) payload, \(reader.fileLength) on disk (compression \(String(format: "%.2f", ratio))x)")
        output.writeLine("")
        writeTable("connection", statistics.byConnection.sorted { $0.key < $1.key }.map { ($0.key.description, $0.value) }, to: &output)
        writeTable("direction", Direction.allCases.compactMap { d in statistics.byDirection[d].map { (d.description, $0) } }, to: &output)
        writeTable("kind", FrameKind.allCases.compactMap { k in statistics.byKind[k].map { (k.description, $0) } }, to: &output)
        writeGaps(to: &output)
        if damage.isEmpty {
            output.writeLine("damage     none")
        } else {
            output.writeLine("damage     \(damage.count) region(s); run 'tape inspect \(reader.name) --repair NEW.tape' to keep the rest")
            for region in damage { output.writeLine("  \(region)") }
        }
    }

    private var indexDescription: String {
        switch reader.indexStatus {
        case .present: "present"
        case .missing: "missing: the writer did not close the tape; blocks found by scanning"
        case .damaged(let reason): "damaged (\(reason)); blocks found by scanning"
        }
    }

    private func writeSpan(to output: inout BufferedOutput) {
        guard let first = statistics.firstTime, let last = statistics.lastTime else {
            output.writeLine("span       (no frames)")
            return
        }
        let length = last - first
        output.writeLine("span       \(first) s to \(last) s (\(String(format: "%.3f", length.seconds)) s), until \(reader.header.wallClockDescription(at: last.nanoseconds))")
    }

    private func writeTable(_ title: String, _ rows: [(String, TapeStatistics.Tally)], to output: inout BufferedOutput) {
        output.writeLine(pad(title, 12) + pad("frames", 12, left: true) + pad("bytes", 14, left: true))
        for (name, tally) in rows {
            output.writeLine(pad("  " + name, 12) + pad("\(tally.frames)", 12, left: true) + pad("\(tally.bytes)", 14, left: true))
        }
        output.writeLine("")
    }

    private func writeGaps(to output: inout BufferedOutput) {
        let threshold = String(format: "%g", statistics.gapThreshold.seconds)
        guard !statistics.gaps.isEmpty else {
            output.writeLine("gaps       none longer than \(threshold) s")
            return
        }
        output.writeLine("gaps       \(statistics.gaps.count) longer than \(threshold) s")
        for gap in statistics.gaps {
            output.writeLine("  \(gap.from) s to \(gap.to) s (\(String(format: "%.3f", gap.length.seconds)) s) before frame \(gap.afterFrame)")
        }
    }

    private func pad(_ text: String, _ width: Int, left: Bool = false) -> String {
        let fill = String(repeating: " ", count: max(0, width - text.count))
        return left ? fill + text : text + fill
    }
}
