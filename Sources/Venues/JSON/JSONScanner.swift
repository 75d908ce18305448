/// A validating JSON scanner that turns one frame into a flat array of tokens (a "tape").
///
/// Why not Foundation: `JSONDecoder` manages ~110–180 k frames/s on our machines and replay needs
/// ≥ 1 M/s per core. The scanner allocates nothing per frame once its token buffer has grown:
/// values are byte ranges into the frame, strings are only decoded when a field is read, numbers
/// are only converted when a field is read (`FixedDecimal(utf8:)`).
///
/// Limits are explicit: `maxDepth` nesting levels and `maxBytes` per frame; each violation is a
/// `JSONError` with the byte offset, so a bad frame can be reported with its reason.
public struct JSONScanner: Sendable {
    /// Deepest nesting accepted; no venue message we know goes past 6.
    public var maxDepth: Int = 64
    /// Largest frame accepted (bytes); Int32 offsets in tokens cap this at 2 GiB anyway.
    public var maxBytes: Int = JSONScanner.defaultMaxBytes
    public static let defaultMaxBytes = 16 << 20

    /// Token storage reused from frame to frame. Its `count` is its usable size: the parser writes
    /// tokens over it in place (see `scan`), so slots past a document's `tokenCount` are stale.
    private var tokens: [JSONToken] = []
    /// Lookup-table scratch lent to each document that `decode` reads (see `JSONDocument.withRoot`).
    private var scratch: [UInt64] = []

    public init() {}

    /// Frames up to this size get room for one token per byte up front, which no frame can exceed
    /// (every value takes at least one byte), so they never need a second pass.
    static let tokensPerByteBelow = 4096

    /// Scans `bytes` into a document, reusing this scanner's token buffer.
    public mutating func scan(_ bytes: [UInt8]) throws(JSONError) -> JSONDocument {
        guard bytes.count <= maxBytes else {
            throw JSONError(reason: .tooLarge(limit: maxBytes), offset: maxBytes)
        }
        // Token offsets are Int32 (the parser narrows them unchecked): refuse what they cannot hold,
        // whatever `maxBytes` says.
        guard bytes.count < Int(Int32.max) else {
            throw JSONError(reason: .tooLarge(limit: Int(Int32.max) - 1), offset: Int(Int32.max) - 1)
        }
        guard !bytes.isEmpty else { throw JSONError(reason: .unexpectedEnd, offset: 0) }
        // Take the buffer out so that the document below does not force a copy on the next scan.
        var buffer = tokens
        tokens = []
        var room = bytes.count <= JSONScanner.tokensPerByteBelow ? bytes.count : max(bytes.count / 4, JSONScanner.tokensPerByteBelow)
        let depthLimit = maxDepth
        while true {
            // Growing is the only time the buffer is initialised; after that tokens are written over it.
            if buffer.count < room {
                buffer.append(contentsOf: repeatElement(JSONToken(kind: .null, escaped: false, start: 0, end: 0, next: 0), count: room - buffer.count))
            }
            let outcome: Parser.Outcome = bytes.withUnsafeBufferPointer { input in
                buffer.withUnsafeMutableBufferPointer { output in
                    let parser = Parser(input: input, output: output, maxDepth: depthLimit)
                    return parser.run()
                }
            }
            switch outcome {
            case .finished(let tokenCount):
                return JSONDocument(bytes: bytes, tokens: buffer, tokenCount: tokenCount)
            case .failed(let error):
                tokens = buffer
                throw error
            case .outOfRoom:
                // Only frames past `tokensPerByteBelow` get here; one token per byte always suffices.
                room = min(bytes.count, room * 2)
            }
        }
    }

    /// Gives a finished document's token buffer back for reuse (optional; saves the regrowth).
    public mutating func recycle(_ document: consuming JSONDocument) {
        tokens = document.tokens
    }
}

