import TapeCore
import Testing
@testable import Venues

@Suite("JSON cursor")
struct JSONCursorTests {
    /// Reads one number with a cursor over `text` followed by `after`.
    private func read(_ text: String, after: String) -> FixedDecimal? {
        Array((text + after).utf8).withUnsafeBufferPointer { buffer in
            var cursor = JSONCursor(buffer)!
            return cursor.decimal()
        }
    }

    @Test("plain numbers of every length read as FixedDecimal parses them (mantissa and scale); others are declined")
    func numbers() {
        var random = SeededRandom(seed: 11)
        var plain = ["0", "-0", "0.5", "7", "12345678", "1234567", "123456789012345678", "9999999999999999999",
                     "0.0000001", "0.00000001", "1234567.1234567", "1234567.12345678", "12345678.5", "98449.50", "10.0"]
        for digits in 1...19 {
            for fraction in [0, 1, 4, 7, 8, 18] {
                for sign in ["", "-"] {
                    let whole = (0..<digits).map { index in String(index == 0 ? 1 + random.next(below: 9) : random.next(below: 10)) }.joined()
                    let part = (0..<fraction).map { _ in String(random.next(below: 10)) }.joined()
                    plain.append(sign + whole + (fraction > 0 ? "." + part : ""))
                }
            }
        }
        // Each is read both with room after it (the one-word path for short integers) and at the very end.
        for text in plain {
            for after in [",1234567890]", "]", ""] {
                let value = read(text, after: after)
                let expected = FixedDecimal(text)
                #expect(value?.mantissa == expected?.mantissa && value?.scale == expected?.scale, "\(text) before \(after)")
            }
        }
        // Not plain, or not JSON: left to the general path.
        for text in ["1e3", "12E-2", "1.5e3", "1.5E-3", "12345678e3", "1234567890123E-2", "99999999999999999999", "0.1234567890123456789", "\"12\"", "-", ".5", "+1",
                     "null", "x", "1.", "1.x"] {
            #expect(read(text, after: ",1]") == nil, "\(text)")
        }
    }

    @Test("an integer of any length reads as Int64 parses it; a fraction, an exponent or an overflow is declined, the cursor left")
    func integers() {
        var random = SeededRandom(seed: 12)
        var texts = ["0", "-0", "7", "12345678", "123456789", "1597736006705", "9223372036854775807", "99999999999999999"]
        for digits in 1...19 {
            for sign in ["", "-"] {
                texts.append(sign + (0..<digits).map { index in String(index == 0 ? 1 + random.next(below: 9) : random.next(below: 10)) }.joined())
            }
        }
        for text in texts {
            // With room after it (the two-word path), right after it a separator, and at the very end.
            for after in [",1234567890]", "}", ""] {
                let read: Int64? = Array((text + after).utf8).withUnsafeBufferPointer { buffer in
                    var cursor = JSONCursor(buffer)!
                    return cursor.integer()
                }
                // What FixedDecimal reads as a whole number (it declines what does not fit).
                let expected = FixedDecimal(text).flatMap { $0.scale == 0 ? $0.mantissa : nil }
                #expect(read == expected, "\(text) before \(after)")
            }
        }
        for text in ["12345678.5", "1597736006705.0", "1234567890123e2", "12345678E-2", "99999999999999999999", "1.5", "\"12345678\""] {
            Array((text + ",1]").utf8).withUnsafeBufferPointer { buffer in
                var cursor = JSONCursor(buffer)!
                #expect(cursor.integer() == nil, "\(text)")
                #expect(cursor.offset == 0, "\(text): the cursor moved")
            }
        }
    }

    @Test("a quoted short decimal reads as FixedDecimal(utf8:) reads the string; any other string is left where it was")
    func quotedShortDecimals() {
        /// What `quotedShortDecimal` reads from `text` (nil if declined), and whether the cursor then
        /// stands on the string's opening quote (declined) or on the `,` after it (read).
        func quoted(_ text: String, after: String) -> (value: FixedDecimal?, positioned: Bool) {
            Array((text + after).utf8).withUnsafeBufferPointer { buffer in
                var cursor = JSONCursor(buffer)!
                let value = cursor.quotedShortDecimal()
                return (value, cursor.consume(UInt8(ascii: value == nil ? "\"" : ",")))
            }
        }
        var random = SeededRandom(seed: 23)
        let alphabet = Array("0123456789012345678901234567890123456789..-eE+x\\ ")
        var texts = ["98449.50", "0.643", "2300", "0", "00.10", "1234567.1234567", "12345678.1", "1.12345678", "1.", ".5", "-1.5", "1e3", "",
                     "-0.2452", "-0", "-", "--1", "-.5", "-1.", "+1", "-12345678.1"]
        for _ in 0..<20_000 {
            texts.append(String((0..<(1 + Int(random.next(below: 18)))).map { _ in alphabet[Int(random.next(below: UInt64(alphabet.count)))] }))
        }
        var read = 0
        for text in texts {
            for after in [",\"1234567890\"]", ","] {
                let (value, positioned) = quoted("\"" + text + "\"", after: after)
                #expect(positioned, "\(text) before \(after)")
                guard let value else { continue }
                read += 1
                let expected = Array(text.utf8).withUnsafeBufferPointer { FixedDecimal(utf8: $0) }
                #expect(value.mantissa == expected?.mantissa && value.scale == expected?.scale, "\(text) before \(after)")
            }
        }
        // The documented shapes are read (PnL with its sign too), and enough of the random ones to mean something.
        for text in ["98449.50", "0.643", "2300", "0", "1234567.1234567", "-0.2452", "-196.90", "99999.01550000", "-0.00012345"] {
            #expect(quoted("\"" + text + "\"", after: ",\"1234567\"]").value != nil, "\(text)")
        }
        #expect(read > 1_000, "\(read) read")
        // Not a string: nothing is read.
        #expect(quoted("12", after: ",1234567890]").value == nil)
    }

