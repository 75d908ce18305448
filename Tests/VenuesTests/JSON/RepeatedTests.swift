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

    @Test("a string read beside its twin is the twin's own String when the bytes agree, and its own text when not")
    func sharedTwin() {
        let twin = "c61533a0113c416b" // 16 bytes: a String on the heap, so sharing is visible
        func read(_ json: String, twin: String?) -> (String?, Bool)? {
            Array(json.utf8).withUnsafeBufferPointer { buffer in
                var cursor = JSONCursor(buffer)!
                var value: String? = "stale"
                guard cursor.readOptional(&value, sharingWith: twin) else { return nil }
                let shared = value.map { value in
                    twin.map { twin in value.utf8.withContiguousStorageIfAvailable { $0.baseAddress } == twin.utf8.withContiguousStorageIfAvailable { $0.baseAddress } } ?? false
                } ?? false
                return (value, shared)
            }
        }
        #expect(read(#""c61533a0113c416b""#, twin: twin).map { [$0.0 ?? "nil", "\($0.1)"] } == [twin, "true"])
        #expect(read(#""c61533a0113c416c""#, twin: twin).map { [$0.0 ?? "nil", "\($0.1)"] } == ["c61533a0113c416c", "false"])
        #expect(read(#""c61533a0113c416""#, twin: twin).map { [$0.0 ?? "nil", "\($0.1)"] } == ["c61533a0113c416", "false"])
        #expect(read(#""c61533a0113c416b""#, twin: nil).map { [$0.0 ?? "nil", "\($0.1)"] } == [twin, "false"])
        #expect(read("null", twin: twin).map { [$0.0 ?? "nil", "\($0.1)"] } == ["nil", "false"], "null clears the stale value")
        #expect(read("12", twin: twin) == nil, "not a string")
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

    @Test("a container is handed out again only while the bytes ahead start with its own; numbers are read every time")
    func containersByTheirBytes() {
        // Each frame is `{"side":VALUE,…}`; the side is read as book levels.
        let frames = [
            #"{"side":[["1.5","2"],["1","3"]],"n":1}"#,
            #"{"side":[["1.5","2"],["1","3"]],"n":2}"#,      // same side, other bytes after it: kept
            #"{"side":[["1.5","2"],["1","3"],["0.5","1"]]}"#, // starts like the kept side, but longer: read
            #"{"side":[["1.5","2"],["1","3"],["0.5","1"]]}"#, // kept
            #"{"side":[["1.5","2"]]}"#,                      // a prefix of the kept side: read
            #"{"side":  [["1.5","2"]] }"#,                   // spaces before it: kept
            #"{"side":[["1.5","-2"]]}"#,                     // declined, and the kept side stays
            #"{"side":[["1.5","2"]]}"#,                      // kept
        ]
        var last = Repeated<[BookLevel]>()
        var reads = 0
        var sides: [[BookLevel]?] = []
        for frame in frames {
            sides.append(Array(frame.utf8).withUnsafeBufferPointer { bytes -> [BookLevel]? in
                var cursor = JSONCursor(bytes)!
                guard cursor.consume(UInt8(ascii: "{")), cursor.key() != nil else { return nil }
                return cursor.read(repeating: &last) { reads += 1; return $0.readBookLevels() }
            })
        }
        let two = [BookLevel(price: FixedDecimal("1.5")!, size: FixedDecimal("2")!), BookLevel(price: FixedDecimal("1")!, size: FixedDecimal("3")!)]
        let three = two + [BookLevel(price: FixedDecimal("0.5")!, size: FixedDecimal("1")!)]
        #expect(sides == [two, two, three, three, [two[0]], [two[0]], nil, [two[0]]])
        #expect(reads == 4)

        // A number is no container: `12` starts `123`.
        var number = Repeated<FixedDecimal>()
        let numbers = ["12", "123", "123"].map { text in
            Array(text.utf8).withUnsafeBufferPointer { bytes in
                var cursor = JSONCursor(bytes)!
                return cursor.read(repeating: &number) { $0.decimal() }
            }
        }
        #expect(numbers == [FixedDecimal("12"), FixedDecimal("123"), FixedDecimal("123")])
    }
}
