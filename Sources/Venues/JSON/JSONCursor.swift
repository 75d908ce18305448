/// A strict, forward-only reader over one frame, for the decoders of a venue's hottest messages
/// (`DigitexShortcuts`): it reads the frame once, front to back, and writes no tokens and no
/// lookup table.
///
/// It reads only a plain subset of JSON: strings without escapes, and numbers that are plain
/// decimals fitting a `FixedDecimal`. Every read returns nil (or false) at anything else,
/// and the decoder then declines the frame: the general path (`JSONScanner` and `FieldReader`),
/// with the whole grammar and its precise error reports, decodes it instead. A frame therefore
/// decodes to the same message either way; only the speed differs.
struct JSONCursor {
    private let bytes: UnsafePointer<UInt8>
    private let count: Int
    private var position = 0

    /// Reads `buffer`, which must stay valid while the cursor is used.
    init?(_ buffer: UnsafeBufferPointer<UInt8>) {
        guard let base = buffer.baseAddress, !buffer.isEmpty else { return nil }
        self.bytes = base
        self.count = buffer.count
    }

    /// True when only whitespace is left.
    var isAtEnd: Bool {
        mutating get {
            skipWhitespace()
            return position == count
        }
    }

    /// The offset of the next byte to read.
    var offset: Int { position }

    /// Steps over whitespace; the offset where the next value starts.
    @inline(__always)
    mutating func valueStart() -> Int {
        skipWhitespace()
        return position
    }

