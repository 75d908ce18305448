import Testing
@testable import Venues

@Suite("Repeated strings")
struct RepeatedStringTests {
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
}
