import Testing
import TapeCore
import WebSocketWire
@testable import Interop

/// A scripted TCP conversation: keeps each side's sequence number and stamps packets 1/64 s apart
/// (exact in µs, ns and 2^-20 s units).
struct Conversation {
    static let request = "GET /feed?x=1 HTTP/1.1\r\nHost: example.com:8080\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    /// The key/accept pair is RFC 6455 §1.3's own example.
    static let response = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n"
    static let start: Int64 = 1_700_000_000_000_000_000
    static let step: Int64 = 15_625_000

    var link: PcapBuilder.Link
    var client = PcapBuilder.Endpoint(address: [10, 0, 0, 1], port: 50000)
    var server = PcapBuilder.Endpoint(address: [10, 0, 0, 2], port: 80)
    var clientSeq: UInt32 = 1000
    var serverSeq: UInt32 = 4_294_967_000 // wraps past 2^32 during the conversation
    var packets: [PcapBuilder.Packet] = []

    init(link: PcapBuilder.Link, ipv6: Bool = false, clientPort: UInt16 = 50000) {
        self.link = link
        client.port = clientPort
        if ipv6 {
            client.address = [0x20, 0x01, 0x0D, 0xB8] + [UInt8](repeating: 0, count: 11) + [1]
            server.address = [0x20, 0x01, 0x0D, 0xB8] + [UInt8](repeating: 0, count: 11) + [2]
        }
    }

    var nextTime: Int64 { Self.start + Int64(packets.count) * Self.step }

    /// Sends `payload` (and flags) from one side at the next sequence number; returns that sequence number.
    @discardableResult
    mutating func send(fromClient: Bool, _ payload: [UInt8] = [], flags: UInt8 = PcapBuilder.ack | PcapBuilder.psh, seq: UInt32? = nil) -> UInt32 {
        let current = fromClient ? clientSeq : serverSeq
        let used = seq ?? current
        let bytes = PcapBuilder.segment(link, from: fromClient ? client : server, to: fromClient ? server : client, seq: used, flags: flags, payload: payload)
        packets.append(PcapBuilder.Packet(unixNanoseconds: nextTime, bytes: bytes))
        if seq == nil {
            let advance = UInt32(payload.count) + (flags & (PcapBuilder.syn | PcapBuilder.fin) != 0 ? 1 : 0)
            if fromClient { clientSeq &+= advance } else { serverSeq &+= advance }
        }
        return used
    }

    mutating func handshake() {
        send(fromClient: true, flags: PcapBuilder.syn)
        send(fromClient: false, flags: PcapBuilder.syn | PcapBuilder.ack)
        send(fromClient: true, flags: PcapBuilder.ack)
        send(fromClient: true, Array(Self.request.utf8))
        send(fromClient: false, Array(Self.response.utf8))
    }

    /// The standard script: handshake, one text each way, FIN both ways (9 packets).
    static func standard(link: PcapBuilder.Link, ipv6: Bool = false) -> Conversation {
        var conversation = Conversation(link: link, ipv6: ipv6)
        conversation.handshake()
        conversation.send(fromClient: false, WebSocketWireFrame.encode(opcode: 1, payload: Array("hello".utf8)))
        conversation.send(fromClient: true, WebSocketWireFrame.encode(opcode: 1, payload: Array("hi there".utf8), mask: [9, 8, 7, 6]))
        conversation.send(fromClient: true, flags: PcapBuilder.fin | PcapBuilder.ack)
        conversation.send(fromClient: false, flags: PcapBuilder.fin | PcapBuilder.ack)
        return conversation
    }
}

@Suite("pcap import of built captures")
struct PcapSyntheticTests {
    /// What the standard conversation must import as: opened at packet 5, texts at 6 and 7, closed at 9.
    static func checkStandard(_ capture: ImportedCapture, host: String = "example.com:8080", sourceLocation: SourceLocation = #_sourceLocation) {
        let step = Conversation.step
        #expect(capture.wallClockStartNanoseconds == Conversation.start + 4 * step, sourceLocation: sourceLocation)
        #expect(capture.frames.map(\.kind) == [.opened, .text, .text, .closed], sourceLocation: sourceLocation)
        #expect(capture.frames.map(\.time.nanoseconds) == [0, step, 2 * step, 4 * step], sourceLocation: sourceLocation)
        #expect(capture.frames.map(\.direction) == [.outbound, .inbound, .outbound, .inbound], sourceLocation: sourceLocation)
        #expect(capture.frames.dropFirst().prefix(2).map(\.text) == ["hello", "hi there"], sourceLocation: sourceLocation)
        #expect(capture.endpoints == ["ws://\(host)/feed?x=1"], sourceLocation: sourceLocation)
        #expect(capture.notes.isEmpty, "\(capture.notes)", sourceLocation: sourceLocation)
    }