    @Test("a leading zero ends the number, as the lexeme reads it: the digit after it is left for the caller to refuse")
    func leadingZeros() {
        for text in ["00", "01", "00.5", "01.5", "0123", "01234567.5", "-00", "-01", "-01.5"] {
            let (value, next) = Array((text + ",1234567890]").utf8).withUnsafeBufferPointer { buffer in
                var cursor = JSONCursor(buffer)!
                return (cursor.decimal(), cursor.decimal())
            }
            #expect(value == FixedDecimal(0), "\(text)")
            #expect(next != nil, "\(text): the cursor stands on the second digit")
        }
    }

    @Test("an empty array is consumed whole, spaces and all; anything else is left where it was")
    func emptyArrays() {
        func empty(_ text: String) -> (consumed: Bool, next: UInt8?) {
            Array(text.utf8).withUnsafeBufferPointer { buffer in
                var cursor = JSONCursor(buffer)!
                let consumed = cursor.emptyArray()
                return (consumed, cursor.consume(UInt8(ascii: "[")) ? UInt8(ascii: "[") : cursor.consume(UInt8(ascii: ",")) ? UInt8(ascii: ",") : nil)
            }
        }
        #expect(empty("[],1") == (true, UInt8(ascii: ",")))
        #expect(empty(" [ ] ,1") == (true, UInt8(ascii: ",")))
        for other in ["[1]", "[[]]", "[,]", "["] {
            #expect(empty(other) == (false, UInt8(ascii: "[")), "\(other)")
        }
    }

    @Test("an integer's decimal text is String(value), for every length, both signs and the extremes")
    func integerText() {
        var random = SeededRandom(seed: 29)
        var values: [Int64] = [0, 1, -1, 9, 10, -10, 99, 100, .max, .min, .max - 1, .min + 1]
        for digits in 1...18 {
            let bound = (0..<digits).reduce(Int64(1)) { power, _ in power * 10 }
            for _ in 0..<20 {
                let value = Int64(bitPattern: random.next()) % bound
                values += [value, -value, bound, bound - 1, -bound]
            }
        }
        for value in values {
            #expect(decimalText(value) == String(value))
        }
    }

