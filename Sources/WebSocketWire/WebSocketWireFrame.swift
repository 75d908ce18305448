/// One WebSocket frame as it was on the wire (RFC 6455 §5.2), payload already unmasked.
public struct WebSocketWireFrame: Hashable, Sendable {
    public var fin: Bool
    /// The three reserved bits (RSV1 is 0b100), non-zero only with a negotiated extension.
    public var reservedBits: UInt8
    /// The 4-bit opcode: 0 continuation, 1 text, 2 binary, 8 close, 9 ping, 10 pong; others reserved.
    public var opcode: UInt8
    /// Whether the frame was masked (client-to-server frames must be).
    public var masked: Bool
    public var payload: [UInt8]
    /// Offset of the frame's first byte in the stream the decoder was fed.
    public var streamOffset: Int64

    public init(fin: Bool, reservedBits: UInt8 = 0, opcode: UInt8, masked: Bool, payload: [UInt8], streamOffset: Int64 = 0) {
        self.fin = fin
        self.reservedBits = reservedBits
        self.opcode = opcode
        self.masked = masked
        self.payload = payload
        self.streamOffset = streamOffset
    }

    /// True for close, ping and pong (opcodes 8–15).
    public var isControl: Bool { opcode & 0x8 != 0 }
}
