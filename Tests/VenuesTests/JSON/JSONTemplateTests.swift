import Testing
@testable import Venues

@Suite("JSON templates")
struct JSONTemplateTests {
    /// `{"kind":"book","a":…,"list":[{"x":…},…],"n":null or {"v":…},"m":null or […]}`, other
    /// members stepped over; `refused` must not be there.
    static let a = 0, list = 1, entry = 2, x = 3, v = 4, m = 5
    static let shape = JSONShape.object([
        ("kind", .constant(#""book""#)),
        ("a", .value(a)),
        ("list", .array(of: .object([("x", .value(x))], opened: entry), opened: list)),
        ("n", .object([("v", .value(v))], nullable: true)),
        ("m", .array(of: .value(m), nullable: true)),
        ("refused", .refused),
    ])

    /// The values read, as a decoder's parts hold them: each value's text by slot and list entry,
    /// in the order first read (an entry `opened` alone). `reads` counts the slot calls of the
    /// last read.
    struct Read: Equatable, CustomStringConvertible {
        var values: [String] = []
        var keys: [String] = []
        var reads = 0
        var description: String { values.joined(separator: " ") }

        static func == (lhs: Read, rhs: Read) -> Bool { lhs.values == rhs.values }

        mutating func take(_ cursor: inout JSONCursor, _ slot: Int, _ element: Int) -> Bool {
            reads += 1
            let key = "\(slot)[\(element)]"
            var value = key
            if slot != JSONTemplateTests.list && slot != JSONTemplateTests.entry {
                let start = cursor.valueStart()
                guard cursor.skipValue() else { return false }
                value += "=" + String(decoding: cursor.text(since: start), as: UTF8.self)
            }
            if let index = keys.firstIndex(of: key) {
                values[index] = value
            } else {
                keys.append(key)
                values.append(value)
            }
            return true
        }
    }

    /// A whole frame read by shape, as the decoders read one: the message, then its end.
    private func byShape(_ text: String, learning template: inout JSONTemplate) -> Read? {
        Array(text.utf8).withUnsafeBufferPointer { bytes in
            var cursor = JSONCursor(bytes)!
            var read = Read()
            return cursor.read(Self.shape, learning: &template, into: &read, { $0.take(&$1, $2, $3) }) && cursor.isAtEnd ? read : nil
        }
    }

    /// A whole frame read by `template`, into `read` (what the template's message gave); false when
    /// the frame does not follow it.
    private func following(_ template: inout JSONTemplate, _ read: inout Read, _ text: String) -> Bool {
        read.reads = 0
        return Array(text.utf8).withUnsafeBufferPointer { bytes in
            var cursor = JSONCursor(bytes)!
            return cursor.read(changesFrom: &template, into: &read, { $0.take(&$1, $2, $3) }) && cursor.isAtEnd
        }
    }

    static let learnt = #"{"kind":"book","a":12,"skip":"s","list":[{"x":1,"y":[1,2]},{"x":2}],"n":null,"tail":7}"#

    @Test("frames that differ from the last only in values read as by shape, reading only the values that changed")
    func changedValuesReadAsByShape() throws {
        var template = JSONTemplate()
        var read = try #require(byShape(Self.learnt, learning: &template))
        #expect(read.description == "0[0]=12 1[0] 2[0] 3[0]=1 2[1] 3[1]=2")
        // One after another, each compared with the one before it; with the values read each time.
        let frames: [(String, reads: Int)] = [
            (Self.learnt, 0),
            // Values read and stepped over changed, some to other lengths and kinds.
            (#"{"kind":"book","a":123.5,"skip":{"deep":[true]},"list":[{"x":10000,"y":"z"},{"x":-2}],"n":null,"tail":7}"#, 3),
            // Only a value after the ones that changed length: where it stands moved with them.
            (#"{"kind":"book","a":123.5,"skip":{"deep":[true]},"list":[{"x":10000,"y":"z"},{"x":-3}],"n":null,"tail":7}"#, 1),
            // A number that grows into the bytes after it (`7` → `75`), a shorter one, and trailing whitespace.
            (#"{"kind":"book","a":1,"skip":{"deep":[true]},"list":[{"x":10000,"y":"z"},{"x":-3}],"n":null,"tail":75}  "#, 1),
            (Self.learnt, 3),
        ]
        for (frame, reads) in frames {
            var fresh = JSONTemplate()
            let expected = try #require(byShape(frame, learning: &fresh), "\(frame)")
            #expect(following(&template, &read, frame), "\(frame)")
            #expect(read == expected, "\(frame)")
            #expect(read.reads == reads, "\(frame)")
        }
    }

    @Test("a frame that differs outside its values is refused; the template stays unless a value was read again first")
    func otherRunsRefused() throws {
        var learnt = JSONTemplate()
        let learntRead = try #require(byShape(Self.learnt, learning: &learnt))
        let frames = [
            #"{"kind":"book","a":12,"skip":"s","list":[{"x":1,"y":[1,2]},{"x":2},{"x":3}],"n":null,"tail":7}"#, // another entry
            #"{"kind":"book","a":12,"skip":"s","list":[{"x":1,"y":[1,2]}],"n":null,"tail":7}"#,                 // one fewer
            #"{"kind":"book","a":12,"skip":"s","list":[{"x":1,"y":[1,2]},{"x":2}],"n":{"v":5},"tail":7}"#,      // an object for null
            #"{"kind":"book", "a":12,"skip":"s","list":[{"x":1,"y":[1,2]},{"x":2}],"n":null,"tail":7}"#,        // a space
            #"{"a":12,"kind":"book","skip":"s","list":[{"x":1,"y":[1,2]},{"x":2}],"n":null,"tail":7}"#,         // another order
            #"{"kind":"bbo","a":12,"skip":"s","list":[{"x":1,"y":[1,2]},{"x":2}],"n":null,"tail":7}"#,          // another constant
        ]
        for frame in frames {
            var template = learnt
            var read = learntRead
            #expect(!following(&template, &read, frame), "\(frame)")
            // Nothing was read again before the difference: the template and the values stand.
            #expect(read == learntRead && read.reads == 0, "\(frame)")
            #expect(following(&template, &read, Self.learnt), "\(frame)")
            #expect(read == learntRead && read.reads == 0, "\(frame)")
        }
        // A value read again before the difference (a changed one, or one the difference follows
        // right after, as a number that grew would): the template is gone, even its own message
        // reads by shape now.
        for frame in [
            #"{"kind":"book","a":99.5,"skip":"s","list":[{"x":1,"y":[1,2]}],"n":null,"tail":7}"#,
            #"{"kind":"book","a":12,"skip":"t","list":[{"x":1,"y":[1,2]},{"x":2}],"n":null,"tail":7,"z":0}"#,
            #"{"kind":"book","a":12,"skip":"s","list":[{"x":1,"y":[1,2]},{"x":2}],"n":null,"tail":7"#,          // cut short
            #"{"kind":"book","a":12,"skip":"s","list":[{"x":1,"y":[1,2]},{"x":2}],"n":null,"tail":7,"z":0}"#,   // a member more
        ] {
            var template = learnt
            var read = learntRead
            #expect(!following(&template, &read, frame), "\(frame)")
            read = learntRead
            #expect(!following(&template, &read, Self.learnt), "\(frame)")
        }
        // Bytes after the message are the caller's to refuse: the message itself followed the template.
        var template = learnt
        var read = learntRead
        #expect(!following(&template, &read, #"{"kind":"book","a":13,"skip":"s","list":[{"x":1,"y":[1,2]},{"x":2}],"n":null,"tail":7}x"#))
        #expect(following(&template, &read, Self.learnt))
        #expect(read == learntRead)
        var relearnt = JSONTemplate()
        read = try #require(byShape(frames[2], learning: &relearnt))
        #expect(read.description == "0[0]=12 1[0] 2[0] 3[0]=1 2[1] 3[1]=2 4[0]=5")
        #expect(following(&relearnt, &read, frames[2]))
    }

    @Test("by shape, a named member twice, the wrong constant or bad JSON fails and leaves no template")
    func shapeRefusals() {
        for frame in [
            #"{"kind":"book","a":1,"a":2,"list":[]}"#,
            #"{"kind":"bbo","a":1,"list":[]}"#,
            #"{"kind":"book","a":1,"list":{}}"#,
            #"{"kind":"book","a":1,"list":[],}"#,
            #"{"kind":"book","a":1,"list":[],"refused":0}"#,
            #"{"kind":"book","a":1,"list":[],"m":{}}"#,
        ] {
            var template = JSONTemplate()
            #expect(byShape(frame, learning: &template) == nil, "\(frame)")
            var read = Read()
            #expect(!following(&template, &read, #"{"kind":"book","a":1,"list":[]}"#), "\(frame)")
        }
    }

    @Test("a changed value that does not read fails the read by template")
    func valueRefusedFollowing() throws {
        for frame in [
            #"{"kind":"book","a":"no\"pe","skip":"s","list":[{"x":1,"y":[1,2]},{"x":2}],"n":null,"tail":7}"#,
            #"{"kind":"book","a":12,"skip":tru,"list":[{"x":1,"y":[1,2]},{"x":2}],"n":null,"tail":7}"#,
        ] {
            var template = JSONTemplate()
            var read = try #require(byShape(Self.learnt, learning: &template))
            #expect(!following(&template, &read, frame), "\(frame)")
        }
    }

    @Test("a nullable array reads as null or as its elements, and a template learnt with one refuses the other")
    func nullableArray() throws {
        let null = #"{"kind":"book","a":1,"m":null}"#
        let values = #"{"kind":"book","a":1,"m":[7,8]}"#
        var withNull = JSONTemplate()
        var read = try #require(byShape(null, learning: &withNull))
        #expect(read.description == "0[0]=1")
        #expect(!following(&withNull, &read, values))
        var withValues = JSONTemplate()
        read = try #require(byShape(values, learning: &withValues))
        #expect(read.description == "0[0]=1 5[0]=7 5[1]=8")
        var refusing = withValues
        var refused = read
        #expect(!following(&refusing, &refused, null))
        #expect(following(&withValues, &read, #"{"kind":"book","a":2,"m":[70,-8]}"#))
        #expect(read.description == "0[0]=2 5[0]=70 5[1]=-8")
    }
}