    @Test("pcap in both byte orders, µs and ns, over Ethernet, raw IP, Linux cooked and loopback, IPv4 and IPv6")
    func classicContainers() throws {
        for (link, bigEndian, nanoseconds, ipv6) in [
            (PcapBuilder.Link.ethernet, false, false, false), (.ethernet, true, true, true), (.raw, true, false, false),
            (.raw, false, true, true), (.linuxCooked, false, false, true), (.linuxCookedV2, true, false, false), (.null, false, true, false), (.null, true, false, true),
        ] {
            let packets = Conversation.standard(link: link, ipv6: ipv6).packets
            let bytes = PcapBuilder.pcap(packets, link: link, bigEndian: bigEndian, nanoseconds: nanoseconds)
            #expect(CaptureFormat.detect(bytes: bytes) == .pcap)
            Self.checkStandard(try importCapture(bytes, format: .pcap))
        }
    }

    @Test("pcapng in both byte orders with default, nanosecond and power-of-two timestamp resolutions")
    func pcapngContainers() throws {
        for (bigEndian, resolution) in [(false, nil), (true, UInt8(9)), (false, UInt8(0x94)), (true, UInt8(6))] as [(Bool, UInt8?)] {
            let packets = Conversation.standard(link: .ethernet).packets
            let bytes = PcapBuilder.pcapng(packets, link: .ethernet, bigEndian: bigEndian, resolution: resolution)
            #expect(CaptureFormat.detect(bytes: bytes) == .pcap)
            Self.checkStandard(try importCapture(bytes, format: .pcap))
        }
    }

    @Test("a packet stamped earlier than the one before keeps its place, takes the previous time, and is noted")
    func backwardsPacketTime() throws {
        var packets = Conversation.standard(link: .ethernet).packets
        packets[6].unixNanoseconds = packets[5].unixNanoseconds - 1_000 // the client's text, 1 µs before the server's
        let capture = try importCapture(PcapBuilder.pcap(packets, link: .ethernet), format: .pcap)
        #expect(capture.frames.map(\.kind) == [.opened, .text, .text, .closed])
        #expect(capture.frames.map(\.time.nanoseconds) == [0, Conversation.step, Conversation.step, 4 * Conversation.step])
        #expect(capture.notes.map(\.kind) == [.timeWentBackwards])
        #expect(capture.notes.first?.packetNumber == 7)
        #expect(capture.notes.first?.message.hasPrefix("time went back 1000 ns") == true)
    }

    @Test("simple packet blocks import with the previous packet's time and one note")
    func simplePacketBlocks() throws {
        let packets = Conversation.standard(link: .ethernet).packets
        let capture = try importCapture(PcapBuilder.pcapng(packets, link: .ethernet, simpleFrom: 6), format: .pcap)
        // Packets 7–9 (client text, both FINs) are SPBs: they take packet 6's time, 1 step after the 101.
        #expect(capture.frames.map(\.kind) == [.opened, .text, .text, .closed])
        #expect(capture.frames.map(\.time.nanoseconds) == [0, Conversation.step, Conversation.step, Conversation.step])
        #expect(capture.notes.map(\.packetNumber) == [7])
        #expect(capture.notes.first?.message.hasPrefix("3 simple packet blocks carry no timestamp") == true)
    }

    @Test("a refused upgrade becomes one error frame naming the status line")
    func refusedUpgrade() throws {
        var conversation = Conversation(link: .ethernet)
        conversation.send(fromClient: true, flags: PcapBuilder.syn)
        conversation.send(fromClient: false, flags: PcapBuilder.syn | PcapBuilder.ack)
        conversation.send(fromClient: true, Array(Conversation.request.utf8))
        conversation.send(fromClient: false, Array("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n".utf8))
        let capture = try importCapture(PcapBuilder.pcap(conversation.packets, link: .ethernet), format: .pcap)
        #expect(capture.frames.map(\.kind) == [.error])
        #expect(capture.frames[0].text.contains("the server answered 'HTTP/1.1 403 Forbidden' instead of 101"))
        #expect(capture.endpoints == ["ws://example.com:8080/feed?x=1"])
        #expect(capture.notes.map(\.kind) == [.failedHandshake, .notWebSocket])
    }

