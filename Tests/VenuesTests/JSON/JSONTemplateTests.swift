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

    /// What a read gave: each slot called, in order, with its entry and the value's text.
    struct Read: Equatable, CustomStringConvertible {
        var slots: [String] = []
        var description: String { slots.joined(separator: " ") }

        mutating func take(_ cursor: inout JSONCursor, _ slot: Int, _ element: Int) -> Bool {
            let start = cursor.valueStart()
            if slot == JSONTemplateTests.list || slot == JSONTemplateTests.entry {
                slots.append("\(slot)[\(element)]")
                return true
            }
            guard cursor.skipValue() else { return false }
            slots.append("\(slot)[\(element)]=" + String(decoding: cursor.text(since: start), as: UTF8.self))
            return true
        }
    }

    private func byShape(_ text: String, learning template: inout JSONTemplate) -> Read? {
        Array(text.utf8).withUnsafeBufferPointer { bytes in
            var cursor = JSONCursor(bytes)!
            var read = Read()
            // A whole frame, as the decoders read one: the message, then its end.
            return cursor.read(Self.shape, learning: &template, { read.take(&$0, $1, $2) }) && cursor.isAtEnd ? read : nil
        }
    }

    private func following(_ template: JSONTemplate, _ text: String) -> Read? {
        Array(text.utf8).withUnsafeBufferPointer { bytes in
            var cursor = JSONCursor(bytes)!
            var read = Read()
            return cursor.read(following: template, { read.take(&$0, $1, $2) }) && cursor.isAtEnd ? read : nil
        }
    }

    static let learnt = #"{"kind":"book","a":12,"skip":"s","list":[{"x":1,"y":[1,2]},{"x":2}],"n":null,"tail":7}"#

    @Test("a frame with the same runs between its values reads as by shape, whatever the values and their lengths")
    func sameRunsReadAsByShape() throws {
        var template = JSONTemplate()
        let learnt = try #require(byShape(Self.learnt, learning: &template))
        #expect(learnt.description == "0[0]=12 1[0] 2[0] 3[0]=1 2[1] 3[1]=2")
        let frames = [
            Self.learnt,
            // Values read and stepped over changed, some to other lengths and kinds.
            #"{"kind":"book","a":123.5,"skip":{"deep":[true]},"list":[{"x":10000,"y":"z"},{"x":-2}],"n":null,"tail":7}"#,
            // A number stepped over that starts as the learnt one (`7` → `75`), and trailing whitespace.
            #"{"kind":"book","a":12,"skip":"s","list":[{"x":1,"y":[1,2]},{"x":2}],"n":null,"tail":75}  "#,
        ]
        for frame in frames {
            var fresh = JSONTemplate()
            let expected = try #require(byShape(frame, learning: &fresh), "\(frame)")
            #expect(following(template, frame) == expected, "\(frame)")
        }
    }

    @Test("a frame whose runs differ is refused, and reads by shape as its own")
    func otherRunsRefused() {
        var template = JSONTemplate()
        _ = byShape(Self.learnt, learning: &template)
        let frames = [
            #"{"kind":"book","a":12,"skip":"s","list":[{"x":1,"y":[1,2]},{"x":2},{"x":3}],"n":null,"tail":7}"#, // another entry
            #"{"kind":"book","a":12,"skip":"s","list":[{"x":1,"y":[1,2]}],"n":null,"tail":7}"#,                 // one fewer
            #"{"kind":"book","a":12,"skip":"s","list":[{"x":1,"y":[1,2]},{"x":2}],"n":{"v":5},"tail":7}"#,      // an object for null
            #"{"kind":"book", "a":12,"skip":"s","list":[{"x":1,"y":[1,2]},{"x":2}],"n":null,"tail":7}"#,        // a space
            #"{"a":12,"kind":"book","skip":"s","list":[{"x":1,"y":[1,2]},{"x":2}],"n":null,"tail":7}"#,         // another order
            #"{"kind":"bbo","a":12,"skip":"s","list":[{"x":1,"y":[1,2]},{"x":2}],"n":null,"tail":7}"#,          // another constant
            #"{"kind":"book","a":12,"skip":"s","list":[{"x":1,"y":[1,2]},{"x":2}],"n":null,"tail":7}x"#,        // more after the end
            #"{"kind":"book","a":12,"skip":"s","list":[{"x":1,"y":[1,2]},{"x":2}],"n":null,"tail":7"#,          // cut short
        ]
        for frame in frames {
            #expect(following(template, frame) == nil, "\(frame)")
        }
        var relearnt = JSONTemplate()
        #expect(byShape(frames[2], learning: &relearnt)?.description == "0[0]=12 1[0] 2[0] 3[0]=1 2[1] 3[1]=2 4[0]=5")
        #expect(following(relearnt, frames[2]) != nil)
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
            #expect(following(template, #"{"kind":"book","a":1,"list":[]}"#) == nil, "\(frame)")
        }
    }

    @Test("a value that does not read fails the read that follows the template")
    func valueRefusedFollowing() {
        var template = JSONTemplate()
        _ = byShape(Self.learnt, learning: &template)
        #expect(following(template, #"{"kind":"book","a":"no\"pe","skip":"s","list":[{"x":1,"y":[1,2]},{"x":2}],"n":null,"tail":7}"#) == nil)
        #expect(following(template, #"{"kind":"book","a":12,"skip":tru,"list":[{"x":1,"y":[1,2]},{"x":2}],"n":null,"tail":7}"#) == nil)
    }

    @Test("a nullable array reads as null or as its elements, and a template learnt with one refuses the other")
    func nullableArray() throws {
        var withNull = JSONTemplate()
        let null = #"{"kind":"book","a":1,"m":null}"#
        let values = #"{"kind":"book","a":1,"m":[7,8]}"#
        #expect(byShape(null, learning: &withNull)?.description == "0[0]=1")
        #expect(following(withNull, values) == nil)
        var withValues = JSONTemplate()
        #expect(byShape(values, learning: &withValues)?.description == "0[0]=1 5[0]=7 5[1]=8")
        #expect(following(withValues, null) == nil)
        #expect(following(withValues, #"{"kind":"book","a":2,"m":[70,-8]}"#)?.description == "0[0]=2 5[0]=70 5[1]=-8")
    }
}
