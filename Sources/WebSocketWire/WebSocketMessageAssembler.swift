import TapeCore

/// Turns wire frames into messages (RFC 6455 §5.4–5.6): joins a fragmented text/binary message,
/// passes control frames through even between fragments, and reports every protocol violation
/// that leaves the stream readable, so the importer can record it as an `error` frame and go on.
public struct WebSocketMessageAssembler: Sendable {
    /// What one wire frame produced.
    public enum Output: Hashable, Sendable {
        /// A complete message or control frame: `kind` is text, binary, ping, pong or close.
        case message(FrameKind, [UInt8])
        /// A complete text/binary message whose first frame had RSV1 set under a negotiated
        /// permessage-deflate (RFC 7692 §6): `payload` is still compressed.
        case compressedMessage(FrameKind, [UInt8])
        /// The frame broke a rule; it was not imported. The reason says which rule and where.
        case violation(String)
    }

    /// Largest reassembled message; a longer one is dropped with a violation.
    public var maxMessageSize: Int
    /// RSV bits that a negotiated extension allows; any other set bit is a violation.
    public var allowedReservedBits: UInt8 = 0
    /// True when permessage-deflate was negotiated: RSV1 then marks a compressed message and may
    /// appear only on a message's first frame (RFC 7692 §6.1).
    public var perMessageDeflate = false {
        didSet { allowedReservedBits = perMessageDeflate ? allowedReservedBits | 0b100 : allowedReservedBits & ~0b100 }
    }

    private var open: (kind: FrameKind, payload: [UInt8], streamOffset: Int64, compressed: Bool)?
    private var openTooLarge = false

    public init(maxMessageSize: Int = 64 << 20) {
        self.maxMessageSize = maxMessageSize
    }

    /// True while a fragmented message has started and not finished (for the end-of-capture note).
    public var hasOpenMessage: Bool { open != nil }

    /// Takes one wire frame; returns what it completed (usually nothing or one output; a violation
    /// followed by a message when a new message cut off an unfinished one).
    public mutating func receive(_ frame: WebSocketWireFrame) -> [Output] {
        let place = "at stream offset \(frame.streamOffset)"
        if frame.reservedBits & ~allowedReservedBits != 0 {
            return [.violation("frame with reserved bits 0b\(String(frame.reservedBits, radix: 2)) set and no extension negotiated (RFC 6455 §5.2) \(place); frame skipped")]
        }
        let compressed = perMessageDeflate && frame.reservedBits & 0b100 != 0
        if compressed, frame.opcode == 0 || frame.isControl {
            return [.violation("RSV1 (compressed) set on a \(frame.isControl ? "control" : "continuation") frame; permessage-deflate allows it only on a message's first frame (RFC 7692 §6.1) \(place); frame skipped")]
        }
        switch frame.opcode {
        case 0x1, 0x2:
            let kind: FrameKind = frame.opcode == 0x1 ? .text : .binary
            var outputs: [Output] = []
            if let open {
                outputs.append(.violation("a new \(kind) message started while a fragmented \(open.kind) message from stream offset \(open.streamOffset) was unfinished (RFC 6455 §5.4) \(place); the unfinished message was dropped"))
                self.open = nil
            }
            if frame.fin {
                return outputs + [compressed ? .compressedMessage(kind, frame.payload) : .message(kind, frame.payload)]
            }
            open = (kind, frame.payload, frame.streamOffset, compressed)
            openTooLarge = frame.payload.count > maxMessageSize
            return outputs
        case 0x0:
            guard var message = open else {
                return [.violation("continuation frame with no message to continue (RFC 6455 §5.4) \(place); frame skipped")]
            }
            open = nil
            if !openTooLarge, message.payload.count + frame.payload.count <= maxMessageSize {
                message.payload.append(contentsOf: frame.payload)
            } else {
                openTooLarge = true
            }
            if !frame.fin {
                open = message
                return []
            }
            if openTooLarge {
                openTooLarge = false
                return [.violation("fragmented message from stream offset \(message.streamOffset) is longer than the \(maxMessageSize)-byte limit; dropped")]
            }
            return [message.compressed ? .compressedMessage(message.kind, message.payload) : .message(message.kind, message.payload)]
        case 0x8, 0x9, 0xA:
            let kind: FrameKind = frame.opcode == 0x8 ? .close : frame.opcode == 0x9 ? .ping : .pong
            guard frame.payload.count <= 125 else {
                var detail = ""
                if kind == .close, let info = CloseInfo(payload: frame.payload), let code = info.code {
                    detail = " (close code \(code))"
                }
                return [.violation("\(kind) frame with a \(frame.payload.count)-byte payload\(detail); control frames carry at most 125 bytes (RFC 6455 §5.5) \(place); frame skipped")]
            }
            guard frame.fin else {
                return [.violation("fragmented \(kind) frame; control frames must not be fragmented (RFC 6455 §5.5) \(place); frame skipped")]
            }
            return [.message(kind, frame.payload)]
        default:
            return [.violation("reserved opcode 0x\(String(frame.opcode, radix: 16)) (RFC 6455 §5.2) \(place); frame skipped")]
        }
    }
}
