import Testing
import TapeCore
@testable import Interop

/// The real pcap/pcapng files in `shared/captures/pcap/`, checked against what Wireshark's dissector
/// (tshark 4.x, installed with `apt-get install -y tshark`; not needed to run these tests) says.
///
/// Messages, per file, were listed with
///   tshark -r FILE -d tcp.port==27599,http -d tcp.port==51185,http -d tcp.port==8765,http -Y websocket -T fields
///     -E occurrence=a -E aggregator='|' -e frame.time_epoch -e tcp.srcport -e tcp.dstport -e websocket.fin
///     -e websocket.opcode -e websocket.payload_length -e websocket.payload_length_ext_16
///     -e websocket.payload_length_ext_64 -e websocket.payload.close.status_code
/// (the -d options make tshark treat the non-standard ports as HTTP), then a short python script joined
/// fragments (fin=0 … continuation fin=1 → one message of the summed length, at the packet of the last
/// fragment), mapped the source port to out (client port, from `-z conv,tcp`) or in, and printed
/// "epoch-seconds direction kind payload-length [close code]".
/// The handshake facts (time of the 101 packet, Host + request URI) come from
///   tshark -r FILE … -Y 'http.request or http.response.code==101' -e frame.time_epoch -e http.host -e http.request.uri
/// and the time of the last FIN from `tshark -r FILE -Y tcp.flags.fin==1 -e frame.time_epoch | tail -1`.
@Suite("pcap import of the shared captures")
struct PcapSharedCaptureTests {
    struct Fact: Sendable, CustomStringConvertible {
        var file: String
        var url: String
        var openedAt: String
        var lastFinAt: String
        var messages: [String]
        var description: String { file }
    }

    static let facts: [Fact] = [
        Fact(file: "broker-websocket.pcap", url: "ws://localhost:27599/v1/messages/json", openedAt: "1705243573.136799", lastFinAt: "1705243573.185619", messages: [
            "1705243573.136995 out text 24", "1705243573.137587 in text 91", "1705243573.178873 in text 533", "1705243573.179834 out text 361",
            "1705243573.181931 in text 533", "1705243573.182880 out text 361", "1705243573.184331 in text 533", "1705243573.184855 out text 361",
            "1705243573.185012 out close 2 1000",
        ]),
        Fact(file: "fragmented-http-reply.pcap", url: "ws://localhost:8080/", openedAt: "1706132580.731110", lastFinAt: "1706132580.742136", messages: [
            "1706132580.731125 in ping 4", "1706132580.731324 out pong 4", "1706132580.741490 out binary 35", "1706132580.741547 in binary 56",
            "1706132580.741947 out close 2 1000", "1706132580.741987 in close 2 1000",
        ]),
        Fact(file: "jupyter-websocket.pcap", url: "ws://192.168.122.182/user/christian/api/kernels/f8645ecd-0a76-4bb1-9e6e-cb464276bc69/channels?session_id=deeecee7-efc2-42a1-a7c1-e1c0569436e3",
             openedAt: "1696029905.564738", lastFinAt: "1696029905.627153", messages: [
            "1696029905.566960 out binary 262", "1696029905.571177 in binary 539", "1696029905.617251 in binary 527", "1696029905.617251 in binary 1647",
            "1696029905.617251 in binary 540", "1696029905.617251 in binary 540", "1696029905.617251 in binary 515", "1696029905.617251 in binary 515",
            "1696029905.617251 in binary 540", "1696029905.617251 in binary 540", "1696029905.617251 in binary 540", "1696029905.626004 in binary 540",
            "1696029905.626048 out close 0", "1696029905.626963 in close 0",
        ]),
        Fact(file: "message-too-big-status.pcap", url: "ws://localhost:8080/", openedAt: "1705687731.334047", lastFinAt: "1705687731.334340", messages: [
            "1705687731.334061 in ping 4", "1705687731.334227 out close 31 1009", "1705687731.334246 in close 2 1000",
        ]),
        Fact(file: "reply-ping-coalesced.pcap", url: "ws://localhost:8080/", openedAt: "1705584141.432956", lastFinAt: "1705584141.443941", messages: [
            "1705584141.432956 in ping 4", "1705584141.433197 out pong 4", "1705584141.443438 out text 11", "1705584141.443532 in text 12",
            "1705584141.443840 out close 2 1000", "1705584141.443882 in close 2 1000",
        ]),
        Fact(file: "reply-ping-separate.pcap", url: "ws://localhost:8080/", openedAt: "1705583736.766935", lastFinAt: "1705583736.767743", messages: [
            "1705583736.766967 in ping 4", "1705583736.767195 out pong 4", "1705583736.767261 out text 11", "1705583736.767306 in text 12",
            "1705583736.767619 out close 2 1000", "1705583736.767650 in close 2 1000",
        ]),
        Fact(file: "two-binary-fragments.pcap", url: "ws://localhost:8080/", openedAt: "1705688423.687798", lastFinAt: "1705688423.699544", messages: [
            "1705688423.687842 in ping 4", "1705688423.688135 out pong 4", "1705688423.698477 out binary 11", "1705688423.698698 in binary 12",
            "1705688423.699238 out close 2 1000", "1705688423.699363 in close 2 1000",
        ]),
        Fact(file: "websocket_simple.dump", url: "ws://localhost:8765/", openedAt: "1413567046.095044", lastFinAt: "1413567047.469230", messages: [
            "1413567047.428739 out text 5", "1413567047.429383 in text 12", "1413567047.429785 in close 2 1000", "1413567047.468736 out close 2 1000",
        ]),
    ]

