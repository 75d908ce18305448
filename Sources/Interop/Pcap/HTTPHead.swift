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
        let text = String(decoding: bytes, as: UTF8.self)
        var lines = text.split(separator: "\r\n", omittingEmptySubsequences: true).map(String.init)
        guard !lines.isEmpty else { return nil }
        startLine = lines.removeFirst()
        headers = []
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { return nil }
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
    func trimmingWhitespace() -> String {
        String(drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
    }
}