/// What went wrong while scanning, and where.
public struct JSONError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Reason: Hashable, Sendable {
        case unexpectedEnd
        case unexpectedByte(UInt8)
        case badEscape
        case controlCharacterInString
        case badNumber
        case tooDeep(limit: Int)
        case tooLarge(limit: Int)
        case trailingBytes
    }

    public var reason: Reason
    /// Byte offset into the frame where scanning stopped.
    public var offset: Int

    public var description: String {
        let what: String
        switch reason {
        case .unexpectedEnd: what = "the frame ends inside a value"
        case .unexpectedByte(let byte): what = "unexpected byte 0x\(String(byte, radix: 16))"
        case .badEscape: what = "bad escape sequence in a string"
        case .controlCharacterInString: what = "unescaped control character in a string"
        case .badNumber: what = "malformed number"
        case .tooDeep(let limit): what = "nesting deeper than \(limit) levels"
        case .tooLarge(let limit): what = "frame larger than \(limit) bytes"
        case .trailingBytes: what = "bytes after the JSON value"
        }
        return "invalid JSON at byte \(offset): \(what); the frame is kept raw and skipped"
    }
}

/// One value on the tape. Containers know where their subtree ends so lookups can skip it.
struct JSONToken: Sendable {
    enum Kind: UInt8, Sendable {
        case object, array, string, number, `true`, `false`, null
    }

    var kind: Kind
    /// Strings: true when the raw bytes contain a backslash escape and need decoding.
    var escaped: Bool
    /// Byte range of the value; for strings it excludes the quotes.
    var start: Int32
    var end: Int32
    /// Index of the first token after this value's subtree.
    var next: Int32
    /// Numbers: the value converted while scanning (one pass over the digits), when it is a plain
    /// decimal that fits; `numberScale` is `JSONToken.notConverted` otherwise (exponent, overflow).
    var numberMantissa: Int64 = 0
    var numberScale: UInt8 = JSONToken.notConverted

    static let notConverted: UInt8 = .max
}

/// The scanner proper: one loop over the frame's bytes with an explicit stack of open
/// containers, writing tokens into a preallocated buffer.
///
/// Why one loop and raw pointers: a recursive parser with `Array.append` per token kept its
/// position in memory across calls and paid a uniqueness and capacity check per token; that was
/// most of the scan time. Here position and token count live in locals. Safety rests on two checks:
/// every read is preceded by `position < count` (or `position + 8 <= count` for a word), and every
/// write by `tokenCount < capacity`; `scan` keeps both buffers alive around `run`.
private struct Parser {
    enum Outcome {
        case finished(tokenCount: Int)
        case failed(JSONError)
        /// The token buffer is full: `scan` grows it and scans again.
        case outOfRoom
    }

    /// Why parsing stopped early.
    enum Stop: Error {
        case invalid(JSONError)
        case outOfRoom
    }

    /// What the loop expects next.
    private enum Expecting {
        case value
        case key
        /// A value just ended: a comma, the close of the innermost container, or the end.
        case separator
    }

    let input: UnsafePointer<UInt8>
    let count: Int
    let output: UnsafeMutablePointer<JSONToken>
    let capacity: Int
    let maxDepth: Int

    init(input: UnsafeBufferPointer<UInt8>, output: UnsafeMutableBufferPointer<JSONToken>, maxDepth: Int) {
        // `scan` never passes an empty frame, and its token room is at least one per byte up to a bound.
        self.input = input.baseAddress!
        self.count = input.count
        self.output = output.baseAddress!
        self.capacity = output.count
        self.maxDepth = maxDepth
    }

