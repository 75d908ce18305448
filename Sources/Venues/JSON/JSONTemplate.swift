/// How a one-pass decoder reads a message, member by member: which values it reads (through
/// numbered slots), which containers it walks into, and, by leaving them out, which members it
/// steps over. `JSONCursor.read(_:learning:_:)` reads a message by it and learns the message's
/// `JSONTemplate`.
indirect enum JSONShape: Sendable {
    /// A value the decoder reads itself, through the slot with this number.
    case value(Int)
    /// A value that must be exactly this JSON text (a channel's name, quotes included).
    case constant(String)
    /// An object (made with `object(_:opened:nullable:)`).
    case members(Members, opened: Int?, nullable: Bool)
    /// An array of elements of one shape; the slots read inside the n-th element get n.
    /// `nullable` takes `null` for the array.
    case array(of: JSONShape, opened: Int? = nil, nullable: Bool = false)
    /// A member whose presence makes the read fail: the frame is another message, left to the
    /// general path (an answer with `method` where a push has none).
    case refused

    /// An object's named members: their names (found by hash) and shapes, by place.
    struct Members: Sendable {
        let names: JSONNameTable
        let shapes: [JSONShape]
    }

    /// An object. Its named members have these shapes, and each may come once: a second makes
    /// the read fail, as the shortcuts decline what the general path would read only the first
    /// of. Other members are stepped over. `opened`, a slot that reads nothing, is called as the
    /// object opens (to count list entries, or to learn that it was there); `nullable` takes
    /// `null` for the object.
    static func object(_ members: [(name: String, shape: JSONShape)], opened: Int? = nil, nullable: Bool = false) -> JSONShape {
        .members(Members(names: JSONNameTable(members.map(\.name)), shapes: members.map(\.shape)), opened: opened, nullable: nullable)
    }
}

/// The shape of the last message a decoder read (`JSONShape`), kept to read the next frames
/// fast: a venue sends a push of one kind with the same members in the same order frame after
/// frame, and only the values change.
///
/// It is the message cut at each value the decoder reads or steps over: the bytes between (keys,
/// punctuation, whitespace, constants, `null` containers) and what to do with the value after each
/// run. `JSONCursor.read(following:_:)` reads a message by comparing each run with the frame's
/// bytes and reading only the values, with the same reads as the walk by shape, so that it gives
/// the same values or fails at the first byte that differs. (A value may change length: only the
/// runs between values must repeat.)
struct JSONTemplate: Sendable {
    /// A value to read (`slot`, inside list entry `element`) or step over (`slot` nil), after the
    /// run of bytes that ends at `runEnd` in `runs`. A value stepped over is kept after the run,
    /// up to `valueEnd`: most such values (a balance's `segregated`, a position's `cumFunding`)
    /// repeat, and comparing them costs less than stepping over them.
    fileprivate struct Cut: Sendable {
        var runEnd: Int
        var valueEnd: Int
        var slot: Int?
        var element: Int
    }

    /// The runs of bytes between the values, one after another, with the values stepped over.
    fileprivate var runs: [UInt8] = []
    fileprivate var cuts: [Cut] = []
    /// Whether a message was learnt whole (a template is followed only then).
    fileprivate var isComplete = false

    fileprivate mutating func reset() {
        runs.removeAll(keepingCapacity: true)
        cuts.removeAll(keepingCapacity: true)
        isComplete = false
    }
}

extension JSONCursor {
    /// Reads a message with the bytes between its values as `template` has them: `slot` gets each
    /// value to read, with the cursor on it, and must read it; values stepped over when the
    /// template was learnt are stepped over. False, with nothing left to trust in what `slot`
    /// read, at the first run that differs or a value that does not read: the caller then reads
    /// the message by shape.
    @inline(__always)
    mutating func read(following template: JSONTemplate, _ slot: (inout JSONCursor, _ slot: Int, _ element: Int) -> Bool) -> Bool {
        guard template.isComplete else { return false }
        return template.runs.withUnsafeBufferPointer { runs in
            template.cuts.withUnsafeBufferPointer { cuts in
                var runStart = 0
                for cut in cuts {
                    guard consume(literal: UnsafeBufferPointer(rebasing: runs[runStart..<cut.runEnd])) else { return false }
                    runStart = cut.valueEnd
                    if let number = cut.slot {
                        guard slot(&self, number, cut.element) else { return false }
                    } else if !consume(repeated: UnsafeBufferPointer(rebasing: runs[cut.runEnd..<cut.valueEnd])) {
                        guard skipValue() else { return false }
                    }
                }
                return consume(literal: UnsafeBufferPointer(rebasing: runs[runStart...]))
            }
        }
    }

