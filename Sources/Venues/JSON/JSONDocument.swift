/// A scanned frame: its bytes and its token tape. Read it inside `withRoot`.
public struct JSONDocument: Sendable {
    public let bytes: [UInt8]
    /// The scanner's token buffer: the first `tokenCount` are this document's, the rest are stale.
    let tokens: [JSONToken]
    let tokenCount: Int

    init(bytes: [UInt8], tokens: [JSONToken], tokenCount: Int) {
        precondition(!bytes.isEmpty && tokenCount > 0 && tokenCount <= tokens.count, "a scanned document has at least one value")
        self.bytes = bytes
        self.tokens = tokens
        self.tokenCount = tokenCount
    }

    /// Most lookup-table slots one document gets (8 bytes each).
    static let maxScratchSlots = 16_384

    /// Calls `body` with the top-level value. The value (and every value reached from it) points
    /// into this document's storage and must not escape `body`; in exchange reading costs no
    /// reference counting, which is most of the cost of a naive tree on the replay hot path.
    ///
    /// Field lookup tables (see `FieldReader`) are carved from one scratch area allocated here for
    /// the duration of `body`, never per object. (Decoders go through `JSONScanner.decode`, which
    /// lends the scanner's own scratch area instead and so allocates nothing.)
    public func withRoot<R, E: Error>(_ body: (JSONValue) throws(E) -> R) throws(E) -> R {
        let capacity = scratchSlots
        return try withUnsafeTemporaryAllocation(of: UInt64.self, capacity: capacity) { (scratch) throws(E) -> R in
            try withRoot(scratch: scratch.baseAddress!, slots: capacity, body)
        }
    }

    /// Scratch slots this document's lookup tables can use: each object's table has at most
    /// 2 × members slots rounded up to a power of two (≥ 8); 4 slots per token bounds the sum, plus
    /// 2 header slots (cursor, capacity). Capped at 128 KiB so a huge frame cannot ask for a huge
    /// scratch area: readers past the cap scan.
    var scratchSlots: Int { min(2 + 4 * tokenCount + 8, JSONDocument.maxScratchSlots) }

    /// `withRoot` on a caller's scratch area of `slots` (≥ 2) UInt64s, valid for the call.
    func withRoot<R, E: Error>(scratch: UnsafeMutablePointer<UInt64>, slots: Int, _ body: (JSONValue) throws(E) -> R) throws(E) -> R {
        scratch[0] = 2
        scratch[1] = UInt64(slots)
        // Typed throws straight through: wrapping the answer in a `Result` cost two generic
        // destroys of the decoded message per frame (~1,000 instructions for an account push).
        return try bytes.withUnsafeBufferPointer { (bytes) throws(E) -> R in
            try tokens.withUnsafeBufferPointer { (tokens) throws(E) -> R in
                try body(JSONValue(tokens: tokens.baseAddress!, bytes: bytes.baseAddress!, scratch: scratch, index: 0))
            }
        }
    }
}

/// One value inside a `JSONDocument`, valid only inside `JSONDocument.withRoot`.
public struct JSONValue {
    let tokens: UnsafePointer<JSONToken>
    let bytes: UnsafePointer<UInt8>
    /// `[cursor, capacity, tables…]` for `FieldReader` (see `JSONDocument.withRoot`).
    let scratch: UnsafeMutablePointer<UInt64>
    let index: Int

    private var token: JSONToken { tokens[index] }

    public var isObject: Bool { token.kind == .object }
    public var isArray: Bool { token.kind == .array }
    public var isString: Bool { token.kind == .string }
    public var isNumber: Bool { token.kind == .number }
    public var isNull: Bool { token.kind == .null }

    /// The member named `key` of an object; nil when this is not an object or has no such member.
    /// Keys are compared byte for byte against the raw key, so no string is built.
    public subscript(key: StaticString) -> JSONValue? {
        guard token.kind == .object else { return nil }
        let end = Int(token.next)
        var child = index + 1
        let keyCount = key.utf8CodeUnitCount
        let keyPointer = key.utf8Start
        while child < end {
            let keyToken = tokens[child]
            if !keyToken.escaped, Int(keyToken.end &- keyToken.start) == keyCount,
               memcmpBytes(bytes + Int(keyToken.start), keyPointer, keyCount) {
                return JSONValue(tokens: tokens, bytes: bytes, scratch: scratch, index: child + 1)
            }
            child = Int(tokens[child + 1].next)
        }
        return nil
    }

    /// The member named `key` (a runtime string; the `StaticString` subscript is the fast path).
    public func member(named key: String) -> JSONValue? {
        members.first(where: { $0.key == key })?.value
    }

    /// Calls `body` with each member's raw key (start, byte count, whether it has escapes) and
    /// the token index of its value, in document order, without decoding anything.
    func forEachMember(_ body: (UnsafePointer<UInt8>, Int, Bool, Int) -> Void) {
        guard token.kind == .object else { return }
        var child = index + 1
        let end = Int(token.next)
        while child < end {
            let keyToken = tokens[child]
            body(bytes + Int(keyToken.start), Int(keyToken.end &- keyToken.start), keyToken.escaped, child + 1)
            child = Int(tokens[child + 1].next)
        }
    }