    func run() -> Outcome {
        // Open containers: their token indices. Nesting can exceed neither the limit nor the byte count.
        let stackCapacity = max(1, min(maxDepth, count))
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: stackCapacity) { stack in
            do throws(Stop) {
                return .finished(tokenCount: try parse(stack: stack.baseAddress!))
            } catch {
                switch error {
                case .invalid(let error): return .failed(error)
                case .outOfRoom: return .outOfRoom
                }
            }
        }
    }

    /// An offset or token index narrowed to a token field; `scan` refuses frames of 2 GiB or more,
    /// and tokens never outnumber bytes, so it always fits.
    @inline(__always)
    private func narrow(_ value: Int) -> Int32 {
        Int32(truncatingIfNeeded: value)
    }

    private func invalid(_ reason: JSONError.Reason, at offset: Int) -> Stop {
        .invalid(JSONError(reason: reason, offset: offset))
    }

    private func parse(stack: UnsafeMutablePointer<Int>) throws(Stop) -> Int {
        var position = 0
        var tokenCount = 0
        var depth = 0
        var expecting = Expecting.value
        skipWhitespace(&position)
        while true {
            switch expecting {
            case .key:
                guard position < count else { throw invalid(.unexpectedEnd, at: position) }
                guard input[position] == UInt8(ascii: "\"") else { throw invalid(.unexpectedByte(input[position]), at: position) }
                try parseString(&position, &tokenCount)
                skipWhitespace(&position)
                guard position < count else { throw invalid(.unexpectedEnd, at: position) }
                guard input[position] == UInt8(ascii: ":") else { throw invalid(.unexpectedByte(input[position]), at: position) }
                position += 1
                skipWhitespace(&position)
                expecting = .value
            case .value:
                guard position < count else { throw invalid(.unexpectedEnd, at: position) }
                let byte = input[position]
                switch byte {
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    guard depth < maxDepth else { throw invalid(.tooDeep(limit: maxDepth), at: position) }
                    guard tokenCount < capacity else { throw .outOfRoom }
                    // Kind and start now; `end` and `next` when the container closes.
                    output[tokenCount] = JSONToken(kind: byte == UInt8(ascii: "{") ? .object : .array, escaped: false,
                                                   start: narrow(position), end: 0, next: 0)
                    stack[depth] = tokenCount
                    depth += 1
                    tokenCount += 1
                    position += 1
                    skipWhitespace(&position)
                    if position < count, input[position] == byte &+ 2 {  // `}` and `]` are their opener + 2
                        expecting = .separator
                    } else {
                        expecting = byte == UInt8(ascii: "{") ? .key : .value
                    }
                    continue
                case UInt8(ascii: "\""): try parseString(&position, &tokenCount)
                case UInt8(ascii: "t"): try parseLiteral("true", kind: .true, &position, &tokenCount)
                case UInt8(ascii: "f"): try parseLiteral("false", kind: .false, &position, &tokenCount)
                case UInt8(ascii: "n"): try parseLiteral("null", kind: .null, &position, &tokenCount)
                case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try parseNumber(&position, &tokenCount)
                default: throw invalid(.unexpectedByte(byte), at: position)
                }
                expecting = .separator
            case .separator:
                skipWhitespace(&position)
                guard depth > 0 else {
                    guard position == count else { throw invalid(.trailingBytes, at: position) }
                    return tokenCount
                }
                let open = stack[depth - 1]
                guard position < count else { throw invalid(.unexpectedEnd, at: position) }
                let byte = input[position]
                position += 1
                let isObject = output[open].kind == .object
                if byte == (isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
                    // An empty container arrives here too, with its close byte not yet consumed.
                    output[open].end = narrow(position)
                    output[open].next = narrow(tokenCount)
                    depth -= 1
                    continue
                }
                guard byte == UInt8(ascii: ",") else { throw invalid(.unexpectedByte(byte), at: position - 1) }
                skipWhitespace(&position)
                expecting = isObject ? .key : .value
            }
        }
    }

    @inline(__always)
    private func skipWhitespace(_ position: inout Int) {
        // All four whitespace bytes are ≤ 0x20; anything above ends the run at once.
        while position < count, input[position] <= 0x20 {
            switch input[position] {
            case 0x20, 0x0A, 0x0D, 0x09: position += 1
            default: return
            }
        }
    }

    /// A string starting at its opening quote.
    @inline(__always)
    private func parseString(_ position: inout Int, _ tokenCount: inout Int) throws(Stop) {
        var index = position + 1  // opening quote
        let start = index
        var escaped = false
        // Eight bytes at a time while none of them is special (most keys and ids are plain).
        while index + 8 <= count {
            let word = UInt64(littleEndian: UnsafeRawPointer(input + index).loadUnaligned(as: UInt64.self))
            let lanes = stringSpecialLanes(word)
            if lanes != 0 {
                index += lanes.trailingZeroBitCount / 8
                break
            }
            index += 8
        }
        while true {
            guard index < count else { throw invalid(.unexpectedEnd, at: index) }
            let byte = input[index]
            if byte == UInt8(ascii: "\"") { break }
            if byte < 0x20 { throw invalid(.controlCharacterInString, at: index) }
            if byte == UInt8(ascii: "\\") {
                escaped = true
                index += 1
                guard index < count else { throw invalid(.unexpectedEnd, at: index) }
                switch input[index] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
                     UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    index += 1
                case UInt8(ascii: "u"):
                    guard index + 4 < count else { throw invalid(.unexpectedEnd, at: index) }
                    for offset in 1...4 where hexValue(input[index + offset]) == nil {
                        throw invalid(.badEscape, at: index + offset)
                    }
                    index += 5
                default:
                    throw invalid(.badEscape, at: index)
                }
                continue
            }
            index += 1
        }
        guard tokenCount < capacity else { throw .outOfRoom }
        output[tokenCount] = JSONToken(kind: .string, escaped: escaped, start: narrow(start), end: narrow(index), next: narrow(tokenCount + 1))
        tokenCount += 1
        position = index + 1  // closing quote
    }

    private func parseLiteral(_ word: StaticString, kind: JSONToken.Kind, _ position: inout Int, _ tokenCount: inout Int) throws(Stop) {
        let length = word.utf8CodeUnitCount
        guard position + length <= count else { throw invalid(.unexpectedEnd, at: position) }
        let pointer = word.utf8Start
        for offset in 0..<length where input[position + offset] != pointer[offset] {
            throw invalid(.unexpectedByte(input[position + offset]), at: position + offset)
        }
        guard tokenCount < capacity else { throw .outOfRoom }
        output[tokenCount] = JSONToken(kind: kind, escaped: false, start: narrow(position), end: narrow(position + length), next: narrow(tokenCount + 1))
        tokenCount += 1
        position += length
    }

    @inline(__always)
    private func parseNumber(_ position: inout Int, _ tokenCount: inout Int) throws(Stop) {
        let number = JSONNumberLexeme(input, count: count, at: position)
        if let failure = number.failure { throw invalid(failure, at: number.end) }
        guard tokenCount < capacity else { throw .outOfRoom }
        var token = JSONToken(kind: .number, escaped: false, start: narrow(position), end: narrow(number.end), next: narrow(tokenCount + 1))
        token.numberMantissa = number.mantissa
        token.numberScale = number.scale
        output[tokenCount] = token
        tokenCount += 1
        position = number.end
    }
}