    @Test("a compact pair of quoted short decimals is read at once, as piece by piece; any other pair is left where it was")
    func compactQuotedPairs() {
        /// The pair read at once (nil if declined, then the cursor must stand on `[`), and the pair
        /// read piece by piece from the same bytes.
        func pair(_ text: String) -> (atOnce: [FixedDecimal]?, unmoved: Bool, pieces: [FixedDecimal]?) {
            Array((text + ",\"1234567890\"]").utf8).withUnsafeBufferPointer { buffer in
                var cursor = JSONCursor(buffer)!
                let atOnce = cursor.compactQuotedPair().map { [$0.0, $0.1] }
                var other = JSONCursor(buffer)!
                var price: FixedDecimal?, size: FixedDecimal?
                let read = other.consume(UInt8(ascii: "[")) && other.readDecimalOrQuoted(&price) && other.consume(UInt8(ascii: ","))
                    && other.readDecimalOrQuoted(&size) && other.consume(UInt8(ascii: "]"))
                return (atOnce, atOnce != nil || cursor.consume(UInt8(ascii: "[")), read ? [price!, size!] : nil)
            }
        }
        #expect(pair(#"["98449.50","0.643"]"#).atOnce == [FixedDecimal("98449.50")!, FixedDecimal("0.643")!])
        var random = SeededRandom(seed: 37)
        let alphabet = Array("0123456789012345678901234567890123456789.\"\",,[]- e")
        var read = 0
        func number() -> String {
            let digits = { (count: Int) in String((0..<count).map { _ in Character(String(random.next(below: 10))) }) }
            let whole = digits(Int(random.next(below: 10)))
            return random.next(below: 3) == 0 ? whole : whole + "." + digits(Int(random.next(below: 10)))
        }
        for _ in 0..<20_000 {
            // A level of two numbers of zero to nine digits a side, one byte after its `[` changed in
            // one level of two.
            var text = Array(#"[""# + number() + #"",""# + number() + #""]"#)
            if random.next(below: 2) == 0 {
                text[1 + Int(random.next(below: UInt64(text.count - 1)))] = alphabet[Int(random.next(below: UInt64(alphabet.count)))]
            }
            let (atOnce, unmoved, pieces) = pair(String(text))
            #expect(unmoved, "\(String(text))")
            guard let atOnce else { continue }
            read += 1
            #expect(atOnce == pieces, "\(String(text))")
        }
        #expect(read > 500, "\(read) read at once")
    }

    @Test("a compact pair of short integers is read at once; any other pair is left where it was")
    func compactPairs() {
        /// The pair read (nil if declined), and whether the cursor then stands before `[` (declined,
        /// unmoved) or before the `,` that follows the pair (read).
        func pair(_ text: String) -> (values: [FixedDecimal]?, positioned: Bool) {
            // Room after the pair, so that only its shape decides.
            Array((text + ",7,000000000").utf8).withUnsafeBufferPointer { buffer in
                var cursor = JSONCursor(buffer)!
                let values = cursor.compactIntegerPair().map { [$0.0, $0.1] }
                return (values, cursor.consume(UInt8(ascii: values == nil ? "[" : ",")))
            }
        }
        #expect(pair("[617,9840]") == ([FixedDecimal(617), FixedDecimal(9840)], true))
        #expect(pair("[0,1234567]") == ([FixedDecimal(0), FixedDecimal(1_234_567)], true))
        for declined in ["[01,5]", "[1, 5]", " [1,5]", "[-1,5]", "[1.5,2]", "[1,2e3]", "[12345678,1]", "[1,2,3]", "[1;2]"] {
            #expect(pair(declined) == (nil, true), "\(declined)")
        }
        #expect(pair("{1,2}") == (nil, false))
        // Too close to the end of the frame for a whole word: left to the general reads.
        let short = Array("[1,2]".utf8).withUnsafeBufferPointer { buffer in
            var cursor = JSONCursor(buffer)!
            return cursor.compactIntegerPair() == nil && cursor.consume(UInt8(ascii: "["))
        }
        #expect(short)
    }

    @Test("a short integer stops where it ends: the separator after it is still there")
    func stopsAtTheSeparator() {
        let bytes = Array("[617,9840],[1.5,12345678]".utf8)
        let (values, separators, atEnd) = bytes.withUnsafeBufferPointer { buffer in
            var cursor = JSONCursor(buffer)!
            var values: [FixedDecimal?] = []
            var separators = ""
            // Each structural byte, and whether a number follows it.
            for (separator, number) in [("[", true), (",", true), ("]", false), (",", false), ("[", true), (",", true), ("]", false)] {
                separators += cursor.consume(UInt8(ascii: Unicode.Scalar(separator)!)) ? separator : "?"
                if number { values.append(cursor.decimal()) }
            }
            return (values, separators, cursor.isAtEnd)
        }
        #expect(values == [FixedDecimal(617), FixedDecimal(9840), FixedDecimal(mantissa: 15, scale: 1), FixedDecimal(12_345_678)])
        #expect(separators == "[,],[,]" && atEnd)
    }

    @Test("skipValue steps over exactly one plain value, nested up to the limit, and declines anything else")
    func skipsValues() {
        /// Whether the value was stepped over, and whether the cursor then stands on the `|` after it.
        func skip(_ text: String) -> (skipped: Bool, onMarker: Bool) {
            Array((text + "|").utf8).withUnsafeBufferPointer { buffer in
                var cursor = JSONCursor(buffer)!
                let skipped = cursor.skipValue()
                return (skipped, cursor.consume(UInt8(ascii: "|")))
            }
        }
        let nested = String(repeating: "[", count: JSONCursor.skipDepthLimit) + String(repeating: "]", count: JSONCursor.skipDepthLimit)
        let plain = [#""text""#, #""""#, "-0.25", "1e300", "123456789012345678901234567890", "true", "false", "null",
                     " [ 1 , \"a\" , [ ] , { } ] ", #"{"a":{"b":[null,{"c":-1}]},"d":"e"}"#, nested]
        for text in plain {
            #expect(skip(text) == (true, true), "\(text)")
        }
        let tooDeep = "[" + nested + "]"
        for text in [#""esc\"aped""#, "tru", "nul", "-", "[1,]", #"{"a"}"#, #"{"a":1,}"#, "'x'", "+1", "", tooDeep] {
            #expect(!skip(text).skipped, "\(text)")
        }
        // A leading zero ends the number: the rest is left to the next read, which fails there.
        #expect(skip("01") == (true, false))
    }

    @Test("a flag reads as JSONValue.bool reads it: true, false, or an integer other than 0")
    func flags() {
        func flag(_ text: String) -> Bool? {
            Array((text + ",").utf8).withUnsafeBufferPointer { buffer in
                var cursor = JSONCursor(buffer)!
                return cursor.bool()
            }
        }
        #expect(flag("true") == true && flag("false") == false && flag("0") == false && flag("1") == true && flag("-2") == true)
        for text in ["1.5", "\"1\"", "null", "yes"] {
            #expect(flag(text) == nil, "\(text)")
        }
    }
}
