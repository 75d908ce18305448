/// Reads of one value each, for the one-pass decoders (`DigitexShortcuts`, `QFEXShortcuts`,
/// `RoxomShortcuts`, `SatoriShortcuts`).
/// Each returns false where the general path would read something else or fail, so that the
/// decoder declines the frame. Each sets its value, `null` to nil: a read by template reads a
/// changed value over the one before (`JSONTemplated`).
extension JSONCursor {
    /// A string without escapes.
    @inline(__always)
    mutating func read(_ value: inout String?) -> Bool {
        value = string().map { String(decoding: $0, as: UTF8.self) }
        return value != nil
    }

    /// A string without escapes, built once while it repeats (`RepeatedString`).
    @inline(__always)
    mutating func read(_ value: inout String?, repeating last: inout RepeatedString) -> Bool {
        value = string().map { last.string(of: $0) }
        return value != nil
    }

    /// `null` (nil) or a string without escapes.
    @inline(__always)
    mutating func readOptional(_ value: inout String?) -> Bool {
        if null() {
            value = nil
            return true
        }
        return read(&value)
    }

    /// `null` (nil) or `read(_:sharingWith:)`.
    @inline(__always)
    mutating func readOptional(_ value: inout String?, sharingWith twin: String?) -> Bool {
        if null() {
            value = nil
            return true
        }
        return read(&value, sharingWith: twin)
    }

    /// A string without escapes, which is `twin` itself when it has `twin`'s bytes: shared, not
    /// made again. (A Digitex report names its order twice, `clOrdId` and `origClOrdId`, alike
    /// until the order is re-ided, and an order's next report names it again; an id of 16 bytes is
    /// too long to be held in the String itself, so each one made is an allocation, and later a free.)
    @inline(__always)
    mutating func read(_ value: inout String?, sharingWith twin: String?) -> Bool {
        guard let bytes = string() else { return false }
        if let twin, twin.utf8.count == bytes.count,
           twin.utf8.withContiguousStorageIfAvailable({ bytes.isEmpty || memcmpBytes($0.baseAddress!, bytes.baseAddress!, bytes.count) }) == true {
            value = twin
        } else {
            value = String(decoding: bytes, as: UTF8.self)
        }
        return true
    }

    /// `null` (nil) or an integer.
    @inline(__always)
    mutating func readOptional(_ value: inout Int64?) -> Bool {
        if null() {
            value = nil
            return true
        }
        value = integer()
        return value != nil
    }

    /// `null` (nil) or an integer id, kept as its decimal text (`String(value)`, written directly:
    /// the generic formatting cost a public trade a tenth of its decode).
    @inline(__always)
    mutating func readOptionalIntegerID(_ value: inout String?) -> Bool {
        var number: Int64?
        guard readOptional(&number) else { return false }
        value = number.map(decimalText)
        return true
    }

    /// `null` (nil) or a plain decimal.
    @inline(__always)
    mutating func readOptional(_ value: inout FixedDecimal?) -> Bool {
        if null() {
            value = nil
            return true
        }
        value = decimal()
        return value != nil
    }

    /// `null` (nil) or a plain decimal that is not negative.
    @inline(__always)
    mutating func readOptionalQuantity(_ value: inout FixedDecimal?) -> Bool {
        readOptional(&value) && !(value?.isNegative ?? false)
    }

    /// A plain decimal, or one quoted (`"2300"`) read by `FixedDecimal(utf8:)` as the general path
    /// reads a quoted number.
    @inline(__always)
    mutating func readDecimalOrQuoted(_ value: inout FixedDecimal?) -> Bool {
        if let short = quotedShortDecimal() {
            value = short
            return true
        }
        if let quoted = string() {
            value = FixedDecimal(utf8: quoted)
        } else {
            value = decimal()
        }
        return value != nil
    }

    /// A plain or quoted decimal (`readDecimalOrQuoted`) that is not negative: a trade's size.
    @inline(__always)
    mutating func readQuantityOrQuoted(_ value: inout FixedDecimal?) -> Bool {
        readDecimalOrQuoted(&value) && !(value?.isNegative ?? true)
    }

    /// `null` (nil), or a plain or quoted decimal (`readDecimalOrQuoted`).
    @inline(__always)
    mutating func readOptionalDecimalOrQuoted(_ value: inout FixedDecimal?) -> Bool {
        if null() {
            value = nil
            return true
        }
        return readDecimalOrQuoted(&value)
    }