/// One number literal read from a frame, converted on the way (nearly every decoder reads the
/// value later): the scanner and `JSONCursor` both read numbers through this, so they agree.
struct JSONNumberLexeme {
    /// One past the literal; where it went wrong when `failure` is set.
    var end: Int
    var failure: JSONError.Reason?
    /// The value as `mantissa × 10^-scale`, when it is a plain decimal that fits; `scale` is
    /// `JSONToken.notConverted` otherwise (an exponent, more digits than an Int64 holds, or more
    /// than `FixedDecimal.maxScale` after the point), left to `FixedDecimal(utf8:)`.
    var mantissa: Int64 = 0
    var scale: UInt8 = JSONToken.notConverted

    /// Reads the literal starting at `start` (a `-` or a digit), by the JSON number grammar
    /// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
    @inline(__always)
    init(_ input: UnsafePointer<UInt8>, count: Int, at start: Int) {
        var index = start
        let negative = input[index] == UInt8(ascii: "-")
        if negative { index += 1 }
        guard index < count else {
            self.end = index
            self.failure = .unexpectedEnd
            return
        }
        var mantissa: Int64 = 0
        var exact = true
        var scale = 0
        if input[index] == UInt8(ascii: "0") {
            index += 1
        } else {
            let digitsStart = index
            Self.accumulateDigits(input, count: count, at: &index, into: &mantissa, exact: &exact)
            guard index > digitsStart else {
                self.end = index
                self.failure = .badNumber
                return
            }
        }
        if index < count, input[index] == UInt8(ascii: ".") {
            index += 1
            let fractionStart = index
            Self.accumulateDigits(input, count: count, at: &index, into: &mantissa, exact: &exact)
            scale = index - fractionStart
            guard scale > 0 else {
                self.end = index
                self.failure = .badNumber
                return
            }
        }
        if index < count, input[index] | 0x20 == UInt8(ascii: "e") {
            index += 1
            if index < count, input[index] == UInt8(ascii: "+") || input[index] == UInt8(ascii: "-") {
                index += 1
            }
            let exponentStart = index
            while index < count, input[index] &- UInt8(ascii: "0") <= 9 { index += 1 }
            guard index > exponentStart else {
                self.end = index
                self.failure = .badNumber
                return
            }
            exact = false  // rare: left to `FixedDecimal(utf8:)`
        }
        self.end = index
        if exact, scale <= Int(FixedDecimal.maxScale) {
            self.mantissa = negative ? -mantissa : mantissa
            self.scale = UInt8(scale)
        }
    }

