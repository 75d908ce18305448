/// How a one-pass decoder reads a message, member by member: which values it reads (through
/// numbered slots), which containers it walks into, and, by leaving them out, which members it
/// steps over. `JSONCursor.read(_:learning:into:_:)` reads a message by it and learns the
/// message's `JSONTemplate`.
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

/// The text of the last message a decoder read by shape (`JSONShape`), cut at each value it read
/// or stepped over, kept to read the next frames fast: a venue sends a push of one kind with the
/// same members in the same order frame after frame, and only some of the values change.
///
/// `JSONCursor.read(changesFrom:into:_:)` compares a frame with this text, up to 32 bytes at a
/// time, and reads only the values whose bytes changed (a value may change length); anything else
/// that differs (a key, punctuation, whitespace, a constant, a list's length) sends the frame back
/// to the read by shape. Values that did not change are not read again: the decoder keeps what it
/// read from them (`JSONTemplated`).
struct JSONTemplate: Sendable {
    /// A value in the text: read through `slot` (inside list entry `element`), or stepped over
    /// (`slot` nil). A slot that reads nothing (a container's `opened`) has `start == end`.
    fileprivate struct Cut: Sendable {
        var start: Int
        var end: Int
        var slot: Int?
        var element: Int
    }

    /// The message's bytes, from its first to its last: the first `length` of `storage`, which
    /// is written over in place frame after frame.
    fileprivate var storage: [UInt8] = []
    fileprivate var length = 0
    /// Its values, in order.
    fileprivate var cuts: [Cut] = []
    /// Whether the text and `cuts` describe a whole message whose values the decoder holds (a
    /// template is followed only then).
    fileprivate var isComplete = false

    fileprivate mutating func reset() {
        length = 0
        cuts.removeAll(keepingCapacity: true)
        isComplete = false
    }

    /// Keeps `message` as the text.
    fileprivate mutating func store(_ message: UnsafeBufferPointer<UInt8>) {
        guard let source = message.baseAddress else { return }
        if storage.count < message.count { storage.append(contentsOf: repeatElement(0, count: message.count - storage.count)) }
        storage.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: source, count: message.count) }
        length = message.count
    }

    /// The index of the first cut from `lower` on that ends at or after `offset` (`cuts.count` if
    /// none), as cuts are in order and do not overlap: first in steps that double (the next value
    /// that changed is most often a few cuts on: a time, then the ids after it), then by halves.
    @inline(__always)
    fileprivate static func firstCut(in cuts: UnsafeMutableBufferPointer<Cut>, from lower: Int, endingAtOrAfter offset: Int) -> Int {
        var lower = lower, probe = lower, step = 1
        while probe < cuts.count, cuts[probe].end < offset {
            lower = probe &+ 1
            probe = lower &+ step
            step &<<= 1
        }
        var upper = min(probe, cuts.count)
        while lower < upper {
            let middle = (lower &+ upper) >> 1
            if cuts[middle].end < offset { lower = middle &+ 1 } else { upper = middle }
        }
        return lower
    }

    /// Moves the cuts in `start..<end` by `shift` bytes.
    @inline(__always)
    fileprivate static func move(_ cuts: UnsafeMutableBufferPointer<Cut>, from start: Int, to end: Int, by shift: Int) {
        guard shift != 0 else { return }
        for index in start..<end {
            cuts[index].start &+= shift
            cuts[index].end &+= shift
        }
    }
}

/// A message a decoder reads by template: the template of the last one, and `Parts`, the values
/// the decoder read from it, which a read by template updates only where the bytes changed; and
/// a spare of each, where a frame that does not follow the template is read by shape (swapped in
/// when the frame gives a message: no allocation a frame).
struct JSONTemplated<Parts: Sendable>: Sendable {
    fileprivate var template = JSONTemplate()
    fileprivate var parts: Parts
    fileprivate var spareTemplate = JSONTemplate()
    fileprivate var spareParts: Parts

    /// Nothing learnt yet; `empty` holds no values.
    init(_ empty: Parts) {
        parts = empty
        spareParts = empty
    }