    /// Reads a message of `shape` at the cursor and makes it with `finish`: by `template` when the
    /// frame follows it, else by shape, learning into `spare`, which is swapped in only when
    /// `finish` makes a message of that read (a push the shortcut declines teaches nothing, and a
    /// spare's storage is reused: no allocation a frame). `reset` empties what `slot` filled
    /// before the read by shape.
    @inline(__always)
    mutating func read<Message>(
        _ shape: JSONShape, template: inout JSONTemplate, spare: inout JSONTemplate, reset: () -> Void,
        _ slot: (inout JSONCursor, _ slot: Int, _ element: Int) -> Bool, finish: (inout JSONCursor) -> Message?
    ) -> Message? {
        let start = self
        if read(following: template, slot) { return finish(&self) }
        self = start
        reset()
        guard read(shape, learning: &spare, slot), let message = finish(&self) else { return nil }
        swap(&template, &spare)
        return message
    }

    /// Reads a message, a value of `shape`: `slot` gets each value the shape reads, with the
    /// cursor on it, and must read it. Learns the message's `template` as it goes (emptied when
    /// the read fails). False for anything but the shape, or as soon as `slot` returns false.
    mutating func read(
        _ shape: JSONShape, learning template: inout JSONTemplate, _ slot: (inout JSONCursor, _ slot: Int, _ element: Int) -> Bool
    ) -> Bool {
        template.reset()
        var runStart = offset
        guard walk(shape, element: 0, template: &template, runStart: &runStart, slot) else {
            template.reset()
            return false
        }
        template.runs.append(contentsOf: text(since: runStart))
        template.isComplete = true
        return true
    }

    /// One value of `shape` for `read(_:learning:_:)`; `runStart` is where the run of bytes
    /// since the last value began.
    private mutating func walk(
        _ shape: JSONShape, element: Int, template: inout JSONTemplate, runStart: inout Int,
        _ slot: (inout JSONCursor, _ slot: Int, _ element: Int) -> Bool
    ) -> Bool {
        switch shape {
        case .value(let number):
            return cut(slot: number, element: element, template: &template, runStart: &runStart, slot)
        case .constant(let text):
            _ = valueStart()
            var text = text
            return text.withUTF8 { consume(literal: $0) }
        case .members(let members, let opened, let nullable):
            if nullable, null() { return true }
            guard consume(UInt8(ascii: "{")) else { return false }
            if let opened, !cut(slot: opened, element: element, template: &template, runStart: &runStart, slot) { return false }
            var seen = JSONFieldSet()
            var first = true
            while true {
                switch nextMember(first: &first) {
                case .end: return true
                case .invalid, .next(key: nil): return false
                case .next(key: let key?):
                    guard let index = members.names.ordinal(of: key) else {
                        guard cut(slot: nil, element: element, template: &template, runStart: &runStart, slot) else { return false }
                        continue
                    }
                    guard seen.first(index),
                          walk(members.shapes[index], element: element, template: &template, runStart: &runStart, slot) else { return false }
                }
            }
        case .refused:
            return false
        case .array(let elementShape, let opened, let nullable):
            if nullable, null() { return true }
            guard consume(UInt8(ascii: "[")) else { return false }
            if let opened, !cut(slot: opened, element: element, template: &template, runStart: &runStart, slot) { return false }
            var first = true
            var index = 0
            while true {
                switch nextElement(first: &first) {
                case .end: return true
                case .invalid, .next(key: .some): return false
                case .next(key: nil):
                    guard walk(elementShape, element: index, template: &template, runStart: &runStart, slot) else { return false }
                    index += 1
                }
            }
        }
    }

    /// Ends the run of bytes before the value at the cursor, and reads the value through `number`
    /// (or steps over it, for nil).
    private mutating func cut(
        slot number: Int?, element: Int, template: inout JSONTemplate, runStart: inout Int,
        _ slot: (inout JSONCursor, _ slot: Int, _ element: Int) -> Bool
    ) -> Bool {
        let start = valueStart()
        template.runs.append(contentsOf: text(since: runStart))
        let runEnd = template.runs.count
        guard number.map({ slot(&self, $0, element) }) ?? skipValue() else { return false }
        if number == nil { template.runs.append(contentsOf: text(since: start)) }
        template.cuts.append(JSONTemplate.Cut(runEnd: runEnd, valueEnd: template.runs.count, slot: number, element: element))
        runStart = offset
        return true
    }

    /// Consumes `value`, a value stepped over in an earlier frame, if the bytes ahead hold it: they
    /// start with it, and a number does not go on (`12` starts `123`; a string, array or object
    /// ends with its own closing byte, and `skipValue` steps over no string with an escape).
    @inline(__always)
    private mutating func consume(repeated value: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = offset
        guard consume(literal: value) else { return false }
        // A number's text ends with a digit.
        if let last = value.last, last &- UInt8(ascii: "0") <= 9, let next = peekByte(),
           next &- UInt8(ascii: "0") <= 9 || next == UInt8(ascii: ".") || next | 0x20 == UInt8(ascii: "e") {
            rewind(to: start)
            return false
        }
        return true
    }
}