    /// Consumes digits from `position`, adding them to `mantissa` while it fits.
    @inline(__always)
    private static func accumulateDigits(
        _ input: UnsafePointer<UInt8>, count: Int, at position: inout Int, into mantissa: inout Int64, exact: inout Bool
    ) {
        var value = mantissa
        var index = position
        // Eight bytes at a time while eight more digits would fit (prices and sizes are mostly
        // 3–8 digits: a byte loop spent a third of an order book's decode here).
        while index + 8 <= count, value < 10_000_000_000 {
            let word = UInt64(littleEndian: UnsafeRawPointer(input + index).loadUnaligned(as: UInt64.self))
            let digits = leadingDigitCount(word)
            guard digits > 0 else { break }
            value = value &* decimalPowerOfTen(digits) &+ Int64(digitValue(word, count: digits))
            index += digits
            guard digits == 8 else {
                mantissa = value
                position = index
                return
            }
        }
        // Below 10^15 one more digit always fits an Int64: no overflow checks until then.
        while index < count, value < 1_000_000_000_000_000 {
            let digit = input[index] &- UInt8(ascii: "0")
            guard digit <= 9 else { break }
            value = value &* 10 &+ Int64(digit)
            index += 1
        }
        while index < count {
            let digit = input[index] &- UInt8(ascii: "0")
            guard digit <= 9 else { break }
            if exact {
                let (shifted, overflowed) = value.multipliedReportingOverflow(by: 10)
                let (next, carried) = shifted.addingReportingOverflow(Int64(digit))
                if overflowed || carried { exact = false } else { value = next }
            }
            index += 1
        }
        mantissa = value
        position = index
    }
}

/// How many of the eight bytes of `word` (first byte lowest) are ASCII digits before the first
/// byte that is not.
@inline(__always)
func leadingDigitCount(_ word: UInt64) -> Int {
    nonDigitFlags(word).trailingZeroBitCount / 8
}

/// The high bit of each byte of `word` that is not an ASCII digit, every other bit clear. A byte
/// of 0xFA or more may also flag the byte after it, but never a byte before it: the first two
/// flagged bytes are always true non-digits.
@inline(__always)
func nonDigitFlags(_ word: UInt64) -> UInt64 {
    let nibbles: UInt64 = 0xF0F0_F0F0_F0F0_F0F0
    let threes: UInt64 = 0x3030_3030_3030_3030
    // A digit byte is 0x30–0x39: its high nibble is 3, and still 3 after adding 6. (Adding 6 to a
    // byte ≥ 0xFA carries into the next byte, but such a byte is already not a digit.)
    let notDigit = ((word & nibbles) ^ threes) | (((word &+ 0x0606_0606_0606_0606) & nibbles) ^ threes)
    // The high bit of each byte of `notDigit` that is not zero.
    let low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
    return (((notDigit & low7) &+ low7) | notDigit) & 0x8080_8080_8080_8080
}