    /// The values of the last message read (read in place: take the part needed, not a copy of all).
    var last: Parts {
        _read { yield parts }
    }
}

extension JSONCursor {
    /// Reads a message of `shape` at the cursor and makes it with `finish`: by the last message's
    /// template when only values changed, `slot` reading each changed value into the parts kept
    /// with it; else by shape, `reset` emptying the spare parts and `slot` reading every value into
    /// them. The template learnt by shape, with its parts, replaces the old one only when `finish`
    /// makes a message (a push the shortcut declines teaches nothing). `finish` may rewrite what
    /// it derives from the parts, but not what the slots read: that stands for the next frame.
    @inline(__always)
    mutating func read<Parts, Message>(
        _ shape: JSONShape, by templated: inout JSONTemplated<Parts>, reset: (inout Parts) -> Void,
        _ slot: (inout Parts, inout JSONCursor, _ slot: Int, _ element: Int) -> Bool,
        finish: (inout JSONCursor, inout Parts) -> Message?
    ) -> Message? {
        let start = offset
        if read(changesFrom: &templated.template, into: &templated.parts, slot) { return finish(&self, &templated.parts) }
        move(to: start)
        reset(&templated.spareParts)
        guard read(shape, learning: &templated.spareTemplate, into: &templated.spareParts, slot),
              let message = finish(&self, &templated.spareParts) else { return nil }
        swap(&templated.template, &templated.spareTemplate)
        swap(&templated.parts, &templated.spareParts)
        return message
    }

    /// Reads a message that differs from `template`'s only in its values: `slot` reads each value
    /// whose bytes changed into `parts`, which must hold the values of the template's message, with
    /// the cursor on it; values stepped over are stepped over where they changed. The template then
    /// holds this message. False at the first difference outside a value, or a value that does not
    /// read. The template is then dropped if a value was read again before it (nothing `slot` read
    /// can be trusted), and kept if not: a push of another shape between two of a kind (a v1
    /// summary between v2 ones) differs before any value changed, and costs the template nothing.
    mutating func read<Parts>(
        changesFrom template: inout JSONTemplate, into parts: inout Parts,
        _ slot: (inout Parts, inout JSONCursor, _ slot: Int, _ element: Int) -> Bool
    ) -> Bool {
        guard template.isComplete else { return false }
        let base = offset
        let length = template.length
        var touched = false
        let read = template.storage.withUnsafeBufferPointer { storage in
            template.cuts.withUnsafeMutableBufferPointer { cuts in
                readChanges(from: UnsafeBufferPointer(rebasing: storage[..<length]), cuts: cuts, base: base, touched: &touched, into: &parts, slot)
            }
        }
        guard read else {
            if touched { template.reset() }
            return false
        }
        template.store(text(since: base))
        return true
    }

    /// `read(changesFrom:into:_:)` on the template's text (`old`) and cuts, which are moved to
    /// where the values stand in the frame; `touched` is set once a cut or a value is.
    @inline(__always)
    private mutating func readChanges<Parts>(
        from old: UnsafeBufferPointer<UInt8>, cuts: UnsafeMutableBufferPointer<JSONTemplate.Cut>, base: Int,
        touched: inout Bool, into parts: inout Parts, _ slot: (inout Parts, inout JSONCursor, _ slot: Int, _ element: Int) -> Bool
    ) -> Bool {
        var oldOffset = 0
        // How far this frame's bytes stand from the template's: the change in length of the values read so far.
        var shift = 0
        // The cuts before `next` are done, and those from `moved` on still where the template has them.
        var next = 0
        var moved = 0
        while true {
            move(to: base &+ oldOffset &+ shift)
            oldOffset &+= commonPrefixLength(with: UnsafeBufferPointer(rebasing: old[oldOffset...]))
            if oldOffset == old.count { break }
            // The first difference: in the first value that ends at or after it (a number may have
            // grown: `12,` → `123`), or the frame is another message. A slot that reads nothing
            // holds no bytes to differ.
            next = JSONTemplate.firstCut(in: cuts, from: next, endingAtOrAfter: oldOffset)
            while next < cuts.count, cuts[next].start == cuts[next].end { next &+= 1 }
            guard next < cuts.count, cuts[next].start <= oldOffset else { return false }
            touched = true
            JSONTemplate.move(cuts, from: moved, to: next, by: shift)
            let cut = cuts[next]
            move(to: base &+ cut.start &+ shift)
            guard cut.slot.map({ slot(&parts, &self, $0, cut.element) }) ?? skipValue() else { return false }
            cuts[next].start = cut.start &+ shift
            cuts[next].end = offset &- base
            shift = cuts[next].end &- cut.end
            oldOffset = cut.end
            next &+= 1
            moved = next
        }
        JSONTemplate.move(cuts, from: moved, to: cuts.count, by: shift)
        move(to: base &+ oldOffset &+ shift)
        return true
    }