    /// True when the key before the value at `valueIndex` is exactly these bytes.
    func keyMatches(valueIndex: Int, _ key: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        let keyToken = tokens[valueIndex - 1]
        return !keyToken.escaped && Int(keyToken.end &- keyToken.start) == count && memcmpBytes(bytes + Int(keyToken.start), key, count)
    }

    func value(atToken tokenIndex: Int) -> JSONValue {
        JSONValue(tokens: tokens, bytes: bytes, scratch: scratch, index: tokenIndex)
    }

    /// The members of an object in document order (keys decoded).
    public var members: [(key: String, value: JSONValue)] {
        guard token.kind == .object else { return [] }
        var result: [(key: String, value: JSONValue)] = []
        var child = index + 1
        while child < Int(token.next) {
            let key = JSONValue(tokens: tokens, bytes: bytes, scratch: scratch, index: child).string ?? ""
            result.append((key, JSONValue(tokens: tokens, bytes: bytes, scratch: scratch, index: child + 1)))
            child = Int(tokens[child + 1].next)
        }
        return result
    }

    /// The elements of an array in order; empty when this is not an array.
    public var elements: [JSONValue] {
        guard token.kind == .array else { return [] }
        var result: [JSONValue] = []
        var child = index + 1
        while child < Int(token.next) {
            result.append(JSONValue(tokens: tokens, bytes: bytes, scratch: scratch, index: child))
            child = Int(tokens[child].next)
        }
        return result
    }

    /// The elements of an array in order, without building an array; empty when this is not an array.
    var arrayElements: JSONElements {
        JSONElements(first: self, end: token.kind == .array ? Int(token.next) : index + 1)
    }

    /// The two elements of a two-element array (`[price, size]` levels), without building an array.
    public var pair: (JSONValue, JSONValue)? {
        guard token.kind == .array else { return nil }
        let first = index + 1
        let end = Int(token.next)
        guard first < end else { return nil }
        let second = Int(tokens[first].next)
        guard second < end, Int(tokens[second].next) == end else { return nil }
        return (JSONValue(tokens: tokens, bytes: bytes, scratch: scratch, index: first), JSONValue(tokens: tokens, bytes: bytes, scratch: scratch, index: second))
    }

    /// Calls `body` for each array element without building an array.
    public func forEachElement(_ body: (JSONValue) throws -> Void) rethrows {
        guard token.kind == .array else { return }
        var child = index + 1
        let end = Int(token.next)
        while child < end {
            try body(JSONValue(tokens: tokens, bytes: bytes, scratch: scratch, index: child))
            child = Int(tokens[child].next)
        }
    }

    /// The decoded string, or nil when this is not a string (or holds an invalid `\u` surrogate).
    public var string: String? {
        let token = token
        guard token.kind == .string else { return nil }
        let range = Int(token.start)..<Int(token.end)
        if !token.escaped {
            return String(decoding: UnsafeBufferPointer(start: bytes + range.lowerBound, count: range.count), as: UTF8.self)
        }
        return unescapeJSONString(UnsafeBufferPointer(start: bytes + range.lowerBound, count: range.count))
    }

    /// The raw bytes of an unescaped string (no quotes), pointing into the frame; nil otherwise.
    public var unescapedStringBytes: UnsafeBufferPointer<UInt8>? {
        let token = token
        guard token.kind == .string, !token.escaped else { return nil }
        return UnsafeBufferPointer(start: bytes + Int(token.start), count: Int(token.end - token.start))
    }

    /// The number of elements of an array or members of an object, counted without decoding.
    public var count: Int {
        guard token.kind == .array || token.kind == .object else { return 0 }
        var count = 0
        var child = index + 1
        let end = Int(token.next)
        while child < end {
            count += 1
            child = token.kind == .array ? Int(tokens[child].next) : Int(tokens[child + 1].next)
        }
        return count
    }

    /// True when this is a string equal to `literal` (compared on raw bytes, no allocation).
    public func isString(_ literal: StaticString) -> Bool {
        let token = token
        guard token.kind == .string, !token.escaped, Int(token.end - token.start) == literal.utf8CodeUnitCount else { return false }
        return memcmpBytes(bytes + Int(token.start), literal.utf8Start, literal.utf8CodeUnitCount)
    }

    /// A number, or a string holding a number (several venues quote their numbers), as an exact decimal.
    public var decimal: FixedDecimal? {
        let token = token
        if token.kind == .number, token.numberScale != JSONToken.notConverted {
            return FixedDecimal(mantissa: token.numberMantissa, scale: token.numberScale)
        }
        guard token.kind == .number || (token.kind == .string && !token.escaped) else { return nil }
        let range = Int(token.start)..<Int(token.end)
        return FixedDecimal(utf8: UnsafeBufferPointer(start: bytes + range.lowerBound, count: range.count))
    }

