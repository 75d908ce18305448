/// Tells which of a decoder's names a member's key is, in a few instructions: a one-pass decoder
/// (`JSONCursor`) switches on the answer instead of comparing the key with every name in turn
/// (an order push has some thirty).
///
/// The names are hashed from their length and three of their bytes (`jsonKeyHash`) into an
/// open-addressing table; every hit is confirmed byte for byte, so a collision only costs a
/// probe. A table is built once, as a `static let`, and its storage lives as long as the process:
/// it is plain memory, so reading it retains and checks nothing.
struct JSONNameTable: @unchecked Sendable {
    /// All names' bytes, one after another; `starts[ordinal]` and `counts[ordinal]` locate one.
    private let names: UnsafePointer<UInt8>
    private let starts: UnsafePointer<Int>
    private let counts: UnsafePointer<Int>
    /// `ordinal + 1` per slot; 0 is empty.
    private let slots: UnsafePointer<UInt8>
    private let mask: Int
    let count: Int

    /// A table of `names`, each found under its place in the list.
    init(_ names: [String]) {
        precondition(names.count <= JSONFieldSet.capacity, "a JSONFieldSet holds at most \(JSONFieldSet.capacity) fields")
        let bytes = names.flatMap(\.utf8)
        let counts = names.map(\.utf8.count)
        var starts: [Int] = []
        var start = 0
        for count in counts {
            starts.append(start)
            start += count
        }
        var size = 16
        while size < names.count * 4 { size <<= 1 }
        let copied = copyForever(bytes)
        var slots = [UInt8](repeating: 0, count: size)
        for ordinal in names.indices {
            var slot = Int(jsonKeyHash(copied + starts[ordinal], counts[ordinal])) & (size - 1)
            while slots[slot] != 0 { slot = (slot + 1) & (size - 1) }
            slots[slot] = UInt8(ordinal + 1)
        }
        self.names = copied
        self.starts = copyForever(starts)
        self.counts = copyForever(counts)
        self.slots = copyForever(slots)
        self.mask = size - 1
        self.count = names.count
    }

    /// The place of the name `key` is; nil for a key that is none of them.
    @inline(__always)
    func ordinal(of key: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let start = key.baseAddress else { return nil }
        var slot = Int(jsonKeyHash(start, key.count)) & mask
        while true {
            let entry = Int(slots[slot])
            guard entry != 0 else { return nil }
            if counts[entry - 1] == key.count, memcmpBytes(names + starts[entry - 1], start, key.count) { return entry - 1 }
            slot = (slot + 1) & mask
        }
    }
}

/// A `JSONNameTable` of an enum's raw values, giving the case a key names.
struct JSONKeyTable<Field: CaseIterable & RawRepresentable<String>>: @unchecked Sendable {
    private let table: JSONNameTable
    /// Each field, by its ordinal (its place in `allCases`).
    private let fields: UnsafePointer<Field>

    init() {
        let fields = Array(Field.allCases)
        table = JSONNameTable(fields.map(\.rawValue))
        self.fields = copyForever(fields)
    }

    var count: Int { table.count }

    /// The ordinal of the field `key` names; nil for a key the decoder does not read.
    @inline(__always)
    func ordinal(of key: UnsafeBufferPointer<UInt8>) -> Int? { table.ordinal(of: key) }

    @inline(__always)
    func field(_ ordinal: Int) -> Field { fields[ordinal] }
}

/// `array`'s elements in memory that is never freed: a table built once, as a `static let`.
private func copyForever<T>(_ array: [T]) -> UnsafePointer<T> {
    let storage = UnsafeMutablePointer<T>.allocate(capacity: max(array.count, 1))
    storage.initialize(from: array, count: array.count)
    return UnsafePointer(storage)
}

/// Which fields of an object a one-pass decoder has read, so that it can decline a repeated one
/// (the general path reads the first of two and says nothing).
struct JSONFieldSet {
    static let capacity = 64
    private var bits: UInt64 = 0

    /// Marks field `ordinal` (below `capacity`); false when it was marked before.
    @inline(__always)
    mutating func first(_ ordinal: Int) -> Bool {
        let bit: UInt64 = 1 << UInt64(ordinal)
        defer { bits |= bit }
        return bits & bit == 0
    }

    @inline(__always)
    func has(_ ordinal: Int) -> Bool { bits & (1 << UInt64(ordinal)) != 0 }
}
