import Testing
@testable import Venues

@Suite("Shared")
struct SharedTests {
    @Test("copies are values: a change to one leaves the others as they were")
    func copiesAreValues() {
        var first = Shared([1, 2])
        let second = first
        first.value.append(3)
        #expect(first.value == [1, 2, 3])
        #expect(second.value == [1, 2])
        #expect(first != second)
        #expect(first.boxIdentity != second.boxIdentity)
    }

    @Test("the only copy is written in place, in the same box")
    func uniqueIsWrittenInPlace() {
        var shared = Shared([1, 2])
        let box = shared.boxIdentity
        shared.value.append(3)
        shared.value[0] = 7
        #expect(shared.boxIdentity == box)
        #expect(shared.value == [7, 2, 3])
    }

    @Test("equal and hashed by value, whatever box holds it")
    func equalByValue() {
        let a = Shared("same"), b = Shared("same")
        #expect(a.boxIdentity != b.boxIdentity)
        #expect(a == b)
        #expect(a.hashValue == b.hashValue)
        #expect(a.description == "same")
    }

    @Test("a Digitex report decoder writes into the last push's box only once no message holds it")
    func reportDecoderReusesTheBox() throws {
        let frames = try SharedExamples.lines("digitex", "seq_place_market_order_accept_fill.jsonl")
            .filter { $0.starts(with: Array(#"{"ch":"orderStatus""#.utf8)) }
        try #require(frames.count >= 1)
        let first = Array(frames[0]), second = Array(String(decoding: first, as: UTF8.self)
            .replacingOccurrences(of: "104705.4583", with: "104700.0001").utf8)
        var memory = DigitexShortcuts.Memory()
        func decode(_ frame: [UInt8]) -> Shared<DigitexAccountPush>? {
            guard case .account(_, let push)? = frame.withUnsafeBufferPointer({ DigitexShortcuts.decode($0, memory: &memory) })
            else { return nil }
            return push
        }
        // Held: the next report makes a box of its own and leaves this one as it was read.
        let held = try #require(decode(first))
        let next = try #require(decode(second))
        #expect(held.boxIdentity != next.boxIdentity)
        #expect(held.value.account.traderBalance == FixedDecimal("104705.4583"))
        #expect(next.value.account.traderBalance == FixedDecimal("104700.0001"))
        // Dropped: the one after is written into the box the decoder kept.
        let box = next.boxIdentity
        _ = consume next
        let after = try #require(decode(first))
        #expect(after.boxIdentity == box)
        #expect(after.value.account.traderBalance == FixedDecimal("104705.4583"))
    }
}
