import Foundation

/// Seconds taken by `body`, on the monotonic clock (benchmarks are the one place that reads it).
public func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = ContinuousClock.now
    try body()
    let elapsed = start.duration(to: .now)
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

/// The best of `runs` timings: the least disturbed by other work on a shared machine.
public func best(of runs: Int, _ body: () throws -> Void) rethrows -> Double {
    var fastest = Double.infinity
    for _ in 0..<runs {
        fastest = min(fastest, try seconds(body))
    }
    return fastest
}

/// The best timing of each measure over `rounds` rounds that run every measure once, in turn.
///
/// Interleaving keeps a figure and its baseline in the same stretches of time: on a shared host
/// the machine's speed drifts by tens of percent over a minute, which back-to-back best-of-N runs
/// turn into a false ratio.
public func bestInterleaved(rounds: Int, _ measures: [() throws -> Void]) throws -> [Double] {
    var fastest = [Double](repeating: .infinity, count: measures.count)
    for _ in 0..<rounds {
        for (index, measure) in measures.enumerated() {
            fastest[index] = min(fastest[index], try seconds(measure))
        }
    }
    return fastest
}

public func megabytes(_ bytes: Int) -> Double { Double(bytes) / 1e6 }

public func format(_ value: Double, _ decimals: Int = 1) -> String { String(format: "%.\(decimals)f", value) }

/// Runs a shell command line and returns its standard output.
@discardableResult
public func shell(_ command: String) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", command]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        throw BenchError("'\(command)' exited with \(process.terminationStatus)")
    }
    return String(decoding: data, as: UTF8.self)
}

public struct BenchError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Resident memory of this process now (VmRSS), in KiB.
public func residentKiB() -> Int {
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
    return Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
}
