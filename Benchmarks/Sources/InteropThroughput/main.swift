import Foundation
import Interop

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
    let megabytes = Double(bytes.count * rounds) / 1e6
    print("\(arguments[1]) (\(format), \(bytes.count) bytes, \(rounds) rounds)")
    print(String(format: "  line scan baseline: %8.1f MB/s  (%d lines)", megabytes / seconds(baseline), newlines))
    print(String(format: "  importCapture:      %8.1f MB/s  %10.0f frames/s  (%d frames)", megabytes / seconds(imported),
                 Double(frames * rounds) / seconds(imported), frames))
}

try run()
