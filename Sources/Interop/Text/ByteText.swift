#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Byte-level helpers for the line formats: finding line ends and reading numbers without
/// building Strings (the hot path of an import is one pass over the bytes).
enum ByteText {
    static let newline = UInt8(ascii: "\n")
    static let space = UInt8(ascii: " ")
    static let colon = UInt8(ascii: ":")
    static let dot = UInt8(ascii: ".")

    /// Index of the next `\n` at or after `start`, or `end` when there is none.
    static func lineEnd(in buffer: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Int {
        guard start < end, let base = buffer.baseAddress else { return end }
        guard let found = memchr(base + start, Int32(newline), end - start) else { return end }
        return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
    }

    static func isDigit(_ byte: UInt8) -> Bool {
        byte &- UInt8(ascii: "0") < 10
    }

    /// Reads an unsigned decimal integer at `start`; nil when there is no digit or it overflows Int64.
    static func unsignedInteger(
        in buffer: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int
    ) -> (value: Int64, end: Int)? {
        var index = start
        var value: Int64 = 0
        while index < end, isDigit(buffer[index]) {
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(Int64(buffer[index] &- UInt8(ascii: "0")))
            if overflow1 || overflow2 { return nil }
            value = sum
            index += 1
        }
        return index == start ? nil : (value, index)
    }

    /// Reads `seconds[.fraction]` as exact nanoseconds from the decimal digits (no binary floating point).
    ///
    /// Digits past the ninth decimal are dropped (`droppedPrecision` is then true). Nil when the
    /// text is not a decimal number or the value does not fit in Int64 nanoseconds.
    static func decimalSeconds(
        in buffer: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int
    ) -> (nanoseconds: Int64, end: Int, droppedPrecision: Bool)? {
        guard let (seconds, afterSeconds) = unsignedInteger(in: buffer, from: start, to: end) else { return nil }
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return nil }
        guard afterSeconds < end, buffer[afterSeconds] == dot else { return (whole, afterSeconds, false) }
        var index = afterSeconds + 1
        var fraction: Int64 = 0
        var digits = 0
        var dropped = false
        while index < end, isDigit(buffer[index]) {
            if digits < 9 {
                fraction = fraction * 10 + Int64(buffer[index] &- UInt8(ascii: "0"))
                digits += 1
            } else if buffer[index] != UInt8(ascii: "0") {
                dropped = true
            }
            index += 1
        }
        guard index > afterSeconds + 1 else { return nil }
        for _ in digits..<9 { fraction *= 10 }
        return (whole + fraction, index, dropped)
    }

    /// True when the bytes at `start` are exactly `literal`.
    static func hasPrefix(
        _ literal: StaticString, in buffer: UnsafeBufferPointer<UInt8>, at start: Int, end: Int
    ) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard end - start >= count else { return false }
        let pointer = literal.utf8Start
        for offset in 0..<count where buffer[start + offset] != pointer[offset] {
            return false
        }
        return true
    }
}

extension Timeline {
    /// Walks the lines of a text capture whose writer ends every line with `\n`: `body` gets the
    /// bounds of each non-empty line (without its line end); a last line without one is noted as
    /// cut short and skipped; empty lines are counted and noted once, after the walk.
    mutating func forEachLine(
        in buffer: UnsafeBufferPointer<UInt8>,
        _ body: (inout Timeline, _ start: Int, _ end: Int) -> Void
    ) {
        let end = buffer.count
        var start = 0
        var blankLines = 0
        while start < end {
            let lineEnd = ByteText.lineEnd(in: buffer, from: start, to: end)
            defer { start = lineEnd + 1 }
            if lineEnd == end {
                note(ImportNote(
                    .truncated, byteOffset: start,
                    message: "the last line (\(end - start) bytes) has no line end: the file was cut short; the line was skipped"
                ))
                break
            }
            if lineEnd == start {
                blankLines += 1
                continue
            }
            body(&self, start, lineEnd)
        }
        if blankLines > 0 {
            note(ImportNote(.blankLines, message: "\(blankLines) empty lines skipped"))
        }
    }
}