    /// An integral number (or quoted integer) as Int64; nil for fractions or out-of-range values.
    public var int64: Int64? {
        guard let value = decimal?.normalized, value.scale == 0 else { return nil }
        return value.mantissa
    }

    /// `true`/`false`; also 1/0, which Digitex uses for flags such as `isMaker`.
    public var bool: Bool? {
        switch token.kind {
        case .true: return true
        case .false: return false
        case .number: return int64.map { $0 != 0 }
        case .object, .array, .string, .null: return nil
        }
    }

    /// The raw bytes of this value as written (for strings, without the quotes), copied out.
    public var rawBytes: [UInt8] {
        Array(UnsafeBufferPointer(start: bytes + Int(token.start), count: Int(token.end - token.start)))
    }

    /// Byte range of the value in the frame; strings exclude their quotes.
    var byteRange: Range<Int> { Int(token.start)..<Int(token.end) }
}

/// The elements of one array, walked in order without allocating (see `JSONValue.arrayElements`).
struct JSONElements: Sequence, IteratorProtocol {
    private var upcoming: JSONValue
    private let end: Int

    /// The elements from the token after `array` up to (not including) token `end`.
    init(first array: JSONValue, end: Int) {
        self.upcoming = array.value(atToken: array.index + 1)
        self.end = end
    }

    /// No elements (an absent array field).
    static func empty(near value: JSONValue) -> JSONElements {
        JSONElements(first: value, end: value.index + 1)
    }

    mutating func next() -> JSONValue? {
        guard upcoming.index < end else { return nil }
        let element = upcoming
        upcoming = upcoming.value(atToken: Int(upcoming.tokens[upcoming.index].next))
        return element
    }
}

/// True when `count` bytes at `lhs` and `rhs` are equal; eight at a time (keys are mostly 3–20 bytes).
/// The tail is one more load that overlaps bytes already compared (re-comparing equal bytes is
/// harmless) rather than a byte loop: a key of 11 bytes took four byte compares, now one load.
/// Every load stays inside `[ptr, ptr + count)`.
@inline(__always)
func memcmpBytes(_ lhs: UnsafePointer<UInt8>, _ rhs: UnsafePointer<UInt8>, _ count: Int) -> Bool {
    let left = UnsafeRawPointer(lhs), right = UnsafeRawPointer(rhs)
    if count >= 8 {
        var offset = 0
        while offset + 8 < count {
            guard left.loadUnaligned(fromByteOffset: offset, as: UInt64.self) == right.loadUnaligned(fromByteOffset: offset, as: UInt64.self) else {
                return false
            }
            offset += 8
        }
        return left.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self) == right.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
    }
    if count >= 4 {
        return left.loadUnaligned(as: UInt32.self) == right.loadUnaligned(as: UInt32.self)
            && left.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self) == right.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)
    }
    if count >= 2 {
        return left.loadUnaligned(as: UInt16.self) == right.loadUnaligned(as: UInt16.self)
            && left.loadUnaligned(fromByteOffset: count - 2, as: UInt16.self) == right.loadUnaligned(fromByteOffset: count - 2, as: UInt16.self)
    }
    return count == 0 || lhs[0] == rhs[0]
}

/// Decodes the escapes of a JSON string body (already validated by the scanner).
func unescapeJSONString(_ raw: UnsafeBufferPointer<UInt8>) -> String? {
    var output: [UInt8] = []
    output.reserveCapacity(raw.count)
    var index = raw.startIndex
    var pendingHighSurrogate: UInt32?
    while index < raw.endIndex {
        let byte = raw[index]
        guard byte == UInt8(ascii: "\\") else {
            guard pendingHighSurrogate == nil else { return nil }
            output.append(byte)
            index += 1
            continue
        }
        let escape = raw[index + 1]
        index += 2
        if escape == UInt8(ascii: "u") {
            var code: UInt32 = 0
            for offset in 0..<4 { code = code << 4 | UInt32(hexValue(raw[index + offset]) ?? 0) }
            index += 4
            if let high = pendingHighSurrogate {
                guard (0xDC00...0xDFFF).contains(code) else { return nil }
                code = 0x10000 + ((high - 0xD800) << 10) + (code - 0xDC00)
                pendingHighSurrogate = nil
            } else if (0xD800...0xDBFF).contains(code) {
                pendingHighSurrogate = code
                continue
            } else if (0xDC00...0xDFFF).contains(code) {
                return nil
            }
            guard let scalar = Unicode.Scalar(code) else { return nil }
            output.append(contentsOf: Array(String(Character(scalar)).utf8))
            continue
        }
        guard pendingHighSurrogate == nil else { return nil }
        switch escape {
        case UInt8(ascii: "b"): output.append(0x08)
        case UInt8(ascii: "f"): output.append(0x0C)
        case UInt8(ascii: "n"): output.append(0x0A)
        case UInt8(ascii: "r"): output.append(0x0D)
        case UInt8(ascii: "t"): output.append(0x09)
        default: output.append(escape)  // \" \\ \/
        }
    }
    guard pendingHighSurrogate == nil else { return nil }
    return String(decoding: output, as: UTF8.self)
}
