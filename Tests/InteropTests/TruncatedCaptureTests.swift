import Testing
import Samples
import TapeCore
import WebSocketWire
@testable import Interop

@Suite("cut-short and damaged captures")
struct TruncatedCaptureTests {
    static func pcapFiles() throws -> [String] {
        try SharedCaptures.allFiles().filter { $0.hasPrefix("pcap/") }
    }

    @Test("every pcap cut at several offsets imports a prefix of the full frames and notes the cut")
    func cutPcaps() throws {
        for file in try Self.pcapFiles() {
            let bytes = try SharedCaptures.bytes(file)
            let full = try importCapture(bytes, format: .pcap)
            for cut in [24 + 7, 100, 333, bytes.count / 3, bytes.count / 2, bytes.count - 40, bytes.count - 1] where cut > 24 {
                let capture = try importCapture(Array(bytes[..<cut]), format: .pcap)
                #expect(capture.frames.count <= full.frames.count, "\(file) cut at \(cut)")
                let comparable = capture.frames.filter { $0.kind != .closed && $0.kind != .lost }
                #expect(comparable == Array(full.frames.prefix(comparable.count)), "\(file) cut at \(cut)")
                // A cut exactly between two records leaves a valid, shorter file: nothing to notice there.
                if !Self.recordBoundaries(bytes).contains(cut) {
                    #expect(capture.notes.contains { $0.kind == .truncated && $0.byteOffset != nil && $0.packetNumber != nil }, "\(file) cut at \(cut) \(capture.notes)")
                }
            }
        }
    }

    /// Offsets where a record (pcap) or block (pcapng) ends, walked from the little-endian length fields
    /// (all shared captures are little-endian: `od -t x1 -N 4` shows d4 c3 b2 a1 / 0a 0d 0d 0a + 4d 3c 2b 1a).
    static func recordBoundaries(_ bytes: [UInt8]) -> Set<Int> {
        func le32(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 | Int(bytes[at + 2]) << 16 | Int(bytes[at + 3]) << 24 }
        var boundaries: Set<Int> = []
        let pcapng = bytes[0] == 0x0A
        var offset = pcapng ? 0 : 24
        while offset + 16 <= bytes.count {
            offset += pcapng ? le32(offset + 4) : 16 + le32(offset + 8)
            boundaries.insert(offset)
        }
        return boundaries
    }

    @Test("a pcap cut inside its file header imports nothing and says so")
    func cutHeader() throws {
        let bytes = try SharedCaptures.bytes("pcap/websocket_simple.dump")
        let capture = try importCapture(Array(bytes[..<10]), format: .pcap)
        #expect(capture.frames.isEmpty)
        #expect(capture.notes.map(\.kind) == [.truncated])
    }

    @Test("a cut inside a WebSocket frame notes the partial frame")
    func cutInsideFrame() throws {
        // broker-websocket.pcap: tshark says packet 11 carries a 533-byte text frame; cutting 100 bytes before the
        // end of that record leaves the record incomplete, so the file stops there and packet 11 is not imported.
        // Built instead: the standard conversation with its server text frame split over two packets, the second cut off.
        var conversation = Conversation(link: .ethernet)
        conversation.handshake()
        let frame = WebSocketWireFrame.encode(opcode: 1, payload: Array(repeating: 0x61, count: 300))
        conversation.send(fromClient: false, Array(frame[0..<100]))
        conversation.send(fromClient: false, Array(frame[100...]))
        let bytes = PcapBuilder.pcap(conversation.packets, link: .ethernet)
        let capture = try importCapture(Array(bytes[..<(bytes.count - 50)]), format: .pcap)
        #expect(capture.frames.map(\.kind) == [.opened])
        #expect(capture.notes.map(\.kind) == [.truncated, .truncated, .endedOpen])
        #expect(capture.notes[0].packetNumber == 7)
        #expect(capture.notes[1].message.contains("server→client stream ends inside a WebSocket frame (100 bytes buffered)"))
    }

    @Test("2,000 seeded random corruptions and cuts of every capture never crash the importers")
    func corruption() throws {
        var random = SeededRandom(seed: 20_261_121)
        for file in try SharedCaptures.allFiles() where !file.hasSuffix("README.md") && !file.hasPrefix("cryptofeed/D") {
            let original = try SharedCaptures.bytes(file)
            let format = try #require(CaptureFormat.detect(bytes: original))
            for _ in 0..<(2000 / 12) {
                var bytes = original
                for _ in 0..<Int.random(in: 1...8, using: &random) {
                    let index = Int.random(in: 0..<bytes.count, using: &random)
                    bytes[index] = UInt8.random(in: 0...255, using: &random)
                }
                if Bool.random(using: &random) { bytes = Array(bytes[..<Int.random(in: 0...bytes.count, using: &random)]) }
                if let capture = try? importCapture(bytes, format: format) {
                    #expect(capture.frames.timesAreNonDecreasing, "\(file)")
                }
            }
        }
    }
}
