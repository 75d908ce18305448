import Testing
import TapeCore
import WebSocketWire
@testable import Interop

/// permessage-deflate (RFC 7692). The compressed bytes are the RFC's own examples (§7.2.3.1 "Hello" in one
/// frame and fragmented, §7.2.3.2 the second "Hello" sharing the LZ77 window, §7.2.3.3 a stored block);
/// python3's zlib (`zlib.decompressobj(-15).decompress(data + b'\x00\x00\xff\xff')`) inflates each to b'Hello'
/// and raises "invalid distance too far back" for the §7.2.3.2 bytes on a fresh window.
@Suite("permessage-deflate in pcap import")
struct PerMessageDeflateTests {
    static let hello: [UInt8] = [0xF2, 0x48, 0xCD, 0xC9, 0xC9, 0x07, 0x00]
    static let helloAgain: [UInt8] = [0xF2, 0x00, 0x11, 0x00, 0x00]
    static let storedHello: [UInt8] = [0x00, 0x05, 0x00, 0xFA, 0xFF, 0x48, 0x65, 0x6C, 0x6C, 0x6F, 0x00]

    static func capture(extensions: String, serverBytes: [UInt8], clientBytes: [UInt8] = []) throws -> ImportedCapture {
        var conversation = Conversation(link: .ethernet)
        conversation.send(fromClient: true, flags: PcapBuilder.syn)
        conversation.send(fromClient: false, flags: PcapBuilder.syn | PcapBuilder.ack)
        conversation.send(fromClient: true, Array(Conversation.request.utf8))
        let response = Conversation.response.replacingOccurrences(of: "\r\n\r\n", with: "\r\nSec-WebSocket-Extensions: \(extensions)\r\n\r\n")
        conversation.send(fromClient: false, Array(response.utf8) + serverBytes)
        if !clientBytes.isEmpty { conversation.send(fromClient: true, clientBytes) }
        return try importCapture(PcapBuilder.pcap(conversation.packets, link: .ethernet), format: .pcap)
    }

    @Test("compressed messages are inflated: one frame, shared window, fragmented, stored block, masked; plain ones pass")
    func inflates() throws {
        let server = WebSocketWireFrame.encode(rsv: 4, opcode: 1, payload: Self.hello)
            + WebSocketWireFrame.encode(rsv: 4, opcode: 1, payload: Self.helloAgain)
            + WebSocketWireFrame.encode(fin: false, rsv: 4, opcode: 1, payload: Array(Self.hello[0..<3]))
            + WebSocketWireFrame.encode(opcode: 0, payload: Array(Self.hello[3...]))
            + WebSocketWireFrame.encode(rsv: 4, opcode: 1, payload: Self.storedHello)
            + WebSocketWireFrame.encode(opcode: 1, payload: Array("plain".utf8))
            + WebSocketWireFrame.encode(rsv: 4, opcode: 9, payload: [])
        let client = WebSocketWireFrame.encode(rsv: 4, opcode: 2, payload: Self.hello, mask: [0x37, 0xFA, 0x21, 0x3D])
        let capture = try Self.capture(extensions: "permessage-deflate", serverBytes: server, clientBytes: client)
        #expect(capture.frames.map(\.kind) == [.opened, .text, .text, .text, .text, .text, .error, .binary])
        #expect(capture.frames[1...5].map(\.text) == ["Hello", "Hello", "Hello", "Hello", "plain"])
        #expect(capture.frames[6].text.contains("RSV1 (compressed) set on a control frame"))
        #expect(capture.frames[7].text == "Hello")
        #expect(capture.notes.map(\.kind) == [.malformedFrame, .endedOpen])
    }

    @Test("with server_no_context_takeover each message starts a fresh window, so a back reference fails alone")
    func noContextTakeover() throws {
        let server = WebSocketWireFrame.encode(rsv: 4, opcode: 1, payload: Self.hello)
            + WebSocketWireFrame.encode(rsv: 4, opcode: 1, payload: Self.helloAgain)
            + WebSocketWireFrame.encode(rsv: 4, opcode: 1, payload: Self.hello)
        let capture = try Self.capture(extensions: "permessage-deflate; server_no_context_takeover", serverBytes: server)
        #expect(capture.frames.map(\.kind) == [.opened, .text, .error, .text])
        #expect(capture.frames[2].text.contains("invalid distance too far back"))
        #expect(capture.frames[3].text == "Hello")
    }

    @Test("without the extension in the 101, RSV1 is a violation")
    func notNegotiated() throws {
        var conversation = Conversation(link: .ethernet)
        conversation.handshake()
        conversation.send(fromClient: false, WebSocketWireFrame.encode(rsv: 4, opcode: 1, payload: Self.hello))
        let capture = try importCapture(PcapBuilder.pcap(conversation.packets, link: .ethernet), format: .pcap)
        #expect(capture.frames.map(\.kind) == [.opened, .error])
        #expect(capture.frames[1].text.contains("reserved bits 0b100 set and no extension negotiated"))
    }
}