    @Test("out-of-order, retransmitted and overlapping segments deliver each byte once; the message is timed by its last missing piece")
    func reassembly() throws {
        var conversation = Conversation(link: .ethernet)
        conversation.handshake()
        let frame = WebSocketWireFrame.encode(opcode: 1, payload: Array("reassembled across four segments".utf8))
        let base = conversation.serverSeq
        // Segments: [10..<frame.count] first (out of order), then [0..<6], [0..<6] again (retransmission),
        // then [4..<12] (overlaps both neighbours) which fills the gap.
        conversation.send(fromClient: false, Array(frame[10...]), seq: base &+ 10)
        conversation.send(fromClient: false, Array(frame[0..<6]), seq: base)
        conversation.send(fromClient: false, Array(frame[0..<6]), seq: base)
        conversation.send(fromClient: false, Array(frame[4..<12]), seq: base &+ 4)
        let capture = try importCapture(PcapBuilder.pcap(conversation.packets, link: .ethernet), format: .pcap)
        #expect(capture.frames.map(\.kind) == [.opened, .text])
        #expect(capture.frames.last?.text == "reassembled across four segments")
        #expect(capture.frames.last?.time.nanoseconds == 4 * Conversation.step)
        #expect(capture.notes.map(\.kind) == [.endedOpen])
    }

    @Test("TLS and plain HTTP streams are noted and skipped; WebSocket connections are numbered by first packet")
    func mixedStreams() throws {
        var tls = Conversation(link: .ethernet, clientPort: 40001)
        tls.send(fromClient: true, flags: PcapBuilder.syn)
        tls.send(fromClient: true, [0x16, 0x03, 0x01, 0x00, 0x05, 1, 2, 3, 4, 5])
        var http = Conversation(link: .ethernet, clientPort: 40002)
        http.send(fromClient: true, Array("GET /index.html HTTP/1.1\r\nHost: a\r\n\r\n".utf8))
        http.send(fromClient: false, Array("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".utf8))
        var first = Conversation(link: .ethernet, clientPort: 40003)
        first.handshake()
        let second = Conversation.standard(link: .ethernet) // client port 50000
        // Interleave: tls, http, first's SYN, then second entirely, then the rest of first's handshake.
        var packets = tls.packets + http.packets + [first.packets[0]] + second.packets + first.packets.dropFirst()
        for index in packets.indices { packets[index].unixNanoseconds = Conversation.start + Int64(index) * 1000 }
        let capture = try importCapture(PcapBuilder.pcap(packets, link: .ethernet), format: .pcap)
        // `first` had the earlier first packet, so it is c0 even though `second` opened earlier.
        #expect(capture.frames.filter { $0.kind == .opened }.map(\.connection.rawValue) == [1, 0])
        #expect(capture.endpoints.count == 2)
        let notes = capture.notes.map(\.kind)
        #expect(notes.filter { $0 == .notWebSocket }.count == 2)
        #expect(capture.notes.contains { $0.message.hasPrefix("TLS") && $0.stream == "10.0.0.1:40001 -> 10.0.0.2:80" })
        #expect(capture.notes.contains { $0.message.contains("plain HTTP") && $0.message.contains("skipped 37 bytes client→server and 38 bytes server→client") })
    }

    @Test("an RST ends the connection as lost; unknown link types are noted")
    func resetAndUnknownLink() throws {
        var conversation = Conversation(link: .ethernet)
        conversation.handshake()
        conversation.send(fromClient: false, flags: PcapBuilder.rst)
        let capture = try importCapture(PcapBuilder.pcap(conversation.packets, link: .ethernet), format: .pcap)
        #expect(capture.frames.map(\.kind) == [.opened, .lost])
        #expect(capture.frames.last?.text == "TCP reset by the server")

        let unknown = try importCapture(PcapBuilder.pcap(conversation.packets, link: .unknown(147)), format: .pcap)
        #expect(unknown.frames.isEmpty)
        #expect(unknown.notes.count == 1)
        #expect(unknown.notes.first?.message == "link type 147 is not supported; 6 packets skipped (first listed)")
    }

    @Test("a frame split over many small segments and a handshake split mid-line still decode")
    func tinySegments() throws {
        var conversation = Conversation(link: .raw)
        conversation.send(fromClient: true, flags: PcapBuilder.syn)
        conversation.send(fromClient: false, flags: PcapBuilder.syn | PcapBuilder.ack)
        for chunk in Array(Conversation.request.utf8).chunked(7) { conversation.send(fromClient: true, Array(chunk)) }
        for chunk in (Array(Conversation.response.utf8) + WebSocketWireFrame.encode(opcode: 2, payload: [1, 2, 3])).chunked(5) { conversation.send(fromClient: false, Array(chunk)) }
        let capture = try importCapture(PcapBuilder.pcap(conversation.packets, link: .raw), format: .pcap)
        #expect(capture.frames.map(\.kind) == [.opened, .binary])
        #expect(capture.frames.last?.payload == [1, 2, 3])
    }
}

extension Array {
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
