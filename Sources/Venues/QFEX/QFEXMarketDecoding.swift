/// Market-data helper: RFC 3339 times.
enum QFEXMarketDecoding {
    /// Milliseconds since the epoch from `2025-09-04T09:26:39.545268322Z` or `…+00:00`;
    /// nil when the text is not in that form (the time is informative, never needed for state).
    static func millis(_ text: String?) -> Int64? {
        guard var text else { return nil }
        return text.withUTF8 { millis(utf8: $0) }
    }

    /// `millis` of the text's bytes, read where they lie (in a frame: `QFEXShortcuts`).
    static func millis(utf8 bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard bytes.count >= 20, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
              bytes[10] == UInt8(ascii: "T"), bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":") else { return nil }
        // The digits at fixed places, checked together (a byte below '0' wraps above 9).
        var notDigits = false
        func digits(_ range: Range<Int>) -> Int64 {
            var value: Int64 = 0
            for index in range {
                let digit = bytes[index] &- UInt8(ascii: "0")
                notDigits = notDigits || digit > 9
                value = value &* 10 &+ Int64(digit)
            }
            return value
        }
        let year = digits(0..<4), month = digits(5..<7), day = digits(8..<10)
        let hour = digits(11..<13), minute = digits(14..<16), second = digits(17..<19)
        guard !notDigits, (1...12).contains(month), (1...31).contains(day) else { return nil }
        var index = 19
        var millis: Int64 = 0
        if bytes[index] == UInt8(ascii: ".") {
            index += 1
            var count = 0
            while index < bytes.count, bytes[index] &- UInt8(ascii: "0") <= 9 {
                if count < 3 { millis = millis * 10 + Int64(bytes[index] &- UInt8(ascii: "0")) }
                count += 1
                index += 1
            }
            if count < 3 { for _ in count..<3 { millis *= 10 } }
        }
        // Only UTC is accepted; every QFEX example is UTC ("Z" or "+00:00").
        let zone = UnsafeBufferPointer(rebasing: bytes[index...])
        guard zone.equals("Z") || zone.equals("+00:00") else { return nil }
        // Days from the civil date (Howard Hinnant's algorithm), proleptic Gregorian.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        return ((days * 24 + hour) * 60 + minute) * 60_000 + second * 1000 + millis
    }
}
