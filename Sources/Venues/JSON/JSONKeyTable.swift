/// Tells which of a decoder's fields a member's key names, in a few instructions: a one-pass
/// decoder (`JSONCursor`) switches on the answer instead of comparing the key with every name
/// in turn (an order push has some thirty).
///
/// The names are the cases' raw values, hashed from their length and three of their bytes
/// (`jsonKeyHash`) into an open-addressing table; every hit is confirmed byte for byte, so a
/// collision only costs a probe. A table is built once, as a `static let`, and its storage lives
/// as long as the process: it is plain memory, so reading it retains and checks nothing.
struct JSONKeyTable<Field: CaseIterable & RawRepresentable<String>>: @unchecked Sendable {
    /// Each field, by its ordinal (its place in `allCases`).
    private let fields: UnsafePointer<Field>
    /// All names' bytes, one after another; `starts[ordinal]` and `counts[ordinal]` locate one.
    private let names: UnsafePointer<UInt8>
    private let starts: UnsafePointer<Int>
    private let counts: UnsafePointer<Int>
    /// `ordinal + 1` per slot; 0 is empty.
    private let slots: UnsafePointer<UInt8>
    private let mask: Int
    let count: Int

    init() {
        let fields = Array(Field.allCases)
        precondition(fields.count <= JSONFieldSet.capacity, "a JSONFieldSet holds at most \(JSONFieldSet.capacity) fields")
        let bytes = fields.flatMap(\.rawValue.utf8)
        let counts = fields.map(\.rawValue.utf8.count)
        var starts: [Int] = []
        var start = 0
        for count in counts {
            starts.append(start)
            start += count
        }
        var size = 16
        while size < fields.count * 4 { size <<= 1 }
        let names = Self.copy(bytes)
        var slots = [UInt8](repeating: 0, count: size)
        for ordinal in fields.indices {
            var slot = Int(jsonKeyHash(names + starts[ordinal], counts[ordinal])) & (size - 1)
            while slots[slot] != 0 { slot = (slot + 1) & (size - 1) }
            slots[slot] = UInt8(ordinal + 1)
        }
        self.fields = Self.copy(fields)
        self.names = names
        self.starts = Self.copy(starts)
        self.counts = Self.copy(counts)
        self.slots = Self.copy(slots)
        self.mask = size - 1
        self.count = fields.count
    }

    private static func copy<T>(_ array: [T]) -> UnsafePointer<T> {
        let storage = UnsafeMutablePointer<T>.allocate(capacity: max(array.count, 1))
        storage.initialize(from: array, count: array.count)
        return UnsafePointer(storage)
    }

    /// The ordinal of the field `key` names; nil for a key the decoder does not read.
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

    @inline(__always)
    func field(_ ordinal: Int) -> Field { fields[ordinal] }
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
