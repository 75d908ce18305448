import TapeCore

/// The text layout of one frame inside a block, chosen so that `zcat` of a tape reads well:
///
///     <seconds>.<9 digits> <in|out> c<connection> <kind> <payload length>\n<payload bytes>\n
///
/// The length makes any payload (binary, newlines, zero bytes) safe; the trailing newline is only
/// for people and is checked on read.
enum FrameRecord {
    /// Longest payload a frame may carry: far above any venue's message limit, small enough to
    /// bound a block (and the reader's allocation) when a length field is damaged.
    static let maxPayloadLength = 64 << 20

    static func append(_ frame: Frame, to buffer: inout [UInt8]) {
        appendTime(frame.time.nanoseconds, to: &buffer)
        buffer.append(UInt8(ascii: " "))
        switch frame.direction {
        case .inbound: buffer += [UInt8(ascii: "i"), UInt8(ascii: "n")]
        case .outbound: buffer += [UInt8(ascii: "o"), UInt8(ascii: "u"), UInt8(ascii: "t")]
        }
        buffer += [UInt8(ascii: " "), UInt8(ascii: "c")]
        appendDecimal(UInt64(frame.connection.rawValue), to: &buffer)
        buffer.append(UInt8(ascii: " "))
        buffer += kindNames[Int(frame.kind.rawValue)]
        buffer.append(UInt8(ascii: " "))
        appendDecimal(UInt64(frame.payload.count), to: &buffer)
        buffer.append(UInt8(ascii: "\n"))
        buffer += frame.payload
        buffer.append(UInt8(ascii: "\n"))
    }

    private static let kindNames: [[UInt8]] = FrameKind.allCases.map { Array($0.description.utf8) }

    private static func appendTime(_ nanoseconds: Int64, to buffer: inout [UInt8]) {
        precondition(nanoseconds >= 0, "frame times are non-negative (checked by the writer)")
        let value = UInt64(nanoseconds)
        appendDecimal(value / 1_000_000_000, to: &buffer)
        buffer.append(UInt8(ascii: "."))
        appendDigits(value % 1_000_000_000, divisor: 100_000_000, to: &buffer)
    }

    private static func appendDecimal(_ value: UInt64, to buffer: inout [UInt8]) {
        var divisor: UInt64 = 1
        while value / divisor >= 10 { divisor *= 10 }
        appendDigits(value, divisor: divisor, to: &buffer)
    }

    /// Writes `value` digit by digit from the place of `divisor` down (zero-padded to that width).
    private static func appendDigits(_ value: UInt64, divisor: UInt64, to buffer: inout [UInt8]) {
        var remaining = value
        var divisor = divisor
        while divisor > 0 {
            buffer.append(UInt8(ascii: "0") + UInt8(remaining / divisor))
            remaining %= divisor
            divisor /= 10
        }
    }

    /// Why a block's records could not be read although its checksum matched (a writer bug or a
    /// hand-made file): the byte offset is within the block's decompressed content.
    struct ParseError: Error {
        var offset: Int
        var reason: String
    }

    /// No record that `parse` accepts is shorter: `0.000000000 in c0 text 0`, a newline, an empty
    /// payload, a newline.
    static let shortestRecord = 26

    /// Parses every record of a block's content, in order, into `spans`; returns how many.
    /// More records than `expectedCount` (the block header's count) is an error.
    static func parseAll(
        _ content: UnsafeRawBufferPointer,
        into spans: UnsafeMutableBufferPointer<DecodedBlock.Span>,
        expectedCount: Int
    ) throws(ParseError) -> Int {
        precondition(spans.count >= expectedCount, "room for \(expectedCount) spans")
        var count = 0
        var cursor = 0
        while cursor < content.count {
            guard count < expectedCount else {
                throw ParseError(offset: cursor, reason: "more than the \(expectedCount) frames its header says")
            }
            spans[count] = try parse(content, at: &cursor)
            count += 1
        }
        return count
    }

