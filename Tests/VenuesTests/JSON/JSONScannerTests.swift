import TapeCore
import Testing
@testable import Venues

@Suite("JSON scanner")
struct JSONScannerTests {
    private func scan(_ text: String) throws(JSONError) -> JSONDocument {
        var scanner = JSONScanner()
        return try scanner.scan(Array(text.utf8))
    }

    @Test("finds members, elements, strings and numbers without decoding the rest")
    func reading() throws {
        let document = try scan(#"{"ch":"trades","data":{"trades":[{"px":9845,"qty":2356},{"px":9845.5,"qty":75}],"ok":true,"n":null}}"#)
        document.withRoot { root in
            #expect(root["ch"]?.isString("trades") == true)
            #expect(root["missing"] == nil)
            let trades = root["data"]?["trades"]?.elements ?? []
            #expect(trades.count == 2)
            #expect(trades.last?["px"]?.decimal == FixedDecimal("9845.5"))
            #expect(root["data"]?["ok"]?.bool == true)
            #expect(root["data"]?["n"]?.isNull == true)
            #expect(root["data"]?["trades"]?["px"] == nil, "an array has no members")
        }
    }

    @Test("numbers converted while scanning equal the same literals parsed on their own")
    func numbersConvertedWhileScanning() throws {
        let literals = ["0", "-0", "7", "-12.50", "0.00000482", "104705.4583", "9223372036854775807", "9223372036854775808",
                        "-9223372036854775807", "1.5e2", "4.82E-06", "0.1234567890123456789", "123456789.123456789", "1e400"]
        let document = try scan("[" + literals.joined(separator: ",") + "]")
        let converted = document.withRoot { root in root.elements.map(\.decimal) }
        #expect(converted == literals.map { FixedDecimal($0) })
        #expect(converted[3] == FixedDecimal(mantissa: -1250, scale: 2) && converted[3]?.description == "-12.50")
        #expect(converted[7] == nil && converted[11] == nil && converted[13] == nil, "overflow and scale > 18 are not numbers we keep")
    }

    @Test("decodes escapes, including surrogate pairs")
    func escapes() throws {
        let document = try scan(#"{"k\"ey":"a\"b\\c\n\u00e9\ud83d\ude00"}"#)
        document.withRoot { root in
            let member = root.members.first
            #expect(member?.key == "k\"ey")
            #expect(member?.value.string == "a\"b\\c\né😀")
            #expect(root["k\"ey"] == nil, "escaped keys are not matched byte for byte")
        }
    }

    @Test("rejects malformed input with the offset of the problem")
    func errors() {
        let cases: [(String, JSONError.Reason, Int)] = [
            (#"{"a":1"#, .unexpectedEnd, 6),
            (#"{"a":01}"#, .unexpectedByte(UInt8(ascii: "1")), 6),
            (#"{"a":-}"#, .badNumber, 6),
            (#"{"a":"\x"}"#, .badEscape, 7),
            (#"{"a":1} x"#, .trailingBytes, 8),
            (#"{a:1}"#, .unexpectedByte(UInt8(ascii: "a")), 1),
            ("[tru]", .unexpectedByte(UInt8(ascii: "]")), 4),
        ]
        for (text, reason, offset) in cases {
            #expect(throws: JSONError(reason: reason, offset: offset), "\(text)") { try scan(text) }
        }
    }

    @Test("strings of every length up to 40 bytes find their quote, escapes and control bytes")
    func wordScanning() throws {
        for length in 0..<40 {
            let body = String(repeating: "é", count: length / 2) + String(repeating: "x", count: length - length / 2)
            let document = try scan(#"{"k":"\#(body)","n":1}"#)
            #expect(document.withRoot { $0["k"]?.string } == body)
            #expect(document.withRoot { $0["n"]?.int64 } == 1)
            let escaped = try scan(#"{"k":"\#(body)\"q"}"#)
            #expect(escaped.withRoot { $0["k"]?.string } == body + "\"q")
            let prefix = Array(#"{"k":""#.utf8) + Array(body.utf8)
            #expect(throws: JSONError(reason: .controlCharacterInString, offset: prefix.count)) {
                var scanner = JSONScanner()
                _ = try scanner.scan(prefix + [0x01] + Array(#""}"#.utf8))
            }
        }
    }

    @Test("stops at the depth limit instead of recursing without end")
    func depthLimit() {
        var scanner = JSONScanner()
        scanner.maxDepth = 8
        let deep = Array(String(repeating: "[", count: 9).utf8) + Array(String(repeating: "]", count: 9).utf8)
        #expect(throws: JSONError(reason: .tooDeep(limit: 8), offset: 8)) { try scanner.scan(deep) }
        let fine = Array(String(repeating: "[", count: 8).utf8) + Array(String(repeating: "]", count: 8).utf8)
        #expect(throws: Never.self) { try scanner.scan(fine) }
    }

    @Test("the same scanner reads frame after frame, including after a failure")
    func reuse() throws {
        var scanner = JSONScanner()
        _ = try? scanner.scan(Array("{oops".utf8))
        for value in 0..<50 {
            let document = try scanner.scan(Array(#"{"v":\#(value)}"#.utf8))
            #expect(document.withRoot { $0["v"]?.int64 } == Int64(value))
            scanner.recycle(document)
        }
    }

    @Test("a frame with more values than the first guess of room is scanned again, and the scanner then reads small frames")
    func rescanWhenTokensOutgrowTheGuess() throws {
        // 10,000 one-digit numbers in 20,001 bytes: the first guess (a quarter of the bytes) is too small.
        var scanner = JSONScanner()
        let values = (0..<10_000).map { String($0 % 10) }
        let large = try scanner.scan(Array(("[" + values.joined(separator: ",") + "]").utf8))
        let (count, sum, last) = large.withRoot { root in
            var sum: Int64 = 0
            for element in root.arrayElements { sum += element.int64 ?? 1_000_000 }
            return (root.count, sum, root.elements.last?.int64)
        }
        #expect(count == 10_000 && sum == 45_000 && last == 9)
        scanner.recycle(large)
        let small = try scanner.scan(Array(#"{"a":[1,{"b":"c"}],"d":true}"#.utf8))
        #expect(small.withRoot { $0["a"]?.elements.last?["b"]?.string } == "c")
        #expect(small.withRoot { $0["d"]?.bool } == true)
        #expect(throws: JSONError(reason: .unexpectedEnd, offset: 0)) { try scanner.scan([]) }
    }

    @Test("array fields are walked in order; an absent or null one is empty, any other non-array is a bad field")
    func arrayFields() throws {
        try scan(#"{"xs":[3,[4],{"y":5}],"n":null,"s":"no"}"#).withRoot { (root) throws(DecodeFailure) in
            let fields = try FieldReader(root, message: "arrays")
            let kinds = try fields.array("xs").map { $0.isNumber ? "number" : $0.isArray ? "array" : $0.isObject ? "object" : "?" }
            #expect(kinds == ["number", "array", "object"])
            #expect(try Array(fields.array("missing")).isEmpty)
            #expect(try Array(fields.array("n")).isEmpty)
            #expect(throws: DecodeFailure.self) { try fields.array("s") }
        }
    }

    @Test("the field reader finds members in any order and misses cleanly")
    func fieldReaderOrder() throws {
        let document = try scan(#"{"a":1,"b":2,"c":3,"d":4}"#)
        try document.withRoot { (root) throws(DecodeFailure) in
            let fields = try FieldReader(root, message: "test")
            #expect(try fields.int("a") == 1)
            #expect(try fields.int("c") == 3)
            #expect(try fields.int("b") == 2, "out of document order")
            #expect(try fields.optionalInt("zz") == nil)
            #expect(try fields.int("d") == 4)
            #expect(try fields.int("d") == 4, "asking twice works")
            #expect(try fields.optionalInt("a") == 1)
        }
        // A wide object gets a bigger table, with the same answers.
        let wide = "{" + (0..<40).map { "\"k\($0)\":\($0)" }.joined(separator: ",") + "}"
        try scan(wide).withRoot { (root) throws(DecodeFailure) in
            let fields = try FieldReader(root, message: "wide")
            #expect(try fields.int("k39") == 39)
            #expect(try fields.int("k0") == 0)
            #expect(try fields.optionalInt("k40") == nil)
        }
        // A frame with more objects than the scratch area holds: later readers scan, same answers.
        let many = "[" + (0..<3_000).map { #"{"a":\#($0),"b":1,"c":2,"d":3,"e":4}"# }.joined(separator: ",") + "]"
        try scan(many).withRoot { (root) throws(DecodeFailure) in
            var sum: Int64 = 0
            for element in root.elements {
                let fields = try FieldReader(element, message: "many")
                sum += try fields.int("a") + fields.int("e")
            }
            #expect(sum == (0..<3_000).reduce(0) { $0 + Int64($1) + 4 })
        }
        // An escaped key makes the reader fall back to scanning (escaped keys never match a literal).
        try scan(#"{"a\u0062":1,"c":2}"#).withRoot { (root) throws(DecodeFailure) in
            let fields = try FieldReader(root, message: "escaped")
            #expect(try fields.int("c") == 2)
            #expect(try fields.optionalInt("ab") == nil)
        }
    }

    @Test("JSON output escapes strings and keeps member order")
    func output() {
        let json = JSONOutput.object([("b", .int(1)), ("a", .string("q\"\n\u{01}")), ("c", .array([.bool(true), .null]))])
        #expect(json.text == #"{"b":1,"a":"q\"\n\u0001","c":[true,null]}"#)
    }

    @Test("byte comparison agrees with elementsEqual at every length up to 40 and every differing byte")
    func byteComparison() {
        let base = (0..<40).map { UInt8(ascii: "a") + UInt8($0 % 26) }
        var agrees = true
        for count in 0...base.count {
            for differing in -1..<count {
                var other = base
                if differing >= 0 { other[differing] ^= 0x20 }
                let expected = base[..<count].elementsEqual(other[..<count])
                let actual = base.withUnsafeBufferPointer { lhs in
                    other.withUnsafeBufferPointer { rhs in memcmpBytes(lhs.baseAddress!, rhs.baseAddress!, count) }
                }
                agrees = agrees && actual == expected
            }
        }
        #expect(agrees)
    }

    @Test("numbers of every length, signed, with and without fractions, read as FixedDecimal parses their text")
    func numbersOfEveryLength() throws {
        var random = SeededRandom(seed: 7)
        var texts: [String] = ["0", "-0", "0.5", "12345678", "123456789012345678", "9999999999999999999", "1e3", "-1.25E-2"]
        for digits in 1...19 {
            for fraction in [0, 1, 7, 8, 9, 17, 19] {
                for sign in ["", "-"] {
                    let whole = (0..<digits).map { index in String(index == 0 ? 1 + random.next(below: 9) : random.next(below: 10)) }.joined()
                    let part = (0..<fraction).map { _ in String(random.next(below: 10)) }.joined()
                    texts.append(sign + whole + (fraction > 0 ? "." + part : ""))
                }
            }
        }
        var agrees = true
        for text in texts {
            let document = try scan("[" + text + ",1234567890]")
            document.withRoot { root in
                // The same mantissa and scale, not only an equal value.
                let value = root.elements.first?.decimal
                let expected = FixedDecimal(text)
                if value?.mantissa != expected?.mantissa || value?.scale != expected?.scale {
                    agrees = false
                    Issue.record("\(text) read as \(String(describing: value))")
                }
            }
        }
        #expect(agrees)
        // A letter inside the digits ends the number where the array expects a comma.
        #expect(throws: JSONError.self) { try scan("[1234567a9]") }
    }
}
