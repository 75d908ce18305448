import Testing
@testable import TapeCore

@Suite("TapeCore frames and times")
struct FrameTests {
    @Test("a timestamp prints as exact seconds with nine decimals")
    func timestampDescription() {
        #expect(Timestamp(nanoseconds: 1_500_000_001).description == "1.500000001")
        #expect(Timestamp(nanoseconds: -5).description == "-0.000000005")
        #expect(Timestamp.zero.description == "0.000000000")
    }

    @Test("an opened payload round-trips its URL and headers in order")
    func openedRoundTrip() throws {
        let opened = ConnectionOpened(
            url: "wss://ws.example/v1?x=1",
            headers: [HTTPHeader(name: "Sec-WebSocket-Key", value: "abc=="), HTTPHeader(name: "X-Empty", value: "")]
        )
        let decoded = try #require(ConnectionOpened(payload: opened.payload))
        #expect(decoded == opened)
    }

    @Test("a close body keeps its code and reason; a one-byte body is malformed")
    func closeInfo() {
        let info = CloseInfo(code: 1009, reason: "message too big")
        #expect(CloseInfo(payload: info.payload) == info)
        #expect(CloseInfo(payload: []) == CloseInfo(code: nil))
        #expect(CloseInfo(payload: [0x03]) == nil)
    }

    @Test("kind and direction names parse back to themselves")
    func names() {
        for kind in FrameKind.allCases { #expect(FrameKind(name: kind.description) == kind) }
        for direction in Direction.allCases { #expect(Direction(name: direction.description) == direction) }
        #expect(FrameKind(name: "bogus") == nil)
    }
}