    static func nanoseconds(_ decimal: String) -> Int64 {
        Array(decimal.utf8).withUnsafeBufferPointer { ByteText.decimalSeconds(in: $0, from: 0, to: $0.count)!.nanoseconds }
    }

    @Test("every well-formed capture gives opened, the messages tshark lists (time, direction, kind, size, close code), then closed",
          arguments: facts)
    func wellFormed(fact: Fact) throws {
        let capture = try importCapture(try SharedCaptures.bytes("pcap/" + fact.file), format: .pcap)
        let origin = Self.nanoseconds(fact.openedAt)
        #expect(capture.endpoints == [fact.url])
        #expect(capture.wallClockStartNanoseconds == origin)
        #expect(capture.notes.isEmpty, "\(capture.notes)")
        #expect(capture.frames.allSatisfy { $0.connection == ConnectionID(0) })
        #expect(capture.frames.timesAreNonDecreasing)
        let opened = try #require(capture.frames.first)
        #expect(opened.kind == .opened && opened.time == .zero)
        #expect(ConnectionOpened(payload: opened.payload)?.url == fact.url)
        let closed = try #require(capture.frames.last)
        #expect(closed.kind == .closed)
        #expect(closed.time.nanoseconds == Self.nanoseconds(fact.lastFinAt) - origin)
        let messages = capture.frames.dropFirst().dropLast().map { frame -> String in
            let seconds = Timestamp(nanoseconds: frame.time.nanoseconds + origin).description.dropLast(3)
            var line = "\(seconds) \(frame.direction) \(frame.kind) \(frame.payload.count)"
            if frame.kind == .close, let code = CloseInfo(payload: frame.payload)?.code { line += " \(code)" }
            return line
        }
        #expect(messages == fact.messages)
    }

