import TapeCore
import Venues

/// Writes any value of the venue model as canonical JSON: one form per value, the same bytes in
/// every process. It is what `--events` prints and what the digest hashes.
///
/// The rules (also in docs/DETERMINISM.md): structs are objects with their stored properties in
/// declaration order; enums without payload are their case name as a string; enums with a
/// payload are `{"case": payload}` (several payload values make an object, unlabelled ones keyed
/// `"0"`, `"1"`, …); optionals are the value or `null`; arrays keep their order; dictionaries are
/// objects with keys sorted by their text; `FixedDecimal` is its exact decimal text as a string
/// (no binary floating point); `Timestamp` is integer nanoseconds; `[UInt8]` (raw frames) is a
/// string of its UTF-8 text (invalid sequences become U+FFFD); integers are plain digits.
/// The walk uses `Mirror`, so it is meant for event output and the digest, not for the hot path.
public enum CanonicalJSON {
    /// The canonical JSON text of `value`.
    public static func string(_ value: Any) -> String {
        var bytes: [UInt8] = []
        append(value, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the canonical JSON of `value` to `bytes`.
    public static func append(_ value: Any, to bytes: inout [UInt8]) {
        switch value {
        case let text as String: appendString(text, to: &bytes)
        case let decimal as FixedDecimal: appendDecimal(decimal, to: &bytes)
        case let flag as Bool: bytes.append(contentsOf: Array((flag ? "true" : "false").utf8))
        // Exactly [UInt8]: an empty array of any element type also casts to [UInt8] (and was
        // written as "" until that was found; it is a list like any other).
        case let raw as [UInt8] where type(of: value) == [UInt8].self: appendString(String(decoding: raw, as: UTF8.self), to: &bytes)
        case let time as Timestamp: appendDigits(time.nanoseconds, to: &bytes)
        case let duration as Timestamp.Duration: appendDigits(duration.nanoseconds, to: &bytes)
        case let number as Int: appendDigits(Int64(number), to: &bytes)
        case let number as Int64: appendDigits(number, to: &bytes)
        case let number as Int32: appendDigits(Int64(number), to: &bytes)
        case let number as Int16: appendDigits(Int64(number), to: &bytes)
        case let number as Int8: appendDigits(Int64(number), to: &bytes)
        case let number as UInt64: bytes.append(contentsOf: Array(String(number).utf8))
        case let number as UInt32: appendDigits(Int64(number), to: &bytes)
        case let number as UInt16: appendDigits(Int64(number), to: &bytes)
        case let number as UInt8: appendDigits(Int64(number), to: &bytes)
        case let number as UInt: bytes.append(contentsOf: Array(String(number).utf8))
        case let number as Double: appendString(number.description, to: &bytes)
        case let connection as ConnectionID: appendDigits(Int64(connection.rawValue), to: &bytes)
        default: appendReflected(value, to: &bytes)
        }
    }

    private static func appendReflected(_ value: Any, to bytes: inout [UInt8]) {
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .optional:
            if let child = mirror.children.first { append(child.value, to: &bytes) } else { bytes.append(contentsOf: Array("null".utf8)) }
        case .enum:
            guard let child = mirror.children.first else {
                appendString(String(describing: value), to: &bytes)
                return
            }
            bytes.append(UInt8(ascii: "{"))
            appendString(child.label ?? "value", to: &bytes)
            bytes.append(UInt8(ascii: ":"))
            append(child.value, to: &bytes)
            bytes.append(UInt8(ascii: "}"))
        case .collection, .set:
            // A set's order is the hash order: sort its elements' canonical text.
            var elements = mirror.children.map { child -> [UInt8] in
                var element: [UInt8] = []
                append(child.value, to: &element)
                return element
            }
            if mirror.displayStyle == .set { elements.sort { $0.lexicographicallyPrecedes($1) } }
            bytes.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                bytes.append(contentsOf: element)
            }
            bytes.append(UInt8(ascii: "]"))
        case .dictionary:
            var pairs: [(key: String, value: [UInt8])] = []
            for child in mirror.children {
                let pair = Mirror(reflecting: child.value).children.map(\.value)
                guard pair.count == 2 else { continue }
                var element: [UInt8] = []
                append(pair[1], to: &element)
                pairs.append((String(describing: pair[0]), element))
            }
            pairs.sort { $0.key < $1.key }
            bytes.append(UInt8(ascii: "{"))
            for (index, pair) in pairs.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                appendString(pair.key, to: &bytes)
                bytes.append(UInt8(ascii: ":"))
                bytes.append(contentsOf: pair.value)
            }
            bytes.append(UInt8(ascii: "}"))
        case .tuple, .struct, .class:
            if mirror.children.isEmpty, mirror.displayStyle != .tuple {
                appendString(String(describing: value), to: &bytes)
                return
            }
            bytes.append(UInt8(ascii: "{"))
            for (index, child) in mirror.children.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                var label = child.label ?? "\(index)"
                if label.hasPrefix(".") { label.removeFirst() }
                appendString(label, to: &bytes)
                bytes.append(UInt8(ascii: ":"))
                append(child.value, to: &bytes)
            }
            bytes.append(UInt8(ascii: "}"))
        default:
            appendString(String(describing: value), to: &bytes)
        }
    }

    /// A decimal as a JSON string of its `description` (`"-0.050"`), without making a `String`.
    static func appendDecimal(_ decimal: FixedDecimal, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        if decimal.mantissa < 0 { bytes.append(UInt8(ascii: "-")) }
        let scale = Int(decimal.scale)
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { digits in
            // Digits from the least significant, padded with zeros to one more than the scale.
            var count = 0
            var magnitude = decimal.mantissa.magnitude
            repeat {
                digits[count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            } while magnitude > 0
            while scale > 0 && count <= scale {
                digits[count] = UInt8(ascii: "0")
                count += 1
            }
            for index in stride(from: count - 1, through: 0, by: -1) {
                if index == scale - 1 { bytes.append(UInt8(ascii: ".")) }
                bytes.append(digits[index])
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    static func appendDigits(_ number: Int64, to bytes: inout [UInt8]) {
        if number < 0 {
            bytes.append(UInt8(ascii: "-"))
        }
        var magnitude = number.magnitude
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[19 - count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            } while magnitude > 0
            bytes.append(contentsOf: buffer[(20 - count)...])
        }
    }

    /// A JSON string: `"` and `\` escaped, control characters as `\uXXXX` (or their short forms).
    static func appendString(_ text: String, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            // Runs of bytes that need no escape are copied whole (most strings are one run).
            var runStart = 0
            for index in utf8.indices where utf8[index] < 0x20 || utf8[index] == UInt8(ascii: "\"") || utf8[index] == UInt8(ascii: "\\") {
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
                appendEscaped(utf8[index], to: &bytes)
                runStart = index + 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private static func appendEscaped(_ byte: UInt8, to bytes: inout [UInt8]) {
        switch byte {
        case UInt8(ascii: "\""): bytes.append(contentsOf: [0x5C, 0x22])
        case UInt8(ascii: "\\"): bytes.append(contentsOf: [0x5C, 0x5C])
        case 0x0A: bytes.append(contentsOf: [0x5C, UInt8(ascii: "n")])
        case 0x0D: bytes.append(contentsOf: [0x5C, UInt8(ascii: "r")])
        case 0x09: bytes.append(contentsOf: [0x5C, UInt8(ascii: "t")])
        default:
            let digits = Array("0123456789abcdef".utf8)
            bytes.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, digits[Int(byte >> 4)], digits[Int(byte & 0xF)]])
        }
    }
}
