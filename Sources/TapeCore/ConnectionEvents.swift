/// The payload of an `opened` frame: the URL that was connected and the HTTP upgrade headers,
/// in the order they were sent or received.
///
/// Encoding (UTF-8): the URL on the first line, then one `Name: value` line per header, lines ending
/// in `\r\n` like HTTP itself, so that `zcat` of a tape shows a handshake as a person expects.
public struct ConnectionOpened: Hashable, Sendable {
    public var url: String
    public var headers: [HTTPHeader]

    public init(url: String, headers: [HTTPHeader] = []) {
        self.url = url
        self.headers = headers
    }

    public var payload: [UInt8] {
        var text = url + "\r\n"
        for header in headers {
            text += "\(header.name): \(header.value)\r\n"
        }
        return Array(text.utf8)
    }

    /// Decodes an `opened` payload; nil when it is not UTF-8 or a header line has no colon.
    public init?(payload: [UInt8]) {
        guard let text = String(validating: payload, as: UTF8.self) else { return nil }
        // Swift treats "\r\n" as one Character, so splitting on it splits on the line ends.
        let lines = text.split(separator: "\r\n", omittingEmptySubsequences: false).dropLast(text.hasSuffix("\r\n") ? 1 : 0)
        guard let first = lines.first.map(String.init) else { return nil }
        var headers: [HTTPHeader] = []
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { return nil }
            let value = line[line.index(after: colon)...].drop(while: { $0 == " " })
            headers.append(HTTPHeader(name: String(line[..<colon]), value: String(value)))
        }
        self.init(url: first, headers: headers)
    }
}

/// The body of a WebSocket close frame: an optional status code and a UTF-8 reason (RFC 6455 §5.5.1).
public struct CloseInfo: Hashable, Sendable {
    public var code: UInt16?
    public var reason: String

    public init(code: UInt16?, reason: String = "") {
        self.code = code
        self.reason = reason
    }

    public var payload: [UInt8] {
        guard let code else { return [] }
        return [UInt8(code >> 8), UInt8(code & 0xff)] + Array(reason.utf8)
    }

    /// Decodes a close body; a one-byte body is malformed and gives nil.
    public init?(payload: [UInt8]) {
        if payload.isEmpty {
            self.init(code: nil)
            return
        }
        guard payload.count >= 2 else { return nil }
        let code = UInt16(payload[0]) << 8 | UInt16(payload[1])
        self.init(code: code, reason: String(decoding: payload[2...], as: UTF8.self))
    }
}

/// One HTTP header line of a WebSocket handshake, kept in its original spelling and order.
public struct HTTPHeader: Hashable, Sendable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}
