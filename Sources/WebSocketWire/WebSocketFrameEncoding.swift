extension WebSocketWireFrame {
    /// The bytes of one frame on the wire (RFC 6455 §5.2), written independently of the decoder
    /// so each can check the other. `forceLength64` uses the 8-byte length form even for short
    /// payloads (legal, and a case decoders must handle).
    public static func encode(
        fin: Bool = true,
        rsv: UInt8 = 0,
        opcode: UInt8,
        payload: [UInt8],
        mask: [UInt8]? = nil,
        forceLength64: Bool = false
    ) -> [UInt8] {
        precondition(mask == nil || mask!.count == 4, "a masking key is 4 bytes")
        var out: [UInt8] = [(fin ? 0x80 : 0) | (rsv & 0x7) << 4 | (opcode & 0xF)]
        let maskBit: UInt8 = mask == nil ? 0 : 0x80
        if payload.count < 126, !forceLength64 {
            out.append(maskBit | UInt8(payload.count))
        } else if payload.count <= 0xFFFF, !forceLength64 {
            out += [maskBit | 126, UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
        } else {
            out.append(maskBit | 127)
            for shift in stride(from: 56, through: 0, by: -8) {
                out.append(UInt8(truncatingIfNeeded: UInt64(payload.count) >> UInt64(shift)))
            }
        }
        if let mask {
            out += mask
            out += payload.enumerated().map { $0.element ^ mask[$0.offset % 4] }
        } else {
            out += payload
        }
        return out
    }
}
