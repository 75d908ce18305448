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
    public var maxBytes: Int = 16 << 20

    private var tokens: [JSONToken] = []

    public init() {}

    /// Scans `bytes` into a document, reusing this scanner's token buffer.
    public mutating func scan(_ bytes: [UInt8]) throws(JSONError) -> JSONDocument {
        guard bytes.count <= maxBytes else {
            throw JSONError(reason: .tooLarge(limit: maxBytes), offset: maxBytes)
        }
        // Take the buffer out so that the document below does not force a copy on the next scan.
        var buffer = tokens
        tokens = []
        buffer.removeAll(keepingCapacity: true)
        let depthLimit = maxDepth
        let result: JSONError? = bytes.withUnsafeBufferPointer { (input) -> JSONError? in
            var parser = Parser(input: input, tokens: buffer, maxDepth: depthLimit)
            buffer = []
            defer { buffer = parser.tokens }
            do throws(JSONError) {
                parser.skipWhitespace()
                try parser.parseValue(depth: 0)
                parser.skipWhitespace()
                guard parser.position == input.count else {
                    throw JSONError(reason: .trailingBytes, offset: parser.position)
                }
                return nil
            } catch {
                return error
            }
        }
        if let result {
            tokens = buffer
            throw result
        }
        return JSONDocument(bytes: bytes, tokens: buffer)
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

private struct Parser {
    let input: UnsafeBufferPointer<UInt8>
    var tokens: [JSONToken]
    let maxDepth: Int
    var position = 0

    init(input: UnsafeBufferPointer<UInt8>, tokens: [JSONToken], maxDepth: Int) {
        self.input = input
        self.tokens = tokens
        self.maxDepth = maxDepth
    }

    mutating func skipWhitespace() {
        while position < input.count {
            switch input[position] {
            case 0x20, 0x0A, 0x0D, 0x09: position += 1
            default: return
            }
        }
    }

    mutating func parseValue(depth: Int) throws(JSONError) {
        guard position < input.count else { throw JSONError(reason: .unexpectedEnd, offset: position) }
        switch input[position] {
        case UInt8(ascii: "{"): try parseContainer(isObject: true, depth: depth)
        case UInt8(ascii: "["): try parseContainer(isObject: false, depth: depth)
        case UInt8(ascii: "\""): try parseString()
        case UInt8(ascii: "t"): try parseLiteral("true", kind: .true)
        case UInt8(ascii: "f"): try parseLiteral("false", kind: .false)
        case UInt8(ascii: "n"): try parseLiteral("null", kind: .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try parseNumber()
        case let byte: throw JSONError(reason: .unexpectedByte(byte), offset: position)
        }
    }

    private mutating func parseContainer(isObject: Bool, depth: Int) throws(JSONError) {
        guard depth < maxDepth else { throw JSONError(reason: .tooDeep(limit: maxDepth), offset: position) }
        let index = tokens.count
        let close = isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")
        tokens.append(JSONToken(kind: isObject ? .object : .array, escaped: false, start: Int32(position), end: 0, next: 0))
        position += 1
        skipWhitespace()
        if position < input.count, input[position] == close {
            position += 1
        } else {
            while true {
                if isObject {
                    guard position < input.count else { throw JSONError(reason: .unexpectedEnd, offset: position) }
                    guard input[position] == UInt8(ascii: "\"") else {
                        throw JSONError(reason: .unexpectedByte(input[position]), offset: position)
                    }
                    try parseString()
                    skipWhitespace()
                    try expect(UInt8(ascii: ":"))
                    skipWhitespace()
                }
                try parseValue(depth: depth + 1)
                skipWhitespace()
                guard position < input.count else { throw JSONError(reason: .unexpectedEnd, offset: position) }
                let byte = input[position]
                position += 1
                if byte == close { break }
                guard byte == UInt8(ascii: ",") else { throw JSONError(reason: .unexpectedByte(byte), offset: position - 1) }
                skipWhitespace()
            }
        }
        tokens[index].end = Int32(position)
        tokens[index].next = Int32(tokens.count)
    }

    private mutating func expect(_ byte: UInt8) throws(JSONError) {
        guard position < input.count else { throw JSONError(reason: .unexpectedEnd, offset: position) }
        guard input[position] == byte else { throw JSONError(reason: .unexpectedByte(input[position]), offset: position) }
        position += 1
    }

    private mutating func parseString() throws(JSONError) {
        position += 1  // opening quote
        let start = position
        var escaped = false
        while true {
            guard position < input.count else { throw JSONError(reason: .unexpectedEnd, offset: position) }
            let byte = input[position]
            if byte == UInt8(ascii: "\"") { break }
            if byte < 0x20 { throw JSONError(reason: .controlCharacterInString, offset: position) }
            if byte == UInt8(ascii: "\\") {
                escaped = true
                position += 1
                guard position < input.count else { throw JSONError(reason: .unexpectedEnd, offset: position) }
                switch input[position] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
                     UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    position += 1
                case UInt8(ascii: "u"):
                    guard position + 4 < input.count else { throw JSONError(reason: .unexpectedEnd, offset: position) }
                    for offset in 1...4 where hexValue(input[position + offset]) == nil {
                        throw JSONError(reason: .badEscape, offset: position + offset)
                    }
                    position += 5
                default:
                    throw JSONError(reason: .badEscape, offset: position)
                }
                continue
            }
            position += 1
        }
        let next = Int32(tokens.count + 1)
        tokens.append(JSONToken(kind: .string, escaped: escaped, start: Int32(start), end: Int32(position), next: next))
        position += 1  // closing quote
    }

    private mutating func parseLiteral(_ word: StaticString, kind: JSONToken.Kind) throws(JSONError) {
        let count = word.utf8CodeUnitCount
        guard position + count <= input.count else { throw JSONError(reason: .unexpectedEnd, offset: position) }
        let pointer = word.utf8Start
        for offset in 0..<count where input[position + offset] != pointer[offset] {
            throw JSONError(reason: .unexpectedByte(input[position + offset]), offset: position + offset)
        }
        tokens.append(JSONToken(kind: kind, escaped: false, start: Int32(position), end: Int32(position + count), next: Int32(tokens.count + 1)))
        position += count
    }

    /// JSON number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
    private mutating func parseNumber() throws(JSONError) {
        let start = position
        let negative = input[position] == UInt8(ascii: "-")
        if negative { position += 1 }
        guard position < input.count else { throw JSONError(reason: .unexpectedEnd, offset: position) }
        // The value is accumulated on the way (it is read later by nearly every decoder).
        var mantissa: Int64 = 0
        var exact = true
        var scale = 0
        if input[position] == UInt8(ascii: "0") {
            position += 1
        } else {
            guard accumulateDigits(into: &mantissa, exact: &exact) > 0 else { throw JSONError(reason: .badNumber, offset: position) }
        }
        if position < input.count, input[position] == UInt8(ascii: ".") {
            position += 1
            scale = accumulateDigits(into: &mantissa, exact: &exact)
            guard scale > 0 else { throw JSONError(reason: .badNumber, offset: position) }
        }
        if position < input.count, input[position] == UInt8(ascii: "e") || input[position] == UInt8(ascii: "E") {
            position += 1
            if position < input.count, input[position] == UInt8(ascii: "+") || input[position] == UInt8(ascii: "-") {
                position += 1
            }
            guard try digits() > 0 else { throw JSONError(reason: .badNumber, offset: position) }
            exact = false  // rare: left to `FixedDecimal(utf8:)`
        }
        var token = JSONToken(kind: .number, escaped: false, start: Int32(start), end: Int32(position), next: Int32(tokens.count + 1))
        if exact, scale <= Int(FixedDecimal.maxScale) {
            token.numberMantissa = negative ? -mantissa : mantissa
            token.numberScale = UInt8(scale)
        }
        tokens.append(token)
    }

    /// Consumes digits, adding them to `mantissa` while it fits; returns how many there were.
    @inline(__always)
    private mutating func accumulateDigits(into mantissa: inout Int64, exact: inout Bool) -> Int {
        let start = position
        while position < input.count {
            let digit = input[position] &- UInt8(ascii: "0")
            guard digit <= 9 else { break }
            if exact {
                let (shifted, overflowed) = mantissa.multipliedReportingOverflow(by: 10)
                let (next, carried) = shifted.addingReportingOverflow(Int64(digit))
                if overflowed || carried { exact = false } else { mantissa = next }
            }
            position += 1
        }
        return position - start
    }

    private mutating func digits() throws(JSONError) -> Int {
        let start = position
        while position < input.count, input[position] >= UInt8(ascii: "0"), input[position] <= UInt8(ascii: "9") {
            position += 1
        }
        return position - start
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
        let document: JSONDocument
        do {
            document = try scan(bytes)
        } catch {
            return .failure(UnrecognisedFrame(reason: .notJSON(error), raw: bytes))
        }
        defer { recycle(document) }
        do throws(DecodeFailure) {
            return .success(try document.withRoot(body))
        } catch {
            return .failure(UnrecognisedFrame(reason: error.reason, raw: bytes))
        }
    }
}
