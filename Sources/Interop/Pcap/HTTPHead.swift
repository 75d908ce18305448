import TapeCore

/// The head of an HTTP/1.1 request or response: start line and header lines, in their original
/// spelling and order (RFC 9112 §2–5), as far as a WebSocket upgrade needs.
struct HTTPHead {
    var startLine: String
    var headers: [HTTPHeader]

    /// Index just past the `\r\n\r\n` that ends a head starting at `bytes.startIndex`, or nil if not there yet.
    static func end(in bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for index in 3..<bytes.count where bytes[index] == 0x0A && bytes[index - 1] == 0x0D && bytes[index - 2] == 0x0A && bytes[index - 3] == 0x0D {
            return index + 1
        }
        return nil
    }

    /// Parses a head (without the final blank line); nil when a header line has no colon.
    init?(_ bytes: ArraySlice<UInt8>) {
        // Split on CRLF at the byte level (Character-based splitting is slow and merges "\r\n").
        var lines: [String] = []
        var lineStart = bytes.startIndex
        var index = bytes.startIndex
        while index < bytes.endIndex {
            if bytes[index] == 0x0D, index + 1 < bytes.endIndex, bytes[index + 1] == 0x0A {
                if index > lineStart { lines.append(String(decoding: bytes[lineStart..<index], as: UTF8.self)) }
                index += 2
                lineStart = index
            } else {
                index += 1
            }
        }
        if lineStart < bytes.endIndex { lines.append(String(decoding: bytes[lineStart...], as: UTF8.self)) }
        guard !lines.isEmpty else { return nil }
        startLine = lines.removeFirst()
        headers = []
        for line in lines {
            guard let colon = line.utf8.firstIndex(of: UInt8(ascii: ":")) else { return nil }
            let value = line[line.index(after: colon)...].trimmingWhitespace()
            headers.append(HTTPHeader(name: String(line[..<colon]), value: value))
        }
    }

    /// The first header with this name, compared without case.
    func value(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// True when a comma-separated header lists `token` (without case).
    func lists(_ name: String, _ token: String) -> Bool {
        headers.contains { header in
            header.name.lowercased() == name.lowercased()
                && header.value.split(separator: ",").contains { $0.trimmingWhitespace().lowercased() == token.lowercased() }
        }
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs (HTTP's optional whitespace).
    func trimmingWhitespace() -> String {
        var text = Substring(self)
        while let first = text.first, first == " " || first == "\t" { text.removeFirst() }
        while let last = text.last, last == " " || last == "\t" { text.removeLast() }
        return String(text)
    }
}
