import ArgumentParser
import TapeCore
import TapeNet

/// The options `tape record` and `tape proxy` share: where the tape goes, when to stop, TLS trust,
/// redaction.
struct RecordingOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: "The tape to write (it must not exist).")
    var output: String

    @Option(help: "A PEM file of extra CA certificates to trust for the venue (a private CA, a simulator).")
    var caFile: String?

    @Option(help: "Stop after this many seconds.")
    var duration: Double?

    @Flag(help: "Record secrets as they are (prints a warning).")
    var noRedact = false

    @Flag(help: "Print 'flushed frames A-B' on stdout each time a block is safely on disk.")
    var logFlushes = false

    @Option(help: "Start a new part when the current one reaches this size on disk: bytes, or with K, M or G (KiB, MiB, GiB), like 64M.")
    var rotateSize: String?

    @Option(help: "Start a new part this long after the current one began: seconds, or with s, m, h or d, like 10m or 1h.")
    var rotateEvery: String?

    func validate() throws {
        if let duration, duration <= 0 { throw ValidationError("--duration must be positive") }
        if let rotateSize, Self.bytes(rotateSize) == nil {
            throw ValidationError("--rotate-size takes a positive size like 1048576, 512K, 64M or 2G, not '\(rotateSize)'")
        }
        if let rotateEvery, Self.duration(rotateEvery) == nil {
            throw ValidationError("--rotate-every takes a positive duration like 90, 30s, 10m, 1h or 1d, not '\(rotateEvery)'")
        }
    }

    /// The rotation asked for (none by default). Parts are named by `TapeRecorder.Rotation.partPath`.
    var rotation: TapeRecorder.Rotation {
        TapeRecorder.Rotation(sizeBytesMax: rotateSize.flatMap(Self.bytes), every: rotateEvery.flatMap(Self.duration))
    }

    /// "64M" → 67108864; K, M and G are powers of 1024; nil unless positive.
    static func bytes(_ text: String) -> Int? {
        let units: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30]
        var digits = text.uppercased()
        var scale = 1
        if let last = digits.last, let unit = units[last] {
            scale = unit
            digits.removeLast()
        }
        guard let count = Int(digits), count > 0, count <= Int.max / scale else { return nil }
        return count * scale
    }

    /// "10m" → 600 s; s, m, h and d; a bare number is seconds; nil unless positive.
    static func duration(_ text: String) -> Timestamp.Duration? {
        let units: [Character: Int64] = ["s": 1, "m": 60, "h": 3_600, "d": 86_400]
        var digits = text.lowercased()
        var scale: Int64 = 1
        if let last = digits.last, let unit = units[last] {
            scale = unit
            digits.removeLast()
        }
        guard let count = Int64(digits), count > 0, count <= Int64.max / 1_000_000_000 / scale else { return nil }
        return .seconds(count * scale)
    }
}