    /// Parses the record at `cursor` and moves `cursor` past it.
    static func parse(_ bytes: UnsafeRawBufferPointer, at cursor: inout Int) throws(ParseError) -> DecodedBlock.Span {
        let start = cursor
        var scanner = FieldScanner(bytes: bytes, cursor: cursor)
        guard let seconds = scanner.decimal(until: UInt8(ascii: ".")),
              let fraction = scanner.nineDigitFraction(),
              scanner.skip(UInt8(ascii: " ")),
              let direction = scanner.direction(),
              scanner.skip(UInt8(ascii: " ")), scanner.skip(UInt8(ascii: "c")),
              let connection = scanner.decimal(until: UInt8(ascii: " ")), connection <= UInt64(UInt32.max),
              let kind = scanner.kind(),
              let length = scanner.decimal(until: UInt8(ascii: "\n")), length <= UInt64(maxPayloadLength),
              seconds <= UInt64(Int64.max / 1_000_000_000)
        else {
            throw ParseError(offset: start, reason: "malformed frame line")
        }
        let payloadStart = scanner.cursor
        let payloadEnd = payloadStart + Int(length)
        guard payloadEnd < bytes.count, bytes[payloadEnd] == UInt8(ascii: "\n") else {
            throw ParseError(offset: start, reason: "payload of \(length) bytes overruns the block")
        }
        cursor = payloadEnd + 1
        return DecodedBlock.Span(
            time: Int64(seconds) * 1_000_000_000 + Int64(fraction),
            payloadStart: Int32(payloadStart), payloadLength: Int32(length),
            connection: UInt32(connection), direction: direction, kind: kind
        )
    }
}

/// A cursor over a frame line; every method returns nil (or false) instead of reading past the end.
private struct FieldScanner {
    let bytes: UnsafeRawBufferPointer
    var cursor: Int

    mutating func skip(_ byte: UInt8) -> Bool {
        guard cursor < bytes.count, bytes[cursor] == byte else { return false }
        cursor += 1
        return true
    }

    /// Digits up to `terminator` (consumed); at least one digit, at most 19.
    mutating func decimal(until terminator: UInt8) -> UInt64? {
        var value: UInt64 = 0
        var digits = 0
        while cursor < bytes.count {
            let byte = bytes[cursor]
            cursor += 1
            if byte == terminator { return digits > 0 ? value : nil }
            guard byte &- UInt8(ascii: "0") < 10, digits < 19 else { return nil }
            value = value * 10 + UInt64(byte &- UInt8(ascii: "0"))
            digits += 1
        }
        return nil
    }

    mutating func nineDigitFraction() -> UInt64? {
        guard cursor + 9 <= bytes.count else { return nil }
        var value: UInt64 = 0
        for _ in 0..<9 {
            let digit = bytes[cursor] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            value = value * 10 + UInt64(digit)
            cursor += 1
        }
        return value
    }

    mutating func direction() -> Direction? {
        if skip(UInt8(ascii: "i")) { return skip(UInt8(ascii: "n")) ? .inbound : nil }
        if skip(UInt8(ascii: "o")) { return skip(UInt8(ascii: "u")) && skip(UInt8(ascii: "t")) ? .outbound : nil }
        return nil
    }

    /// A kind name followed by a space (consumed).
    mutating func kind() -> FrameKind? {
        let start = cursor
        while cursor < bytes.count, bytes[cursor] != UInt8(ascii: " ") {
            cursor += 1
            if cursor - start > 12 { return nil }
        }
        guard cursor < bytes.count else { return nil }
        let name = UnsafeRawBufferPointer(rebasing: bytes[start..<cursor])
        cursor += 1
        for kind in FrameKind.allCases where FrameRecord.kindNameEquals(kind, name) {
            return kind
        }
        return nil
    }
}

extension FrameRecord {
    fileprivate static func kindNameEquals(_ kind: FrameKind, _ name: UnsafeRawBufferPointer) -> Bool {
        let expected = kindNames[Int(kind.rawValue)]
        return expected.count == name.count && expected.elementsEqual(name)
    }
}
