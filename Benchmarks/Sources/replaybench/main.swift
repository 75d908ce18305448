import BenchSupport
import Foundation
import Replay
import Samples
import TapeCore
import Venues
import TapeFormat

// Replay throughput per venue client against the raw read rate of the same tape, measured in the
// same run; go-to-frame time on a long synthetic Digitex tape with checkpoints; peak memory.
//
// Usage: replaybench [--frames 1000000] [--long-frames 10000000] [--jumps 20] [--checkpoint-every 10000]
//                    [--skip-long] [--simulated-only] [--keep-tapes] [--reuse-tapes] [--scratch DIR]
//        replaybench --child-replay TAPE [--digest] [--parallelism N]
// `--simulated-only` skips the cycled venue tapes and the long tape; `--keep-tapes` leaves the
// venue tapes and the simulated ones in the scratch directory, to profile `--child-replay` on them
// (one replay in this process, with the digest if asked); `--reuse-tapes` reads the simulated tapes
// kept there instead of generating them again.

struct Options {
    var frames = 1_000_000
    var longFrames = 10_000_000
    var jumps = 20
    var checkpointEvery = 10_000
    var skipLong = false
    var simulatedOnly = false
    var keepTapes = false
    /// Read the simulated tapes a run with `keepTapes` left in the scratch directory, instead of generating them.
    var reuseTapes = false
    var digest = false
    /// `--child-replay`'s `ReplayConfiguration.parallelism`.
    var parallelism = 1
    /// Internal: replay this tape in a fresh process and report rate and memory.
    var childReplay: String?
    /// Internal: step through this tape in a fresh process (checkpoints, jumps) and report.
    var childStep: String?
    var scratch = FileManager.default.temporaryDirectory.appendingPathComponent("replaybench").path

    init(_ arguments: [String]) throws {
        var index = 0
        func value() throws -> String {
            index += 1
            guard index < arguments.count else { throw BenchError("\(arguments[index - 1]) needs a value") }
            return arguments[index]
        }
        while index < arguments.count {
            switch arguments[index] {
            case "--frames": frames = Int(try value()) ?? frames
            case "--long-frames": longFrames = Int(try value()) ?? longFrames
            case "--jumps": jumps = Int(try value()) ?? jumps
            case "--checkpoint-every": checkpointEvery = Int(try value()) ?? checkpointEvery
            case "--skip-long": skipLong = true
            case "--simulated-only": simulatedOnly = true
            case "--keep-tapes": keepTapes = true
            case "--reuse-tapes": reuseTapes = true
            case "--digest": digest = true
            case "--parallelism": parallelism = Int(try value()) ?? parallelism
            case "--child-replay": childReplay = try value()
            case "--child-step": childStep = try value()
            case "--scratch": scratch = try value()
            default: throw BenchError("unknown option \(arguments[index])")
            }
            index += 1
        }
    }
}

/// A field of /proc/self/status in kB (VmHWM: peak resident set; RssAnon: current heap and stacks).
func status(_ field: String) -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return -1 }
    for line in text.split(separator: "\n") where line.hasPrefix(field + ":") {
        return Int(line.split(separator: " ").dropFirst().first { Int($0) != nil } ?? "") ?? -1
    }
    return -1
}

func memoryLine(_ label: String) -> String {
    "memory \(label): VmHWM \(format(Double(status("VmHWM")) / 1024)) MiB, RssAnon \(format(Double(status("RssAnon")) / 1024)) MiB, RssFile \(format(Double(status("RssFile")) / 1024)) MiB"
}

/// The repository's `../shared/venues/<venue>/` example lines (inbound only: requests dropped).
func exampleLines(_ venue: VenueName, repository: URL) throws -> [[UInt8]] {
    let folder = repository.deletingLastPathComponent().appendingPathComponent("shared/venues/\(venue.rawValue)")
    var lines: [[UInt8]] = []
    for file in try FileManager.default.contentsOfDirectory(atPath: folder.path).filter({ $0.hasSuffix(".jsonl") }).sorted() {
        let data = try Data(contentsOf: folder.appendingPathComponent(file))
        lines += data.split(separator: UInt8(ascii: "\n")).map { Array($0) }.filter { !$0.isEmpty && !venue.isRequest($0) }
    }
    return lines
}