    /// A book side, `[[price, size], …]` of plain or quoted decimals, as
    /// `FieldReader.bookLevels(_:negativeSizeIsRemoval:)` reads it: a negative size is refused, or
    /// read as 0 where the venue documents it as a removal. Nil for anything else.
    mutating func readBookLevels(negativeSizeIsRemoval: Bool = false) -> [BookLevel]? {
        // An empty side, as deltas often have, costs no allocation; others get room for a usual
        // book at once (growing by doubling reallocates three times on the way to ten).
        if emptyArray() { return [] }
        guard consume(UInt8(ascii: "[")) else { return nil }
        var levels: [BookLevel] = []
        levels.reserveCapacity(10)
        // The loop of `readArray` written out: a closure per level kept the cursor in memory.
        var first = true
        while true {
            switch nextElement(first: &first) {
            case .end: return levels
            case .invalid, .next(key: .some): return nil
            case .next(key: nil):
                guard let level = readBookLevel(negativeSizeIsRemoval: negativeSizeIsRemoval) else { return nil }
                levels.append(level)
            }
        }
    }

    /// One level, `[price, size]` of plain or quoted decimals, with its size as `readBookLevels`
    /// reads it (refused when negative, or 0 where that is a removal). Nil for anything else.
    @inline(__always)
    mutating func readBookLevel(negativeSizeIsRemoval: Bool = false) -> BookLevel? {
        // Most levels are two short quoted decimals, read at once; a size read that way is never
        // negative.
        if let (price, size) = compactQuotedPair() { return BookLevel(price: price, size: size) }
        var price: FixedDecimal?
        var size: FixedDecimal?
        guard consume(UInt8(ascii: "[")), readDecimalOrQuoted(&price), consume(UInt8(ascii: ",")),
              readDecimalOrQuoted(&size), let price, let size, negativeSizeIsRemoval || !size.isNegative,
              consume(UInt8(ascii: "]")) else { return nil }
        return BookLevel(price: price, size: size.isNegative ? .zero : size)
    }

    /// A plain decimal that is not negative.
    @inline(__always)
    mutating func readQuantity(_ value: inout FixedDecimal?) -> Bool {
        value = decimal()
        return value.map { !$0.isNegative } ?? false
    }

    /// `null` (nil) or a flag (`true`, `false`, or an integer).
    @inline(__always)
    mutating func readOptional(_ value: inout Bool?) -> Bool {
        if null() {
            value = nil
            return true
        }
        value = bool()
        return value != nil
    }

    /// `null` (nil) or a word, given its value by `words` when it is one of them (no String is
    /// built) and by `parse` otherwise: `FieldReader.optionalString(_:words:parse:)` on one pass.
    @inline(__always)
    mutating func readOptional<T>(_ value: inout T?, words: [(StaticString, T)], parse: (String) -> T) -> Bool {
        if null() {
            value = nil
            return true
        }
        guard let bytes = string() else { return false }
        for (word, result) in words where bytes.equals(word) {
            value = result
            return true
        }
        value = parse(String(decoding: bytes, as: UTF8.self))
        return true
    }
}

/// Nil when `shortcut` reads `frame` to the message `general` gives, or declines it (nil);
/// otherwise both answers: the contract of every one-pass decoder, checked by the tests.
func shortcutDisagreement<Message: Equatable>(
    _ frame: [UInt8], shortcut: (UnsafeBufferPointer<UInt8>) -> Message?, general: ([UInt8]) -> Result<Message, UnrecognisedFrame>
) -> String? {
    guard let fast = frame.withUnsafeBufferPointer(shortcut) else { return nil }
    switch general(frame) {
    case .success(let message) where message == fast: return nil
    case let other: return "\(String(decoding: frame, as: UTF8.self)): shortcut \(fast), general \(other)"
    }
}

/// The `count` bytes that follow `prefix` at the start of `frame`; nil when the frame does not
/// start with `prefix` or is too short. The shortcuts turn most frames away by these few bytes
/// before they read anything.
@inline(__always)
func bytes(after prefix: StaticString, count: Int, in frame: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8>? {
    let start = prefix.utf8CodeUnitCount
    guard frame.count >= start + count, memcmpBytes(frame.baseAddress!, prefix.utf8Start, start) else { return nil }
    return UnsafeBufferPointer(rebasing: frame[start..<(start + count)])
}

/// `String(value)` for an integer, its digits written straight into a string's storage.
func decimalText(_ value: Int64) -> String {
    var magnitude = value.magnitude
    var digits = 1
    var rest = magnitude / 10
    while rest != 0 {
        digits += 1
        rest /= 10
    }
    let length = digits + (value < 0 ? 1 : 0)
    return String(unsafeUninitializedCapacity: length) { buffer in
        var index = length
        repeat {
            index -= 1
            buffer[index] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: magnitude % 10)
            magnitude /= 10
        } while magnitude != 0
        if value < 0 { buffer[0] = UInt8(ascii: "-") }
        return length
    }
}
