import Testing
import Samples
import TapeCore
@testable import WebSocketWire

@Suite("WebSocket frame decoder")
struct WebSocketFrameDecoderTests {
    static let payloads: [[UInt8]] = [[], Array("hi".utf8), Array(repeating: 0x41, count: 125), Array(repeating: 0x42, count: 126),
                                      (0..<70_000).map { UInt8(truncatingIfNeeded: $0 * 7) }]

    static var stream: [UInt8] {
        var bytes: [UInt8] = []
        for (index, payload) in payloads.enumerated() {
            bytes += WebSocketWireFrame.encode(opcode: 2, payload: payload, mask: index % 2 == 0 ? [1, 2, 3, 4] : nil)
        }
        bytes += WebSocketWireFrame.encode(opcode: 1, payload: Array("x".utf8), forceLength64: true)
        return bytes
    }

    static func decodeAll(_ chunks: [ArraySlice<UInt8>]) throws -> [WebSocketWireFrame] {
        var decoder = WebSocketFrameDecoder()
        var frames: [WebSocketWireFrame] = []
        for chunk in chunks {
            decoder.append(chunk)
            while case let .frame(frame) = try decoder.next() { frames.append(frame) }
        }
        #expect(decoder.bufferedByteCount == 0)
        return frames
    }

    static func check(_ frames: [WebSocketWireFrame]) {
        #expect(frames.map(\.payload) == payloads + [Array("x".utf8)])
        #expect(frames.map(\.masked) == [true, false, true, false, true, false])
        #expect(frames.map(\.opcode) == [2, 2, 2, 2, 2, 1])
        // Stream offsets: header sizes 2/6, 4/8, 10/14 bytes by length class and mask.
        #expect(frames.map(\.streamOffset) == [0, 6, 10, 141, 271, 70_285])
    }

    @Test("frames decode the same fed all at once")
    func allAtOnce() throws {
        Self.check(try Self.decodeAll([Self.stream[...]]))
    }

    @Test("frames decode the same fed byte by byte")
    func byteByByte() throws {
        let stream = Self.stream
        Self.check(try Self.decodeAll(stream.indices.map { stream[$0...$0] }))
    }

    @Test("frames decode the same fed in 200 seeded random splits")
    func randomSplits() throws {
        let stream = Self.stream
        var random = SeededRandom(seed: 6455)
        for _ in 0..<200 {
            var chunks: [ArraySlice<UInt8>] = []
            var start = 0
            while start < stream.count {
                let length = Int.random(in: 1...(Int.random(in: 0..<4, using: &random) == 0 ? 20 : 4000), using: &random)
                chunks.append(stream[start..<min(stream.count, start + length)])
                start += length
            }
            Self.check(try Self.decodeAll(chunks))
        }
    }

    @Test("a length over maxFrameSize is an error that names it, and the decoder stays failed")
    func frameTooLarge() throws {
        var decoder = WebSocketFrameDecoder(maxFrameSize: 100)
        decoder.append(WebSocketWireFrame.encode(opcode: 1, payload: Array("ok".utf8)) + WebSocketWireFrame.encode(opcode: 2, payload: Array(repeating: 0, count: 101)))
        #expect(try decoder.next() == .frame(WebSocketWireFrame(fin: true, opcode: 1, masked: false, payload: Array("ok".utf8))))
        #expect(throws: WebSocketFrameDecoder.DecodeError.frameTooLarge(length: 101, limit: 100, streamOffset: 4)) { try decoder.next() }
        #expect(throws: WebSocketFrameDecoder.DecodeError.frameTooLarge(length: 101, limit: 100, streamOffset: 4)) { try decoder.next() }
    }

    @Test("a 64-bit length with the top bit set is an error")
    func lengthHighBit() throws {
        var decoder = WebSocketFrameDecoder()
        decoder.append([0x82, 127, 0x80, 0, 0, 0, 0, 0, 0, 1])
        #expect(throws: WebSocketFrameDecoder.DecodeError.lengthHighBitSet(streamOffset: 0)) { try decoder.next() }
    }

    @Test("a partial header or payload asks for more data")
    func needMoreData() throws {
        var decoder = WebSocketFrameDecoder()
        decoder.append([0x81])
        #expect(try decoder.next() == .needMoreData)
        decoder.append([0x85, 1, 2, 3])
        #expect(try decoder.next() == .needMoreData)
        decoder.append([4, 0x69 ^ 1])
        #expect(try decoder.next() == .needMoreData)
        #expect(decoder.bufferedByteCount == 7) // the 6-byte header (2 + 4-byte mask) and 1 payload byte
    }
}

@Suite("WebSocket message assembler")
struct WebSocketMessageAssemblerTests {
    func frame(_ opcode: UInt8, _ text: String, fin: Bool = true, rsv: UInt8 = 0, count: Int? = nil) -> WebSocketWireFrame {
        WebSocketWireFrame(fin: fin, reservedBits: rsv, opcode: opcode, masked: false,
                           payload: count.map { Array(repeating: 0x43, count: $0) } ?? Array(text.utf8))
    }

    @Test("fragments join into one message; a ping between fragments passes through first")
    func fragmentsAndInterleavedControl() {
        var assembler = WebSocketMessageAssembler()
        #expect(assembler.receive(frame(1, "Hel", fin: false)) == [])
        #expect(assembler.receive(frame(9, "p")) == [.message(.ping, Array("p".utf8))])
        #expect(assembler.receive(frame(0, "lo ", fin: false)) == [])
        #expect(assembler.hasOpenMessage)
        #expect(assembler.receive(frame(0, "world")) == [.message(.text, Array("Hello world".utf8))])
        #expect(!assembler.hasOpenMessage)
    }

    @Test("each protocol violation is reported with its rule and the stream goes on")
    func violations() {
        var assembler = WebSocketMessageAssembler()
        func reason(_ outputs: [WebSocketMessageAssembler.Output]) -> String {
            guard outputs.count == 1, case let .violation(text) = outputs[0] else { return "not one violation: \(outputs)" }
            return text
        }
        #expect(reason(assembler.receive(frame(0, "x"))).contains("continuation frame with no message"))
        #expect(reason(assembler.receive(frame(8, "", count: 126))).contains("126-byte payload"))
        #expect(reason(assembler.receive(frame(9, "x", fin: false))).contains("fragmented ping"))
        #expect(reason(assembler.receive(frame(3, "x"))).contains("reserved opcode 0x3"))
        #expect(reason(assembler.receive(frame(1, "x", rsv: 4))).contains("reserved bits 0b100"))
        #expect(assembler.receive(frame(2, "a", fin: false)) == [])
        let cut = assembler.receive(frame(1, "b"))
        #expect(cut.count == 2)
        #expect(cut.last == .message(.text, Array("b".utf8)))
        #expect(assembler.receive(frame(10, "ok")) == [.message(.pong, Array("ok".utf8))])
    }

    @Test("a fragmented message over maxMessageSize is dropped with a violation")
    func messageTooLarge() {
        var assembler = WebSocketMessageAssembler(maxMessageSize: 4)
        #expect(assembler.receive(frame(2, "abc", fin: false)) == [])
        #expect(assembler.receive(frame(0, "de", fin: false)) == [])
        #expect(assembler.receive(frame(0, "f")).count == 1)
        #expect(assembler.receive(frame(2, "ok")) == [.message(.binary, Array("ok".utf8))])
    }
}
