import Foundation
import TapeCore

/// Frames as JSON lines: one object a frame, exact in both directions.
///
///     {"n":12,"t":1234567890,"dir":"in","conn":0,"kind":"text","text":"{\"ch\":…}"}
///
/// `t` is nanoseconds on the tape's time line. The payload is `text` when it is valid UTF-8 and the
/// frame is not binary, otherwise `base64`, so any bytes survive the trip. `tape export` writes the
/// header first as `{"header":{…}}`.
public enum FrameJSON {
    public static func line(for recorded: RecordedFrame) -> String {
        let frame = recorded.frame
        var line = "{\"n\":\(recorded.number),\"t\":\(frame.time.nanoseconds),\"dir\":\"\(frame.direction)\","
        line += "\"conn\":\(frame.connection.rawValue),\"kind\":\"\(frame.kind)\","
        if frame.kind != .binary, let text = String(validating: frame.payload, as: UTF8.self) {
            line += "\"text\":"
            appendQuoted(text, to: &line)
        } else {
            line += "\"base64\":\"\(Data(frame.payload).base64EncodedString())\""
        }
        line += "}"
        return line
    }

    public static func headerLine(for header: TapeHeader) -> String {
        let json = header.encodedLine().dropLast()  // the header's own line, without its newline
        return "{\"header\":" + String(decoding: json, as: UTF8.self) + "}"
    }

    /// JSON string quoting: only what JSON requires is escaped, so the text stays readable.
    static func appendQuoted(_ text: String, to line: inout String) {
        line.append("\"")
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": line.append("\\\"")
            case "\\": line.append("\\\\")
            case "\n": line.append("\\n")
            case "\r": line.append("\\r")
            case "\t": line.append("\\t")
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                line.append("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
            default: line.unicodeScalars.append(scalar)
            }
        }
        line.append("\"")
    }

    /// One parsed line of a JSON-lines file: the header or a frame.
    public enum Line: Equatable {
        case header(TapeHeader)
        case frame(RecordedFrame)
    }

    private struct FrameObject: Decodable {
        var n: Int?
        var t: Int64
        var dir: String
        var conn: UInt32
        var kind: String
        var text: String?
        var base64: String?
    }

    private struct HeaderObject: Decodable {
        var header: TapeHeader
    }

    /// What is wrong with a line, for a message that names the line number.
    public struct LineError: Error, CustomStringConvertible {
        public var reason: String
        public var description: String { reason }
    }

    /// Parses one line; `number` is used when the line has no `n`.
    public static func parse(_ line: Data, defaultNumber number: Int) throws(LineError) -> Line {
        let decoder = JSONDecoder()
        if let header = try? decoder.decode(HeaderObject.self, from: line) {
            return .header(header.header)
        }
        let object: FrameObject
        do {
            object = try decoder.decode(FrameObject.self, from: line)
        } catch {
            throw LineError(reason: "not a frame object (needs t, dir, conn, kind and text or base64)")
        }
        guard let direction = Direction(name: object.dir) else {
            throw LineError(reason: "unknown direction '\(object.dir)' (use in or out)")
        }
        guard let kind = FrameKind(name: object.kind) else {
            throw LineError(reason: "unknown kind '\(object.kind)' (one of \(FrameKind.allCases.map(\.description).joined(separator: ", ")))")
        }
        let payload: [UInt8]
        switch (object.text, object.base64) {
        case (let text?, nil): payload = Array(text.utf8)
        case (nil, let encoded?):
            guard let data = Data(base64Encoded: encoded) else { throw LineError(reason: "base64 payload does not decode") }
            payload = Array(data)
        default:
            throw LineError(reason: "a frame needs exactly one of text or base64")
        }
        let frame = Frame(time: Timestamp(nanoseconds: object.t), direction: direction,
                          connection: ConnectionID(object.conn), kind: kind, payload: payload)
        return .frame(RecordedFrame(number: object.n ?? number, frame: frame))
    }
}
