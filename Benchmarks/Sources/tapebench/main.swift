import BenchSupport
import Foundation
import Samples
import TapeCore
import TapeFormat

// tapebench [--megabytes 100] [--seek-gigabytes 1] [--folder DIR] [--block-kib 1024] [--level 9] [--rounds 5] [--keep]
// Prints every figure next to a baseline measured in the same run, on the same bytes.

/// Everything runs in one plain function: top-level code would be MainActor-isolated.
func runBenchmarks() throws {
    let arguments = Array(CommandLine.arguments.dropFirst())
    func option(_ name: String, default value: Double) -> Double {
        guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count, let parsed = Double(arguments[index + 1]) else {
            return value
        }
        return parsed
    }
    let targetMegabytes = option("--megabytes", default: 100)
    let seekGigabytes = option("--seek-gigabytes", default: 1)
    let folder = arguments.firstIndex(of: "--folder").map { arguments[$0 + 1] } ?? NSTemporaryDirectory() + "tapebench"
    if !arguments.contains("--keep") { try? FileManager.default.removeItem(atPath: folder) }
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let cores = ProcessInfo.processInfo.activeProcessorCount

    let header = TapeHeader(venue: "digitex", endpoints: [SyntheticSession.digitexURL, SyntheticSession.qfexURL],
                            wallClockStartNanoseconds: 1_597_739_258_241_000_000, labels: ["source": "tapebench"])

    // MARK: Data

    var session = SyntheticSession(seed: 42)
    var frames: [Frame] = []
    var payloadBytes = 0
    while payloadBytes < Int(targetMegabytes * 1e6) {
        let frame = session.next()
        payloadBytes += frame.payload.count
        frames.append(frame)
    }
    print("data: \(frames.count) synthetic Digitex/QFEX frames, \(format(megabytes(payloadBytes))) MB of payload, mean \(payloadBytes / frames.count) B; \(cores) cores")

    // MARK: Write

    let tapePath = folder + "/bench.tape"
    var writeOptions = TapeWriter.Options()
    writeOptions.blockSize = Int(option("--block-kib", default: 1024)) * 1024
    writeOptions.compressionLevel = Int32(option("--level", default: Double(writeOptions.compressionLevel)))
    let writeSeconds = try seconds {
        let writer = try TapeWriter(path: tapePath, header: header, options: writeOptions)
        for frame in frames { try writer.append(frame) }
        try writer.close()
    }
    let tapeBytes = try FileManager.default.attributesOfItem(atPath: tapePath)[.size] as! Int
    print("write: \(format(Double(frames.count) / writeSeconds / 1e3, 0)) k frames/s, \(format(megabytes(payloadBytes) / writeSeconds)) MB/s of payload (level \(writeOptions.compressionLevel), background compressor, append to close)")

    // MARK: Read

    let reader = try TapeReader(path: tapePath)
    let content = try Data(contentsOf: URL(fileURLWithPath: tapePath))
    let contentBytes = reader.blocks.reduce(0) { $0 + Int(content[($1.offset + $1.length - 4)...].withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }) }

    func readAll(parallelism: Int) throws -> Int {
        var count = 0
        var checksum = 0
        try reader.forEachFrame(parallelism: parallelism) { recorded in
            count += 1
            checksum &+= recorded.frame.payload.count &+ Int(recorded.frame.payload.last ?? 0)
        }
        precondition(count == frames.count, "read \(count) frames, wrote \(frames.count)")
        return checksum
    }

    func readViews(parallelism: Int) throws -> Int {
        var count = 0
        var checksum = 0
        try reader.forEachFrameView(parallelism: parallelism) { view in
            count += 1
            checksum &+= view.payload.count &+ Int(view.payload.last ?? 0)
        }
        precondition(count == frames.count, "read \(count) frames, wrote \(frames.count)")
        return checksum
    }

    let rounds = Int(option("--rounds", default: 5))
    let timings = try bestInterleaved(rounds: rounds, [
        { content.withUnsafeBytes { precondition(inflateAllBlocks(of: reader, file: $0) == contentBytes) } },
        { _ = try readViews(parallelism: 1) },
        { _ = try readViews(parallelism: cores) },
        // Decoding alone (inflate, CRC, frame lines), no frames handed out: where the cores go.
        { precondition(reader.verify(parallelism: 1).isEmpty) },
        { precondition(reader.verify(parallelism: cores).isEmpty) },
        { _ = try readAll(parallelism: 1) },
        { _ = try readAll(parallelism: cores) },
    ])
    let (inflateSeconds, viewOneSeconds, viewAllSeconds) = (timings[0], timings[1], timings[2])
    let (verifyOneSeconds, verifyAllSeconds, readOneSeconds, readAllSeconds) = (timings[3], timings[4], timings[5], timings[6])
    let zcatSeconds = try best(of: 3) { try shell("zcat '\(tapePath)' > /dev/null") }

    func rate(_ seconds: Double) -> String {
        "\(format(Double(frames.count) / seconds / 1e3, 0)) k frames/s, \(format(megabytes(contentBytes) / seconds, 0)) MB/s inflated"
    }
    print("best of \(rounds) interleaved rounds (each round runs every read below once)")
    print("baseline inflate loop (1 core, raw inflate only): \(rate(inflateSeconds))")
    print("baseline zcat > /dev/null:                        \(rate(zcatSeconds))")
    func compare(_ label: String, _ seconds: Double, target: String) {
        print("\(label)\(rate(seconds))  = \(format(inflateSeconds / seconds, 2))x inflate loop, \(format(zcatSeconds / seconds, 2))x zcat  (target \(target))")
    }
    compare("read views, 1 core:     ", viewOneSeconds, target: "≥ 0.8x inflate")
    compare("read views, \(cores) cores:    ", viewAllSeconds, target: "≥ 1.5x inflate")
    compare("decode only, 1 core:    ", verifyOneSeconds, target: "none; blocks checked, no frames handed out")
    compare("decode only, \(cores) cores:   ", verifyAllSeconds, target: "none; blocks checked, no frames handed out")
    compare("read Frames, 1 core:    ", readOneSeconds, target: "none; copies each payload")
    compare("read Frames, \(cores) cores:   ", readAllSeconds, target: "none; copies each payload")

    // MARK: Compression

    let rawPath = folder + "/payloads.raw"
    FileManager.default.createFile(atPath: rawPath, contents: nil)
    let rawHandle = FileHandle(forWritingAtPath: rawPath)!
    var chunk = [UInt8]()
    for frame in frames {
        chunk += frame.payload
        if chunk.count > 1 << 22 { rawHandle.write(Data(chunk)); chunk.removeAll(keepingCapacity: true) }
    }
    rawHandle.write(Data(chunk))
    try rawHandle.close()
    let gzipBytes = Int(try shell("gzip -6 -c '\(rawPath)' | wc -c").trimmingCharacters(in: .whitespacesAndNewlines))!
    print("ratio: tape \(format(Double(payloadBytes) / Double(tapeBytes), 2))x (\(tapeBytes) B), gzip -6 of the raw payloads \(format(Double(payloadBytes) / Double(gzipBytes), 2))x (\(gzipBytes) B): tape is \(format((Double(tapeBytes) / Double(gzipBytes) - 1) * 100))% larger (target ≤ 5%)")
    print("       the tape also stores per frame: ns receive time, direction, connection, kind, length")
    frames.removeAll()
    if !arguments.contains("--keep") { try? FileManager.default.removeItem(atPath: rawPath) }

    // MARK: Seek in a large tape

    if seekGigabytes > 0 {
        let bigPath = folder + "/big.tape"
        var options = TapeWriter.Options()
        options.compressionLevel = 1  // the seek does not depend on the level; level 1 builds the tape faster
        let target = Int(seekGigabytes * 1e9)
        var big = SyntheticSession(seed: 43)
        let buildSeconds = try seconds {
            let writer = try TapeWriter(path: bigPath, header: header, options: options)
            var written = 0
            options.onBlockWritten = nil
            while true {
                for _ in 0..<100_000 { try writer.append(big.next()) }
                written = (try FileManager.default.attributesOfItem(atPath: bigPath)[.size] as! Int)
                if written >= target { break }
            }
            try writer.close()
        }
        let bigBytes = try FileManager.default.attributesOfItem(atPath: bigPath)[.size] as! Int
        var bigReader: TapeReader!
        let openSeconds = try seconds { bigReader = try TapeReader(path: bigPath) }
        let lastTime = bigReader.blocks.last!.lastTime
        var generator = SeededRandom(seed: 5)
        var timings: [Double] = []
        for _ in 0..<200 {
            let time = Timestamp(nanoseconds: Int64(generator.next(below: UInt64(lastTime))))
            timings.append(try seconds {
                var cursor = bigReader.cursor(fromTime: time)
                let first = try cursor.next()
                precondition(first != nil && first!.frame.time >= time)
            })
        }
        timings.sort()
        print("seek: \(format(megabytes(bigBytes) / 1e3, 2)) GB tape, \(bigReader.frameCount) frames in \(bigReader.blocks.count) blocks (built in \(format(buildSeconds)) s)")
        print("      open (footer + index) \(format(openSeconds * 1e3, 2)) ms; seek to a random time and decode its frame: p50 \(format(timings[100] * 1e3, 2)) ms, max \(format(timings.last! * 1e3, 2)) ms (target < 10 ms)")
        try? FileManager.default.removeItem(atPath: bigPath)
    }
    if !arguments.contains("--keep") { try? FileManager.default.removeItem(atPath: folder) }
}

try runBenchmarks()
