import Foundation
import Interop
import TapeFormat

/// Usage: InteropThroughput FILE [FORMAT] [ROUNDS]
/// Prints MB/s (of the file as given, compressed for .gz) and frames/s of `importCapture`, and of a
/// baseline that only scans the same bytes for line ends (what `cat FILE | wc -l` does in memory), both
/// measured in this run. Compare with `time zcat FILE` / `time cat FILE` run beside it.
/// The package dependency is named after the checkout's directory (`wt-interop` here; `main` on main).
nonisolated func run() throws {
    let arguments = CommandLine.arguments
    guard arguments.count >= 2 else {
        print("usage: InteropThroughput FILE [hftbacktest|cryptofeed|pcap] [ROUNDS]")
        exit(2)
    }
    let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: arguments[1])))
    guard let format = arguments.count >= 3 && !arguments[2].isEmpty ? CaptureFormat(rawValue: arguments[2]) : CaptureFormat.detect(bytes: bytes) else {
        print("unknown format for \(arguments[1])")
        exit(2)
    }
    let rounds = arguments.count >= 4 ? Int(arguments[3]) ?? 20 : 20
    let clock = ContinuousClock()

    var newlines = 0
    let baseline = clock.measure {
        for _ in 0..<rounds {
            newlines = bytes.withUnsafeBufferPointer { buffer in
                var count = 0
                var start = 0
                while start < buffer.count, let found = memchr(buffer.baseAddress! + start, 0x0A, buffer.count - start) {
                    count += 1
                    start = buffer.baseAddress!.distance(to: found.assumingMemoryBound(to: UInt8.self)) + 1
                }
                return count
            }
        }
    }
    var frames = 0
    let imported = try clock.measure {
        for _ in 0..<rounds {
            frames = try importCapture(bytes, format: format).frames.count
        }
    }
    func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
    // The whole of `tape import`: parse, then write the tape (compressed on the writer's thread).
    let tapePath = NSTemporaryDirectory() + "interop-bench-\(getpid()).tape"
    defer { try? FileManager.default.removeItem(atPath: tapePath) }
    let importedAndWritten = try clock.measure {
        for _ in 0..<rounds {
            let capture = try importCapture(bytes, format: format)
            var options = TapeWriter.Options()
            options.overwrite = true
            let writer = try TapeWriter(path: tapePath, header: TapeHeader(venue: "bench", wallClockStartNanoseconds: 0), options: options)
            for frame in capture.frames { try writer.append(frame) }
            try writer.close()
        }
    }
    // `cat` (or `zcat` for gzip input) of the same file, the same number of times, in this run; it
    // includes starting the process each time, which the in-process figures do not pay.
    let tool = bytes.starts(with: [0x1f, 0x8b]) ? "zcat" : "cat"
    let quoted = "'" + arguments[1].replacingOccurrences(of: "'", with: "'\\''") + "'"
    let shell = Process()
    shell.executableURL = URL(fileURLWithPath: "/bin/sh")
    shell.arguments = ["-c", "for i in $(seq \(rounds)); do \(tool) \(quoted) > /dev/null; done"]
    let toolTime = try clock.measure {
        try shell.run()
        shell.waitUntilExit()
    }
    let megabytes = Double(bytes.count * rounds) / 1e6
    print("\(arguments[1]) (\(format), \(bytes.count) bytes, \(rounds) rounds)")
    print(String(format: "  %@ > /dev/null:     %8.1f MB/s  (process start-up included)", tool, megabytes / seconds(toolTime)))
    print(String(format: "  import + tape write: %8.1f MB/s", megabytes / seconds(importedAndWritten)))
    print(String(format: "  line scan baseline: %8.1f MB/s  (%d lines)", megabytes / seconds(baseline), newlines))
    print(String(format: "  importCapture:      %8.1f MB/s  %10.0f frames/s  (%d frames)", megabytes / seconds(imported),
                 Double(frames * rounds) / seconds(imported), frames))
}

try run()
