import Foundation
import Testing
import TapeCore
@testable import TapeFormat

@Suite("JSON lines")
struct FrameJSONTests {
    @Test("every random frame survives a trip through a JSON line exactly")
    func randomFramesRoundTrip() throws {
        var frames = randomFrames(count: 2_000, seed: 7, maxPayload: 300)
        // Text the escaper must get right: quotes, backslashes, controls, non-ASCII, U+2028.
        frames.append(.text("\"\\\u{0}\u{1f}\u{7f} é 日本 🙂 \u{2028}\r\n\t", at: frames.last!.time, .inbound))
        frames.append(Frame(time: frames.last!.time, direction: .inbound, connection: ConnectionID(1), kind: .text, payload: [0xff, 0xfe, 0x00]))
        for (number, frame) in frames.enumerated() {
            let recorded = RecordedFrame(number: number, frame: frame)
            let line = FrameJSON.line(for: recorded)
            #expect(!line.contains("\n"))
            #expect(try FrameJSON.parse(Data(line.utf8), defaultNumber: -1) == .frame(recorded))
        }
    }

    @Test("the header line parses back to the same header")
    func headerRoundTrip() throws {
        let line = FrameJSON.headerLine(for: testHeader)
        #expect(try FrameJSON.parse(Data(line.utf8), defaultNumber: 0) == .header(testHeader))
    }

    @Test("bad lines say what is wrong")
    func badLines() {
        let cases: [(String, String)] = [
            (#"{"t":1,"dir":"up","conn":0,"kind":"text","text":""}"#, "unknown direction 'up'"),
            (#"{"t":1,"dir":"in","conn":0,"kind":"smoke","text":""}"#, "unknown kind 'smoke'"),
            (#"{"t":1,"dir":"in","conn":0,"kind":"text"}"#, "exactly one of text or base64"),
            (#"{"t":1,"dir":"in","conn":0,"kind":"text","base64":"!!"}"#, "base64 payload does not decode"),
            ("not json", "not a frame object"),
        ]
        for (line, message) in cases {
            let error = #expect(throws: FrameJSON.LineError.self) { try FrameJSON.parse(Data(line.utf8), defaultNumber: 0) }
            #expect(error?.reason.contains(message) == true, "\(line)")
        }
    }
}