    @Test("payload bytes are unmasked and joined across fragments exactly")
    func payloadText() throws {
        // Texts as printed by `tshark … -e websocket.payload.text` (text frames) and `tshark -q -z follow,tcp,ascii,0`
        // (the binary fragments of two-binary-fragments.pcap read "Hello" + " there!" on the wire).
        func texts(_ file: String) throws -> [String] {
            try importCapture(try SharedCaptures.bytes("pcap/" + file), format: .pcap).frames
                .filter { $0.kind == .text || $0.kind == .binary || $0.kind == .ping }.map(\.text)
        }
        #expect(try texts("reply-ping-separate.pcap") == ["Zeek", "Hello Zeek!", "Hello there!"])
        #expect(try texts("two-binary-fragments.pcap") == ["Zeek", "Hello Zeek!", "Hello there!"])
        #expect(try texts("websocket_simple.dump") == ["spang", "Hello spang!"])
        #expect(try texts("fragmented-http-reply.pcap").last == "HTTP/1.1 200 OK\r\nServer: dont ask\r\nContent-Length: 0\r\n\r\n")
        let broker = try importCapture(try SharedCaptures.bytes("pcap/broker-websocket.pcap"), format: .pcap)
        #expect(broker.frames[1].text == "[\"/zeek/event/my_topic\"]")
        #expect(broker.frames[2].text == "{\"type\": \"ack\", \"endpoint\": \"cfc03c41-7983-5fe2-b22e-6894100e6305\", \"version\": \"2.8.0-dev\"}")
        let tooBig = try importCapture(try SharedCaptures.bytes("pcap/message-too-big-status.pcap"), format: .pcap)
        #expect(CloseInfo(payload: tooBig.frames[2].payload) == CloseInfo(code: 1009, reason: "over size limit (4 > 2 bytes)"))
    }

    @Test("the opened frame keeps the request's and the response's handshake headers in order")
    func openedHeaders() throws {
        let capture = try importCapture(try SharedCaptures.bytes("pcap/oversized-close-frame.pcapng"), format: .pcap)
        let opened = try #require(ConnectionOpened(payload: capture.frames[0].payload))
        // tshark -q -z follow,tcp,ascii,0: the request's 5 header lines, then the response's 3.
        #expect(opened.url == "ws://example.org/chat")
        #expect(opened.headers.map(\.name) == ["Host", "Upgrade", "Connection", "Sec-WebSocket-Key", "Sec-WebSocket-Version",
                                              "Upgrade", "Connection", "Sec-WebSocket-Accept"])
        #expect(opened.headers[7].value == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
    }

    @Test("an oversized close frame becomes an error frame naming its size and code, and the import goes on")
    func oversizedClose() throws {
        // tshark: packet 6 (epoch 0.000005) carries a close frame, 64-bit length 258, status code 1000;
        // the 101 is packet 5 (0.000004), the last FIN packet 8 (0.000007).
        let capture = try importCapture(try SharedCaptures.bytes("pcap/oversized-close-frame.pcapng"), format: .pcap)
        #expect(capture.wallClockStartNanoseconds == 4_000)
        #expect(capture.frames.map(\.kind) == [.opened, .error, .closed])
        #expect(capture.frames[1].direction == .inbound && capture.frames[1].time.nanoseconds == 1_000)
        #expect(capture.frames[1].text.contains("258-byte payload (close code 1000)"))
        #expect(capture.frames[2].time.nanoseconds == 3_000)
        #expect(capture.notes.map(\.kind) == [.malformedFrame])
        #expect(capture.notes[0].packetNumber == 6)
    }

    @Test("a wrong Sec-WebSocket-Accept gives one error frame, no decoding, and notes of what was skipped")
    func wrongAccept() throws {
        // tshark: the 101 is packet 6 (1705673813.629831) with 'N8ntNYkX6Qerw4tK3s/CYzpSZNc=-wrong'; python3:
        // base64(sha1(b'VMueuJIhu60C0hDKL+vS6g==' + GUID)) = 'N8ntNYkX6Qerw4tK3s/CYzpSZNc='. After the handshake
        // only a 6-byte ping from the server follows (packet 8, tshark length 4 + 2 header bytes).
        let capture = try importCapture(try SharedCaptures.bytes("pcap/wrong-accept-header.pcap"), format: .pcap)
        #expect(capture.frames.map(\.kind) == [.error])
        #expect(capture.wallClockStartNanoseconds == 1_705_673_813_629_831_000)
        #expect(capture.frames[0].text.contains("requires 'N8ntNYkX6Qerw4tK3s/CYzpSZNc='"))
        #expect(capture.notes.map(\.kind) == [.failedHandshake, .notWebSocket])
        #expect(capture.notes[1].message.contains("skipped 0 bytes client→server and 6 bytes server→client"))
    }
}
