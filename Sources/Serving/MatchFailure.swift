import TapeCore

/// A client frame that the cassette did not expect: what was recorded (if anything), what came,
/// and what differs.
public struct MatchFailure: Hashable, Sendable, CustomStringConvertible {
    /// The recorded client frame's number on the tape; nil when the recording expected nothing more.
    public var frame: Int?
    /// The recorded client frame (nil and empty when the recording expected nothing more).
    public var recordedKind: FrameKind?
    public var recordedPayload: [UInt8]
    public var receivedKind: FrameKind
    public var receivedPayload: [UInt8]
    /// What differs, e.g. "$.params.px: recorded 9834.5, received 9835".
    public var difference: String

    public init(frame: Int?, recorded: (FrameKind, [UInt8])?, received: (FrameKind, [UInt8]), difference: String) {
        self.frame = frame
        self.recordedKind = recorded?.0
        self.recordedPayload = recorded?.1 ?? []
        self.receivedKind = received.0
        self.receivedPayload = received.1
        self.difference = difference
    }

    /// The whole story, for stderr: the frame number, the difference, both frames in full.
    public var description: String {
        let place = frame.map { "the client's frame does not match frame \($0) of the tape" }
            ?? "the client sent a frame that the recording does not have"
        var lines = ["\(place): \(difference)"]
        if let recordedKind { lines.append("  recorded \(recordedKind): \(Self.show(recordedKind, recordedPayload, limit: 4096))") }
        lines.append("  received \(receivedKind): \(Self.show(receivedKind, receivedPayload, limit: 4096))")
        return lines.joined(separator: "\n")
    }

    /// A close reason (at most 123 bytes, RFC 6455 §5.5): the frame number and the difference, then
    /// as much of both frames as fits ("frame 3 mismatch: $.px: recorded 100, received 101; recorded
    /// {"op":… received {"op":…"). stderr gets the whole story (`description`).
    public var closeReason: String {
        let limit = 123
        let head = (frame.map { "frame \($0) mismatch: " } ?? "unexpected frame: ") + difference
        guard head.utf8.count + 40 <= limit else { return Self.truncated(head, to: limit) }
        let room = limit - head.utf8.count
        guard let recordedKind else {
            return Self.truncated(head + "; received " + Self.show(receivedKind, receivedPayload, limit: room - 14), to: limit)
        }
        // Each snippet may end in "…" (3 bytes).
        let each = (room - "; recorded ".utf8.count - " received ".utf8.count) / 2 - 3
        let recorded = Self.show(recordedKind, recordedPayload, limit: each)
        let received = Self.show(receivedKind, receivedPayload, limit: each)
        return Self.truncated(head + "; recorded " + recorded + " received " + received, to: limit)
    }

    /// Text frames as text (control characters escaped), others in hex; at most `limit` characters.
    static func show(_ kind: FrameKind, _ payload: [UInt8], limit: Int) -> String {
        var text: String
        if kind == .binary || String(validating: payload, as: UTF8.self) == nil {
            text = payload.prefix(limit / 2).map { byte in
                let digits = String(byte, radix: 16)
                return digits.count == 1 ? "0" + digits : digits
            }.joined()
            if payload.count > limit / 2 { text += "…" }
            return text
        }
        text = ""
        for scalar in String(decoding: payload, as: UTF8.self).unicodeScalars {
            if text.unicodeScalars.count >= limit {
                text += "…"
                break
            }
            if scalar.value < 0x20 || scalar.value == 0x7f {
                text += scalar == "\n" ? "\\n" : "\\x" + String(scalar.value, radix: 16)
            } else {
                text.unicodeScalars.append(scalar)
            }
        }
        return text
    }

    /// Cuts `text` to at most `limit` UTF-8 bytes, on a character boundary.
    static func truncated(_ text: String, to limit: Int) -> String {
        guard text.utf8.count > limit else { return text }
        var result = ""
        for character in text {
            if result.utf8.count + character.utf8.count > limit { break }
            result.append(character)
        }
        return result
    }

    public static func == (lhs: MatchFailure, rhs: MatchFailure) -> Bool {
        lhs.frame == rhs.frame && lhs.recordedKind == rhs.recordedKind && lhs.recordedPayload == rhs.recordedPayload
            && lhs.receivedKind == rhs.receivedKind && lhs.receivedPayload == rhs.receivedPayload && lhs.difference == rhs.difference
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(frame)
        hasher.combine(receivedPayload)
        hasher.combine(difference)
    }
}
