import TapeCore
import TapeFormat

/// One line per frame for people: `#n time dir conn kind length  payload`.
///
/// Text payloads are shown as they are (control characters escaped so a frame stays on one
/// line); binary payloads in hex; connection events decoded.
enum FrameText {
    static func line(for recorded: RecordedFrame) -> String {
        let frame = recorded.frame
        let head = "#\(recorded.number) \(frame.time) \(frame.direction) \(frame.connection) \(frame.kind) \(frame.payload.count)"
        let body = describe(frame)
        return body.isEmpty ? head : head + "  " + body
    }

    static func describe(_ frame: Frame) -> String {
        switch frame.kind {
        case .binary:
            return hex(frame.payload)
        case .opened:
            guard let opened = ConnectionOpened(payload: frame.payload) else { return escaped(frame.payload) }
            return ([opened.url] + opened.headers.map { "\($0.name): \($0.value)" }).joined(separator: " | ")
        case .close:
            guard let info = CloseInfo(payload: frame.payload) else { return "malformed close body " + hex(frame.payload) }
            return info.code.map { "code \($0) \(info.reason)" } ?? "no status code"
        case .text, .ping, .pong, .closed, .lost, .error, .annotation:
            return escaped(frame.payload)
        }
    }

    static func escaped(_ payload: [UInt8]) -> String {
        guard let text = String(validating: payload, as: UTF8.self) else { return "(not UTF-8) " + hex(payload) }
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7f:
                result += "\\x" + String(scalar.value, radix: 16)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0xf)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
