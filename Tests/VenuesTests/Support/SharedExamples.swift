import Foundation
import TapeCore
import Testing

/// Reads the venues' documented example messages from `../shared/venues/<venue>/`.
enum SharedExamples {
    /// The repository root: the nearest folder above this file that holds Package.swift.
    static let repositoryRoot: URL = {
        var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
            let parent = url.deletingLastPathComponent()
            precondition(parent.path != url.path, "no Package.swift above \(#filePath)")
            url = parent
        }
        return url
    }()

    static let venuesFolder = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/venues")

    /// The non-empty lines of a JSON-lines example file, as bytes.
    static func lines(_ venue: String, _ file: String) throws -> [[UInt8]] {
        let url = venuesFolder.appendingPathComponent(venue).appendingPathComponent(file)
        let text = try String(contentsOf: url, encoding: .utf8)
        return text.split(separator: "\n").map { Array($0.utf8) }.filter { !$0.isEmpty }
    }

    /// Every example line of a venue with the file it is from, files sorted by name: what tests
    /// that hold a decoder to all of a venue's documented messages walk.
    static func allLines(_ venue: String) throws -> [(file: String, line: [UInt8])] {
        try files(venue).flatMap { file in try lines(venue, file).map { (file, $0) } }
    }

    /// Every `.jsonl` file of a venue, sorted by name.
    static func files(_ venue: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: venuesFolder.appendingPathComponent(venue).path)
            .filter { $0.hasSuffix(".jsonl") }.sorted()
    }

    static func text(_ venue: String, _ file: String) throws -> String {
        try String(contentsOf: venuesFolder.appendingPathComponent(venue).appendingPathComponent(file), encoding: .utf8)
    }
}

/// Byte-level mutations that keep some structure, so that many mutants still parse and reach
/// the state machine instead of all dying in the scanner.
enum Mutator {
    /// Mutants per venue: 2,000 by default (the default run is a debug build on 2 shared cores);
    /// `TAPEDECK_MUTATIONS=200000 swift test -c release …` for a deep run with the same seeds.
    static let rounds = ProcessInfo.processInfo.environment["TAPEDECK_MUTATIONS"].flatMap(Int.init) ?? 2_000

    /// A test's fixed seed, or another fixed one with `TAPEDECK_MUTATION_SEED=n` (still reproducible).
    static func seed(_ base: UInt64) -> UInt64 {
        base ^ (ProcessInfo.processInfo.environment["TAPEDECK_MUTATION_SEED"].flatMap(UInt64.init) ?? 0)
    }

    static func mutate(_ input: [UInt8], using random: inout SeededRandom) -> [UInt8] {
        var bytes = input
        guard !bytes.isEmpty else { return [UInt8(ascii: "{")] }
        let position = Int(random.next() % UInt64(bytes.count))
        switch random.next() % 8 {
        case 0:  // flip a bit
            bytes[position] ^= UInt8(1 << (random.next() % 8))
        case 1:  // delete a run
            let length = min(bytes.count - position, Int(random.next() % 8) + 1)
            bytes.removeSubrange(position..<(position + length))
        case 2:  // change a digit (keeps JSON valid most of the time)
            if let digit = bytes.indices.filter({ bytes[$0] >= 0x30 && bytes[$0] <= 0x39 }).randomElement(using: &random) {
                bytes[digit] = UInt8(0x30 + random.next() % 10)
            }
        case 3:  // put a minus sign before a number
            if let digit = bytes.indices.filter({ bytes[$0] >= 0x31 && bytes[$0] <= 0x39 && bytes[$0 - 1] == UInt8(ascii: ":") }).randomElement(using: &random) {
                bytes.insert(UInt8(ascii: "-"), at: digit)
            }
        case 4:  // swap one string value for another of the same frame
            let quotes = bytes.indices.filter { bytes[$0] == UInt8(ascii: "\"") }
            if quotes.count >= 4 {
                let pair = Int(random.next() % UInt64(quotes.count / 2)) * 2
                let start = quotes[pair] + 1, end = quotes[pair + 1]
                bytes.replaceSubrange(start..<end, with: Array("X".utf8) + bytes[start..<end].reversed())
            }
        case 5:  // truncate
            bytes.removeSubrange(position...)
        case 6:  // duplicate a run
            let length = min(bytes.count - position, Int(random.next() % 16) + 1)
            bytes.insert(contentsOf: bytes[position..<(position + length)], at: position)
        default:  // huge number
            if let digit = bytes.indices.filter({ bytes[$0] >= 0x30 && bytes[$0] <= 0x39 }).randomElement(using: &random) {
                bytes.insert(contentsOf: Array("99999999999999999999".utf8), at: digit)
            }
        }
        return bytes
    }
}

/// The mutation test every one-pass decoder (`…Shortcuts`) gets: mutants of `seeds` (one to three
/// mutations each, at least 10,000) must each be read as the general path reads them, or declined.
enum ShortcutMutations {
    /// Records the first disagreement as an issue; returns how many mutants the shortcut read
    /// (most should: a test expects many, or the mutants never reached it).
    static func run(
        _ seeds: [[UInt8]], seed: UInt64, disagreement: ([UInt8]) -> String?, isRead: ([UInt8]) -> Bool
    ) -> Int {
        var random = SeededRandom(seed: Mutator.seed(seed))
        var read = 0
        for round in 0..<max(Mutator.rounds, 10_000) {
            var frame = seeds[round % seeds.count]
            for _ in 0...(random.next() % 3) { frame = Mutator.mutate(frame, using: &random) }
            if let problem = disagreement(frame) {
                Issue.record("round \(round): \(problem)")
                return read
            }
            if isRead(frame) { read += 1 }
        }
        return read
    }
}
