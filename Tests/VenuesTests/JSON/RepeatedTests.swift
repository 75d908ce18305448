import Testing
@testable import Venues

@Suite("Repeated values")
struct RepeatedTests {
    @Test("each read gives the String of its own bytes, whether they repeat, change at the same length, or are not UTF-8")
    func stringsOfTheirBytes() {
        let inputs: [[UInt8]] = [
            Array("0x5eed00000000000000000000000000000000cafe".utf8), Array("0x5eed00000000000000000000000000000000cafe".utf8),
            Array("0x5eed00000000000000000000000000000000beef".utf8), Array("BTC".utf8), Array("ETH".utf8), [],
            [0x42, 0xFF, 0x43], [0x42, 0xFE, 0x43], Array("BTC".utf8),
        ]
        var last = RepeatedString()
        for bytes in inputs {
            let string = bytes.withUnsafeBufferPointer { last.string(of: $0) }
            #expect(string == String(decoding: bytes, as: UTF8.self), "\(bytes)")
        }
    }

    @Test("a value is made again only when the bytes change, a nil one included")
    func madeOncePerRun() {
        let inputs = ["2026-11-22T09:00:00Z", "2026-11-22T09:00:00Z", "not a time", "not a time", "2026-11-22T09:00:01Z", ""]
        var last = Repeated<Int?>()
        var made = 0
        var values: [Int?] = []
        for text in inputs {
            values.append(Array(text.utf8).withUnsafeBufferPointer { bytes in
                last.value(of: bytes) { made += 1; return $0.count == 20 ? Int($0[18] - UInt8(ascii: "0")) : nil }
            })
        }
        #expect(values == [0, 0, nil, nil, 1, nil])
        #expect(made == 4)
    }
}