    /// Reads a message, a value of `shape`: `slot` reads each value the shape reads into `parts`,
    /// with the cursor on it, and must read it. Learns the message's `template` as it goes (emptied
    /// when the read fails). False for anything but the shape, or as soon as `slot` returns false.
    mutating func read<Parts>(
        _ shape: JSONShape, learning template: inout JSONTemplate, into parts: inout Parts,
        _ slot: (inout Parts, inout JSONCursor, _ slot: Int, _ element: Int) -> Bool
    ) -> Bool {
        template.reset()
        let base = offset
        guard walk(shape, element: 0, template: &template, base: base, into: &parts, slot) else {
            template.reset()
            return false
        }
        template.store(text(since: base))
        template.isComplete = true
        return true
    }

    /// One value of `shape` for `read(_:learning:into:_:)`; `base` is where the message starts.
    private mutating func walk<Parts>(
        _ shape: JSONShape, element: Int, template: inout JSONTemplate, base: Int, into parts: inout Parts,
        _ slot: (inout Parts, inout JSONCursor, _ slot: Int, _ element: Int) -> Bool
    ) -> Bool {
        switch shape {
        case .value(let number):
            return cut(slot: number, element: element, template: &template, base: base, into: &parts, slot)
        case .constant(let text):
            _ = valueStart()
            var text = text
            return text.withUTF8 { consume(literal: $0) }
        case .members(let members, let opened, let nullable):
            if nullable, null() { return true }
            guard consume(UInt8(ascii: "{")) else { return false }
            if let opened, !cut(slot: opened, element: element, template: &template, base: base, into: &parts, slot) { return false }
            var seen = JSONFieldSet()
            var first = true
            while true {
                switch nextMember(first: &first) {
                case .end: return true
                case .invalid, .next(key: nil): return false
                case .next(key: let key?):
                    guard let index = members.names.ordinal(of: key) else {
                        guard cut(slot: nil, element: element, template: &template, base: base, into: &parts, slot) else { return false }
                        continue
                    }
                    guard seen.first(index),
                          walk(members.shapes[index], element: element, template: &template, base: base, into: &parts, slot)
                    else { return false }
                }
            }
        case .refused:
            return false
        case .array(let elementShape, let opened, let nullable):
            if nullable, null() { return true }
            guard consume(UInt8(ascii: "[")) else { return false }
            if let opened, !cut(slot: opened, element: element, template: &template, base: base, into: &parts, slot) { return false }
            var first = true
            var index = 0
            while true {
                switch nextElement(first: &first) {
                case .end: return true
                case .invalid, .next(key: .some): return false
                case .next(key: nil):
                    guard walk(elementShape, element: index, template: &template, base: base, into: &parts, slot) else { return false }
                    index += 1
                }
            }
        }
    }

    /// Reads the value at the cursor through `number` (or steps over it, for nil), and notes where
    /// it stands.
    private mutating func cut<Parts>(
        slot number: Int?, element: Int, template: inout JSONTemplate, base: Int, into parts: inout Parts,
        _ slot: (inout Parts, inout JSONCursor, _ slot: Int, _ element: Int) -> Bool
    ) -> Bool {
        let start = valueStart()
        guard number.map({ slot(&parts, &self, $0, element) }) ?? skipValue() else { return false }
        template.cuts.append(JSONTemplate.Cut(start: start - base, end: offset - base, slot: number, element: element))
        return true
    }
}