/// The value of the first `count` (1…8) bytes of `word`, which are ASCII digits, first byte most
/// significant: the digits are shifted to the top (what falls below is zeros, leading zeros of
/// the number), then combined in pairs, then pairs of pairs, with three multiplications.
@inline(__always)
func digitValue(_ word: UInt64, count: Int) -> UInt64 {
    var chunk = (word &- 0x3030_3030_3030_3030) << UInt64(8 * (8 - count))
    // Each even byte becomes ten times itself plus the next byte: two digits, 0…99.
    chunk = (chunk &* 10) &+ (chunk >> 8)
    // Bytes 0, 2, 4 and 6 now hold the pairs p0…p3; the top half of this sum is
    // p0·10^6 + p1·10^4 + p2·10^2 + p3, and the bottom half cannot carry into it.
    let pairMask: UInt64 = 0x0000_00FF_0000_00FF
    let evenPairs = (chunk & pairMask) &* (100 &+ (1_000_000 << 32))
    let oddPairs = ((chunk >> 16) & pairMask) &* (1 &+ (10_000 << 32))
    return (evenPairs &+ oddPairs) >> 32
}

/// 10^digits for 1…8 digits.
@inline(__always)
func decimalPowerOfTen(_ digits: Int) -> Int64 {
    switch digits {
    case 1: 10
    case 2: 100
    case 3: 1_000
    case 4: 10_000
    case 5: 100_000
    case 6: 1_000_000
    case 7: 10_000_000
    default: 100_000_000
    }
}

/// The value of one hex digit, or nil.
func hexValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
    default: nil
    }
}

extension JSONScanner {
    /// Scans `bytes` and reads the root with `body`; any failure (not JSON, missing or bad field,
    /// unknown type) becomes an `UnrecognisedFrame` carrying the reason and the raw bytes.
    /// Every venue codec decodes through this one path.
    mutating func decode<Message>(
        _ bytes: [UInt8], _ body: (JSONValue) throws(DecodeFailure) -> Message
    ) -> Result<Message, UnrecognisedFrame> {
        do throws(UnrecognisedFrame) {
            return .success(try decodeThrowing(bytes, body))
        } catch {
            return .failure(error)
        }
    }

    /// `decode` with typed throws, for hot paths: a `Result` around a large message enum costs a
    /// generic copy and destroy of the message per frame.
    mutating func decodeThrowing<Message>(
        _ bytes: [UInt8], _ body: (JSONValue) throws(DecodeFailure) -> Message
    ) throws(UnrecognisedFrame) -> Message {
        let document: JSONDocument
        do {
            document = try scan(bytes)
        } catch {
            throw UnrecognisedFrame(reason: .notJSON(error), raw: bytes)
        }
        defer { recycle(document) }
        let slots = document.scratchSlots
        if scratch.count < slots { scratch = Array(repeating: 0, count: slots) }
        return try scratch.withUnsafeMutableBufferPointer { (scratch) throws(UnrecognisedFrame) -> Message in
            do throws(DecodeFailure) {
                return try document.withRoot(scratch: scratch.baseAddress!, slots: slots, body)
            } catch {
                throw UnrecognisedFrame(reason: error.reason, raw: bytes)
            }
        }
    }
}

/// A word with 0x80 set in each byte lane that holds `"`, `\` or a byte below 0x20 (and
/// possibly in lanes above the first such lane, which callers never look past): where a JSON
/// string's plain run ends. The scanner and `JSONCursor` both walk strings eight bytes at a time with it.
@inline(__always)
func stringSpecialLanes(_ word: UInt64) -> UInt64 {
    let ones: UInt64 = 0x0101_0101_0101_0101
    let highs: UInt64 = 0x8080_8080_8080_8080
    let quote = word ^ (ones &* 0x22)
    let backslash = word ^ (ones &* 0x5C)
    let zeroQuote = (quote &- ones) & ~quote
    let zeroBackslash = (backslash &- ones) & ~backslash
    let control = (word &- ones &* 0x20) & ~word
    return (zeroQuote | zeroBackslash | control) & highs
}