    /// The frame's bytes from `start` up to the cursor.
    func text(since start: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: bytes + start, count: position - start)
    }

    /// Moves the cursor to `offset`, inside the frame or at its end.
    @inline(__always)
    mutating func move(to offset: Int) {
        precondition(offset >= 0 && offset <= count, "a cursor moved out of its frame")
        position = offset
    }

    /// How many of the bytes ahead are `text`'s, from its first; the cursor does not move.
    /// (A read by template compares a whole frame with the last one this way: `JSONTemplate`.)
    @inline(__always)
    func commonPrefixLength(with text: UnsafeBufferPointer<UInt8>) -> Int {
        guard let other = text.baseAddress else { return 0 }
        let length = min(text.count, count - position)
        let left = UnsafeRawPointer(bytes + position), right = UnsafeRawPointer(other)
        @inline(__always)
        func difference(at offset: Int) -> UInt64 {
            UInt64(littleEndian: left.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
                ^ UInt64(littleEndian: right.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
        }
        var same = 0
        // Thirty-two bytes at a time while they agree, then eight; the first byte that differs is
        // the lowest set byte of the XOR.
        while same &+ 32 <= length,
              difference(at: same) | difference(at: same &+ 8) | difference(at: same &+ 16) | difference(at: same &+ 24) == 0 {
            same &+= 32
        }
        while same &+ 8 <= length {
            let different = difference(at: same)
            if different != 0 { return same &+ different.trailingZeroBitCount / 8 }
            same &+= 8
        }
        while same < length, bytes[position &+ same] == other[same] { same &+= 1 }
        return same
    }

    /// Consumes `literal` if the bytes ahead start with it, whitespace and all (nothing is skipped).
    @inline(__always)
    mutating func consume(literal: UnsafeBufferPointer<UInt8>) -> Bool {
        guard literal.count <= count - position,
              literal.isEmpty || memcmpBytes(bytes + position, literal.baseAddress!, literal.count) else { return false }
        position += literal.count
        return true
    }

    /// Consumes `byte` if it comes next (after any whitespace).
    @inline(__always)
    mutating func consume(_ byte: UInt8) -> Bool {
        skipWhitespace()
        guard position < count, bytes[position] == byte else { return false }
        position += 1
        return true
    }

    /// A string's bytes without its quotes; nil for anything but a string without escapes and
    /// control characters.
    @inline(__always)
    mutating func string() -> UnsafeBufferPointer<UInt8>? {
        guard consume(UInt8(ascii: "\"")) else { return nil }
        let start = position
        // Eight bytes at a time up to the first quote, backslash or control byte.
        while position + 8 <= count {
            let lanes = stringSpecialLanes(UInt64(littleEndian: UnsafeRawPointer(bytes + position).loadUnaligned(as: UInt64.self)))
            if lanes != 0 {
                position += lanes.trailingZeroBitCount / 8
                break
            }
            position += 8
        }
        while position < count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                position += 1
                return UnsafeBufferPointer(start: bytes + start, count: position - 1 - start)
            }
            // A backslash is an escape, left to the general path; a control byte is invalid there.
            guard byte != UInt8(ascii: "\\"), byte >= 0x20 else { return nil }
            position += 1
        }
        return nil
    }

    /// A member's key and the colon after it.
    @inline(__always)
    mutating func key() -> UnsafeBufferPointer<UInt8>? {
        guard let key = string(), consume(UInt8(ascii: ":")) else { return nil }
        return key
    }

    /// A number that is a plain decimal fitting a `FixedDecimal`; nil for anything else
    /// (quoted numbers, exponents, overflow and `null` included).
    @inline(__always)
    mutating func decimal() -> FixedDecimal? {
        skipWhitespace()
        guard position < count else { return nil }
        let first = bytes[position]
        // Most prices and sizes have a few digits on each side of the point, read at once; the
        // sign, rarer, is tried second, so that it costs positive numbers nothing.
        if let (value, end) = plainShortDecimal(at: position) {
            position = end
            return value
        }
        if first == UInt8(ascii: "-"), let (value, end) = negativeShortDecimal(at: position) {
            position = end
            return value
        }
        if let (value, end) = plainLongInteger(at: position) {
            position = end
            return value
        }
        guard first == UInt8(ascii: "-") || first &- UInt8(ascii: "0") <= 9 else { return nil }
        let number = JSONNumberLexeme(bytes, count: count, at: position)
        guard number.failure == nil, number.scale != JSONToken.notConverted else { return nil }
        position = number.end
        return FixedDecimal(mantissa: number.mantissa, scale: number.scale)
    }

    /// The `shortDecimal` at `start` where it is also a whole JSON number: it starts with a digit,
    /// has no leading zero (invalid JSON, left to the lexeme to refuse) and is not continued by an
    /// exponent ('e', 'E').
    @inline(__always)
    private func plainShortDecimal(at start: Int) -> (FixedDecimal, end: Int)? {
        guard start < count, bytes[start] &- UInt8(ascii: "0") <= 9, let (value, end) = shortDecimal(at: start),
              bytes[start] != UInt8(ascii: "0") || bytes[start + 1] &- UInt8(ascii: "0") > 9,
              bytes[end] | 0x20 != UInt8(ascii: "e") else { return nil }
        return (value, end)
    }

    /// A whole number of eight to eighteen digits at `start` (times in milliseconds or
    /// nanoseconds, ids), its first eight read from a word; nil for anything else, or one continued
    /// by a fraction or an exponent (left to the lexeme). Out of line, as `negativeShortDecimal`.
    @inline(never)
    private func plainLongInteger(at start: Int) -> (FixedDecimal, end: Int)? {
        guard start + 8 <= count, bytes[start] != UInt8(ascii: "0") else { return nil }
        let word = UInt64(littleEndian: UnsafeRawPointer(bytes + start).loadUnaligned(as: UInt64.self))
        guard leadingDigitCount(word) == 8 else { return nil }
        var value = Int64(digitValue(word, count: 8))
        var end = start + 8
        // Up to eight more from the next word (a time has 13 digits in milliseconds, 19 in nanoseconds).
        if end + 8 <= count {
            let next = UInt64(littleEndian: UnsafeRawPointer(bytes + end).loadUnaligned(as: UInt64.self))
            let digits = leadingDigitCount(next)
            if digits > 0 {
                value = value &* decimalPowerOfTen(digits) &+ Int64(digitValue(next, count: digits))
                end += digits
            }
        }
        // Below 10^17 one more digit always fits an Int64.
        while end < count, bytes[end] &- UInt8(ascii: "0") <= 9 {
            guard value < 100_000_000_000_000_000 else { return nil }
            value = value &* 10 &+ Int64(bytes[end] &- UInt8(ascii: "0"))
            end += 1
        }
        guard end == count || bytes[end] != UInt8(ascii: ".") && bytes[end] | 0x20 != UInt8(ascii: "e") else { return nil }
        return (FixedDecimal(mantissa: value, scale: 0), end)
    }

    /// `-` and a `plainShortDecimal` at `start`, negated. Out of line: inlined beside the unsigned
    /// read, it made the decoders that read many numbers too large for the word loads to inline.
    @inline(never)
    private func negativeShortDecimal(at start: Int) -> (FixedDecimal, end: Int)? {
        plainShortDecimal(at: start + 1).map { ($0.negated, $1) }
    }

    /// `[a,b]` with `a` and `b` plain non-negative integers of one to seven digits and no spaces
    /// (a book level as venues send it), read from two words. Nil, with the cursor where it was,
    /// for anything else: the caller then reads the pair piece by piece.
    @inline(__always)
    mutating func compactIntegerPair() -> (FixedDecimal, FixedDecimal)? {
        guard position + 1 < count, bytes[position] == UInt8(ascii: "["),
              let (first, comma) = shortInteger(at: position + 1), bytes[comma] == UInt8(ascii: ","),
              let (second, close) = shortInteger(at: comma + 1), bytes[close] == UInt8(ascii: "]") else { return nil }
        position = close + 1
        return (first, second)
    }

    /// `["price","size"]`, two quoted short decimals (`quotedShortDecimal`) with nothing between
    /// (a book level as QFEX and Roxom send it), read at once. Nil, with the cursor where it was,
    /// for anything else: the caller then reads the pair piece by piece.
    @inline(__always)
    mutating func compactQuotedPair() -> (FixedDecimal, FixedDecimal)? {
        guard position + 2 < count, bytes[position] == UInt8(ascii: "["), bytes[position + 1] == UInt8(ascii: "\""),
              let (first, firstEnd) = shortDecimal(at: position + 2), firstEnd + 2 < count, bytes[firstEnd] == UInt8(ascii: "\""),
              bytes[firstEnd + 1] == UInt8(ascii: ","), bytes[firstEnd + 2] == UInt8(ascii: "\""),
              let (second, secondEnd) = shortDecimal(at: firstEnd + 3), secondEnd + 1 < count, bytes[secondEnd] == UInt8(ascii: "\""),
              bytes[secondEnd + 1] == UInt8(ascii: "]") else { return nil }
        position = secondEnd + 2
        return (first, second)
    }

    /// The integer of one to seven digits at `start` and the offset of the byte after it; nil when
    /// the digits do not end inside the word, or the number has a leading zero (invalid JSON).
    @inline(__always)
    private func shortInteger(at start: Int) -> (FixedDecimal, end: Int)? {
        guard start + 8 <= count else { return nil }
        let word = UInt64(littleEndian: UnsafeRawPointer(bytes + start).loadUnaligned(as: UInt64.self))
        let digits = leadingDigitCount(word)
        guard digits > 0, digits < 8, digits == 1 || bytes[start] != UInt8(ascii: "0") else { return nil }
        return (FixedDecimal(mantissa: Int64(digitValue(word, count: digits)), scale: 0), start + digits)
    }

    /// A quoted decimal written `digits` or `digits.digits`, one to seven digits before the point
    /// and one to eight after it (prices and sizes as most venues quote them), perhaps after a
    /// minus sign (PnL, funding), read from one word per side: the value `FixedDecimal(utf8:)`
    /// gives the string's bytes. Nil, with the cursor where it was, for any other string (a plus
    /// sign, an exponent, more digits, an escape) or anything else: the caller then reads the
    /// string whole.
    @inline(__always)
    mutating func quotedShortDecimal() -> FixedDecimal? {
        skipWhitespace()
        guard position < count, bytes[position] == UInt8(ascii: "\"") else { return nil }
        // Unsigned first, as most are: the sign costs them nothing.
        if let (value, end) = shortDecimal(at: position + 1), end < count, bytes[end] == UInt8(ascii: "\"") {
            position = end + 1
            return value
        }
        guard position + 1 < count, bytes[position + 1] == UInt8(ascii: "-"),
              let (value, end) = shortDecimal(at: position + 2), end < count, bytes[end] == UInt8(ascii: "\"") else { return nil }
        position = end + 1
        return value.negated
    }

    /// The decimal `digits` or `digits.digits` at `start`, one to seven digits before the point and
    /// one to eight after it (leading zeros allowed: the caller checks what its grammar forbids),
    /// and the offset of the byte after it; nil for longer numbers.
    @inline(__always)
    private func shortDecimal(at start: Int) -> (FixedDecimal, end: Int)? {
        guard start + 8 <= count else { return nil }
        let word = UInt64(littleEndian: UnsafeRawPointer(bytes + start).loadUnaligned(as: UInt64.self))
        let flags = nonDigitFlags(word)
        let integerDigits = flags.trailingZeroBitCount / 8
        guard integerDigits > 0, integerDigits < 8 else { return nil }
        let point = start + integerDigits
        guard bytes[point] == UInt8(ascii: ".") else {
            return (FixedDecimal(mantissa: Int64(digitValue(word, count: integerDigits)), scale: 0), point)
        }
        // A number that ends inside this word or right after it (`0.643"`, `98449.50"`): its
        // digits are read at once, with the bytes after the point moved down over it.
        let end = (flags & (flags &- 1)).trailingZeroBitCount / 8
        if end < 8 || start + 8 < count && bytes[start + 8] &- UInt8(ascii: "0") > 9 {
            let fractionDigits = end - integerDigits - 1
            guard fractionDigits > 0 else { return nil }
            let integerBytes = (UInt64(1) << UInt64(8 * integerDigits)) &- 1
            let digits = (word & integerBytes) | ((word >> 8) & ~integerBytes)
            return (FixedDecimal(mantissa: Int64(digitValue(digits, count: end - 1)), scale: UInt8(fractionDigits)), start + end)
        }
        let integer = Int64(digitValue(word, count: integerDigits))
        guard point + 9 <= count else { return nil }
        let fraction = UInt64(littleEndian: UnsafeRawPointer(bytes + point + 1).loadUnaligned(as: UInt64.self))
        let fractionDigits = leadingDigitCount(fraction)
        // Eight digits fill the word (amounts to the hundred-millionth, as Notional's summaries
        // carry): then the number must end right after it.
        guard fractionDigits > 0, fractionDigits < 8 || point + 9 < count && bytes[point + 9] &- UInt8(ascii: "0") > 9 else { return nil }
        let mantissa = integer &* decimalPowerOfTen(fractionDigits) &+ Int64(digitValue(fraction, count: fractionDigits))
        return (FixedDecimal(mantissa: mantissa, scale: UInt8(fractionDigits)), point + 1 + fractionDigits)
    }

    /// A number written without a fraction; nil for anything else.
    @inline(__always)
    mutating func integer() -> Int64? {
        // Times and ids, most of the integers read, have eight digits or more: tried first as such.
        skipWhitespace()
        if let (value, end) = plainLongInteger(at: position) {
            position = end
            return value.mantissa
        }
        let start = position
        guard let value = decimal() else { return nil }
        guard value.scale == 0 else {
            position = start
            return nil
        }
        return value.mantissa
    }

    /// Consumes `[]` (spaces allowed inside) if it comes next; false, with the cursor where it
    /// was, for anything else.
    mutating func emptyArray() -> Bool {
        let start = position
        if consume(UInt8(ascii: "[")), consume(UInt8(ascii: "]")) { return true }
        position = start
        return false
    }

    /// Consumes `null` if it comes next.
    mutating func null() -> Bool {
        literal("null")
    }

    /// `true` or `false`, or an integer standing for a flag (Digitex writes `"isMaker":0`): any
    /// integer but 0 is true, as `JSONValue.bool` reads it. Nil for anything else.
    mutating func bool() -> Bool? {
        if literal("true") { return true }
        if literal("false") { return false }
        return integer().map { $0 != 0 }
    }

    /// How deep `skipValue` follows nested containers before it declines (the general path,
    /// which keeps its own stack, reads deeper ones): recursion must not run off the stack.
    static let skipDepthLimit = 16

    /// Steps over one value of the plain subset (strings without escapes, numbers, literals,
    /// and arrays and objects of them nested up to `skipDepthLimit`), for members a decoder does
    /// not read. False at anything else.
    mutating func skipValue(depth: Int = 0) -> Bool {
        skipWhitespace()
        guard position < count else { return false }
        switch bytes[position] {
        case UInt8(ascii: "\""):
            return string() != nil
        case UInt8(ascii: "{"):
            return depth < Self.skipDepthLimit && readObject { cursor, _ in cursor.skipValue(depth: depth + 1) }
        case UInt8(ascii: "["):
            return depth < Self.skipDepthLimit && readArray { cursor in cursor.skipValue(depth: depth + 1) }
        case UInt8(ascii: "t"):
            return literal("true")
        case UInt8(ascii: "f"):
            return literal("false")
        case UInt8(ascii: "n"):
            return literal("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            // Any valid number, converted or not: the general path reports nothing for a member it does not read.
            let number = JSONNumberLexeme(bytes, count: count, at: position)
            guard number.failure == nil else { return false }
            position = number.end
            return true
        default:
            return false
        }
    }

    /// Consumes `word` if it comes next.
    @inline(__always)
    private mutating func literal(_ word: StaticString) -> Bool {
        skipWhitespace()
        let length = word.utf8CodeUnitCount
        guard position + length <= count, memcmpBytes(bytes + position, word.utf8Start, length) else { return false }
        position += length
        return true
    }

    /// Where a walk through an object or array stands (see `nextMember` and `nextElement`).
    enum Step {
        /// Another member (its key; the cursor stands on its value) or element follows.
        case next(key: UnsafeBufferPointer<UInt8>?)
        /// The container closed.
        case end
        /// Something other than the plain shape: decline the frame.
        case invalid
    }

    /// Walks an object's members; call it after consuming `{`, with `first` true, and read each
    /// member's value before calling it again. (`readObject` wraps it; the hottest loops use it
    /// directly: a closure per book level kept the cursor in memory and cost a third of the decode.)
    @inline(__always)
    mutating func nextMember(first: inout Bool) -> Step {
        if consume(UInt8(ascii: "}")) { return .end }
        if first {
            first = false
        } else if !consume(UInt8(ascii: ",")) {
            return .invalid
        }
        guard let key = key() else { return .invalid }
        return .next(key: key)
    }

    /// Walks an array's elements; call it after consuming `[`, with `first` true, and read each
    /// element before calling it again.
    @inline(__always)
    mutating func nextElement(first: inout Bool) -> Step {
        if consume(UInt8(ascii: "]")) { return .end }
        if first {
            first = false
            return .next(key: nil)
        }
        return consume(UInt8(ascii: ",")) ? .next(key: nil) : .invalid
    }

    /// Reads an object: `member` gets each key with the cursor on its value, and must read the
    /// value. False for anything but an object, or as soon as `member` returns false.
    @inline(__always)
    mutating func readObject(_ member: (inout JSONCursor, UnsafeBufferPointer<UInt8>) -> Bool) -> Bool {
        consume(UInt8(ascii: "{")) && readMembers(first: true, member)
    }

    /// Reads the rest of an object whose opening brace and first member the caller has read (a
    /// decoder that goes by its first member, as a venue's `type` or `topic`), as `readObject` does.
    @inline(__always)
    mutating func readRemainingMembers(_ member: (inout JSONCursor, UnsafeBufferPointer<UInt8>) -> Bool) -> Bool {
        readMembers(first: false, member)
    }

    @inline(__always)
    private mutating func readMembers(first: Bool, _ member: (inout JSONCursor, UnsafeBufferPointer<UInt8>) -> Bool) -> Bool {
        var first = first
        while true {
            switch nextMember(first: &first) {
            case .end: return true
            case .invalid, .next(key: nil): return false
            case .next(key: let key?): guard member(&self, key) else { return false }
            }
        }
    }

    /// Walks an object's members up to the one named `name` and leaves the cursor on its value;
    /// `before` gets the members before it, and must read them. False at the object's end, as
    /// soon as `before` returns false, or at anything but the plain shape.
    ///
    /// For a decoder that builds its message from that member: it reads the value into a `let`
    /// and walks the rest with `readRemainingMembers`. A message held in an optional that a
    /// member closure assigns is copied and destroyed through the runtime's generic witnesses
    /// (a few hundred instructions a frame).
    @inline(__always)
    mutating func advance(toMember name: StaticString, first: inout Bool, before: (inout JSONCursor, UnsafeBufferPointer<UInt8>) -> Bool) -> Bool {
        while true {
            switch nextMember(first: &first) {
            case .end, .invalid, .next(key: nil): return false
            case .next(key: let key?):
                if key.equals(name) { return true }
                guard before(&self, key) else { return false }
            }
        }
    }

    /// The value `read` reads at the cursor, which must be one whole value; nil when it declines.
    /// An array or object read is kept in `last`, and handed out again without reading while the
    /// bytes ahead start with the bytes it was read from: a container's text ends with its own
    /// closing bracket, so bytes that start the same way hold the same container whatever follows.
    /// (Not so for a number, which is read every time: `12` starts `123`.)
    @inline(__always)
    mutating func read<Value>(repeating last: inout Repeated<Value>, _ read: (inout JSONCursor) -> Value?) -> Value? {
        skipWhitespace()
        if let (value, length) = last.value(startingOf: UnsafeBufferPointer(start: bytes + position, count: count - position)) {
            position += length
            return value
        }
        let start = position
        guard let value = read(&self) else { return nil }
        if bytes[start] == UInt8(ascii: "[") || bytes[start] == UInt8(ascii: "{") {
            last.keep(value, madeFrom: UnsafeBufferPointer(start: bytes + start, count: position - start))
        }
        return value
    }

    /// Reads an array: `element` gets the cursor on each element, and must read it. False for
    /// anything but an array, or as soon as `element` returns false.
    @inline(__always)
    mutating func readArray(_ element: (inout JSONCursor) -> Bool) -> Bool {
        guard consume(UInt8(ascii: "[")) else { return false }
        var first = true
        while true {
            switch nextElement(first: &first) {
            case .end: return true
            case .invalid, .next(key: .some): return false
            case .next(key: nil): guard element(&self) else { return false }
            }
        }
    }

    @inline(__always)
    private mutating func skipWhitespace() {
        while position < count {
            switch bytes[position] {
            case 0x20, 0x0A, 0x0D, 0x09: position += 1
            default: return
            }
        }
    }
}

extension UnsafeBufferPointer<UInt8> {
    /// True when these bytes are exactly `literal`'s.
    @inline(__always)
    func equals(_ literal: StaticString) -> Bool {
        guard count == literal.utf8CodeUnitCount else { return false }
        return count == 0 || memcmpBytes(baseAddress!, literal.utf8Start, count)
    }
}