/// Digitex market data: the documented orderbook_5 and trades pushes, alternating.
func digitexMarketLines(repository: URL) throws -> [[UInt8]] {
    let data = try Data(contentsOf: repository.deletingLastPathComponent().appendingPathComponent("shared/venues/digitex/public_channel_pushes.jsonl"))
    let lines = data.split(separator: UInt8(ascii: "\n")).map { Array($0) }
    let book = lines.first { String(decoding: $0, as: UTF8.self).hasPrefix(#"{"ch":"orderbook_5""#) }!
    let trades = lines.first { String(decoding: $0, as: UTF8.self).hasPrefix(#"{"ch":"trades""#) }!
    return [book, book, book, trades]
}

/// Writes a tape of `count` inbound frames cycling through `lines`, 1 ms apart, after an `opened` frame.
func writeTape(_ path: String, venue: VenueName, lines: [[UInt8]], count: Int) throws {
    var options = TapeWriter.Options()
    options.overwrite = true
    let writer = try TapeWriter(path: path, header: TapeHeader(venue: venue.rawValue, wallClockStartNanoseconds: 0), options: options)
    try writer.append(Frame(time: .zero, direction: .outbound, connection: ConnectionID(0), kind: .opened, payload: []))
    for index in 1..<count {
        try writer.append(Frame(time: .milliseconds(Int64(index)), direction: .inbound, connection: ConnectionID(0), kind: .text,
                                payload: lines[index % lines.count]))
    }
    try writer.close()
}

/// Frames per second of the raw read (`forEachFrameView`, touching every payload byte's length).
func rawRate(_ reader: TapeReader) throws -> Double {
    var total = 0
    let time = try best(of: 3) {
        total = 0
        try reader.forEachFrameView { view in total &+= view.payload.count }
    }
    return Double(reader.frameCount) / time
}

/// Frames per second of the bare client loop (`handle` on frames already in memory): what the
/// venue client alone costs, without reading, the clock or the engine.
func clientRate(_ reader: TapeReader, venue: VenueName) throws -> Double {
    // At most 200,000 frames in memory: the baseline must not need the whole tape in RAM.
    var frames: [Frame] = []
    let count = min(reader.frameCount, 200_000)
    frames.reserveCapacity(count)
    try reader.forEachFrame { if $0.number < count { frames.append($0.frame) } }
    var actions = 0
    let time = best(of: 3) {
        var session = ReplaySession(venue: venue, symbols: symbols(reader.header, venue))
        session.apply(frames[0], number: 0) { _ in }
        var client = session.client(of: ConnectionID(0))!
        for frame in frames.dropFirst() { actions &+= client.handle(frame).count }
    }
    precondition(actions > 0, "the client produced no actions")
    return Double(frames.count - 1) / time
}

/// The instruments a replay of the tape gives its client: the header's `symbols` label, else the venue's examples'.
func symbols(_ header: TapeHeader, _ venue: VenueName) -> [String] {
    header.labels["symbols"].map { $0.split(separator: ",").map(String.init) } ?? venue.defaultSymbols
}

/// Measures one tape (raw read, bare client, replay, replay with digest), prints its table row and
/// returns the raw read rate.
@discardableResult
func printRates(of reader: TapeReader, venue: VenueName) throws -> Double {
    let raw = try rawRate(reader)
    let client = try clientRate(reader, venue: venue)
    let replay = try replayRate(reader, digest: false)
    let digested = try replayRate(reader, digest: true)
    print(venue.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0),
          (format(raw / 1e3, 0) + " k/s").leftPadded(28),
          (format(client / 1e3, 0) + " k/s").leftPadded(13),
          (format(replay.rate / 1e3, 0) + " k/s").leftPadded(8), format(replay.rate / raw, 2).leftPadded(14),
          (format(digested.rate / 1e3, 0) + " k/s").leftPadded(15), format(digested.rate / raw, 2).leftPadded(14),
          String(replay.events).leftPadded(8))
    return raw
}

func replayRate(_ reader: TapeReader, digest: Bool, readThreads: Int = 1) throws -> (rate: Double, events: Int) {
    var events = 0
    // The digest runs are slow where events take the reflective encoder: one run is enough there.
    let time = try best(of: digest ? 1 : 3) {
        let result = try Replayer.run(reader: reader, configuration: ReplayConfiguration(parallelism: readThreads), digest: digest)
        events = result.session.eventCount
    }
    return (Double(reader.frameCount) / time, events)
}

/// Writes a line at once (unbuffered), so a long run shows its progress in a log.
func print(_ items: String..., separator: String = " ") {
    FileHandle.standardOutput.write(Data((items.joined(separator: separator) + "\n").utf8))
}

/// The options, or a usage message and exit 64 for a wrong flag (not a Swift error and a backtrace).
let options: Options = {
    do {
        return try Options(Array(CommandLine.arguments.dropFirst()))
    } catch {
        FileHandle.standardError.write(Data("""
            replaybench: \(error)
            usage: replaybench [--frames N] [--long-frames N] [--jumps N] [--checkpoint-every N] [--skip-long]
                               [--simulated-only] [--keep-tapes] [--reuse-tapes] [--scratch DIR]
                   replaybench --child-replay TAPE [--digest] [--parallelism N]

            """.utf8))
        exit(64)
    }
}()

/// Runs this executable again with `arguments` and returns its output (a fresh process, so its
/// peak memory is its own).
func child(_ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { throw BenchError("child \(arguments) exited with \(process.terminationStatus)") }
    return String(decoding: data, as: UTF8.self)
}

if let path = options.childReplay {
    let reader = try TapeReader(path: path)
    var replayed = 0
    let time = try seconds { replayed = try Replayer.run(
        reader: reader, configuration: ReplayConfiguration(parallelism: options.parallelism), digest: options.digest).session.framesApplied }
    print("replay\(options.digest ? " with the digest" : "") of \(replayed) frames in \(format(time)) s (\(format(Double(replayed) / time / 1e3, 0)) k frames/s); \(memoryLine("peak"))")
    exit(0)
}

if let path = options.childStep {
    let reader = try TapeReader(path: path)
    var debugger = try StepDebugger(reader: reader, checkpointInterval: options.checkpointEvery)
    let passTime = try seconds { try debugger.go(toFrame: reader.frameCount - 1) }
    print("step: first pass over \(reader.frameCount) frames taking \(debugger.checkpointCount) checkpoints (every \(options.checkpointEvery)) in \(format(passTime)) s")
    var random = SeededRandom(seed: 2026)
    var times: [Double] = []
    for _ in 0..<options.jumps {
        let target = Int(random.next() % UInt64(reader.frameCount))
        times.append(try seconds { try debugger.go(toFrame: target) } * 1e3)
    }
    let sorted = times.sorted()
    print("step: go to a random frame (\(options.jumps) seeded jumps): median \(format(sorted[sorted.count / 2], 1)) ms, max \(format(sorted.last!, 1)) ms")
    var back: [Double] = []
    for _ in 0..<options.jumps { back.append(try seconds { _ = try debugger.execute(.previous(1)) } * 1e3) }
    let backSorted = back.sorted()
    print("step: previous (re-run from the checkpoint): median \(format(backSorted[backSorted.count / 2], 1)) ms, max \(format(backSorted.last!, 1)) ms")
    print("step: " + memoryLine("peak with checkpoints"))
    exit(0)
}

let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()
try FileManager.default.createDirectory(atPath: options.scratch, withIntermediateDirectories: true)
print("replaybench: \(options.frames) frames per venue tape (the bare client: the first 200,000 in memory), release build, one replay thread, best of 3 (replay+digest: 1 run)")
print("venue      raw read (forEachFrameView)   bare client   replay   ratio to raw   replay+digest   ratio to raw   events")
for venue in VenueName.allCases where !options.simulatedOnly {
    let path = options.scratch + "/\(venue.rawValue).tape"
    let lines = venue == .digitex ? try digitexMarketLines(repository: repository) : try exampleLines(venue, repository: repository)
    try writeTape(path, venue: venue, lines: lines, count: options.frames)
    try printRates(of: TapeReader(path: path), venue: venue)
    if !options.keepTapes { try? FileManager.default.removeItem(atPath: path) }
}

// The tapes above cycle a venue's documented examples: deflate finds each frame again in its
// window, so they read far faster than real traffic. A simulated session moves its prices, sizes
// and times, and gives the baseline a tape compresses to in practice.
print("simulated sessions (\(options.frames) frames each; market data, and for Notional, which has no public feed, an account's pushes):")
for venue in SimulatedTape.venues {
    let path = options.scratch + "/\(venue.rawValue)-simulated.tape"
    let reused = options.reuseTapes && FileManager.default.fileExists(atPath: path)
    let generation = reused ? 0 : try seconds { try SimulatedTape.write(venue, path: path, count: options.frames) }
    let reader = try TapeReader(path: path)
    try printRates(of: reader, venue: venue)
    // The ratios, again in interleaved rounds: a figure and its baseline from the same stretches of
    // time (the host's speed drifts by tens of percent within a minute).
    var sink = 0
    let times = try bestInterleaved(rounds: 5, [
        { try reader.forEachFrameView { sink &+= $0.payload.count } },
        { _ = try Replayer.run(reader: reader, configuration: ReplayConfiguration(parallelism: 1), digest: false) },
        { _ = try Replayer.run(reader: reader, configuration: ReplayConfiguration(parallelism: 2), digest: false) },
    ])
    let (raw, replay, ahead) = (Double(reader.frameCount) / times[0], Double(reader.frameCount) / times[1], Double(reader.frameCount) / times[2])
    print("  \(format(Double(reader.fileLength) / 1e6)) MB, " + (reused ? "reused" : "generated in \(format(generation)) s") + "; best of 5 interleaved rounds: raw \(format(raw / 1e3, 0)) k/s, "
        + "replay \(format(replay / 1e3, 0)) k/s = \(format(replay / raw, 2)) raw, with blocks decoded ahead on a second thread (as `tape replay`) \(format(ahead / 1e3, 0)) k/s = \(format(ahead / raw, 2)) raw (\(sink % 2))")
    if options.keepTapes { print("  kept: \(path)") } else { try? FileManager.default.removeItem(atPath: path) }
}

if !options.skipLong && !options.simulatedOnly {
    let lines = try digitexMarketLines(repository: repository)
    let short = options.scratch + "/short.tape"
    let long = options.scratch + "/long.tape"
    let shortCount = max(1, options.longFrames / 10)
    try writeTape(short, venue: .digitex, lines: lines, count: shortCount)
    let writeTime = try seconds { try writeTape(long, venue: .digitex, lines: lines, count: options.longFrames) }
    let size = try TapeReader(path: long).fileLength
    print("long tape: \(options.longFrames) Digitex orderbook_5/trades frames, \(format(Double(size) / 1e6)) MB, written in \(format(writeTime)) s")
    print("memory, each replay in a fresh process (peak memory should not grow with the tape):")
    print("  \(shortCount) frames: " + (try child(["--child-replay", short])).trimmingCharacters(in: .newlines))
    print("  \(options.longFrames) frames: " + (try child(["--child-replay", long])).trimmingCharacters(in: .newlines))
    print(try child(["--child-step", long, "--checkpoint-every", String(options.checkpointEvery), "--jumps", String(options.jumps)])
        .trimmingCharacters(in: .newlines))
    try? FileManager.default.removeItem(atPath: short)
    try? FileManager.default.removeItem(atPath: long)
}

extension String {
    func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}
