/// Values by symbol or asset: what a client keeps per instrument and per coin (positions,
/// balances, leverage).
///
/// An account holds a handful of these and looks one up on nearly every frame. A `Dictionary`
/// hashes the key on each lookup (~370 instructions for a `String`); this keeps the keys in one
/// array, in order, and compares them from the front, which for a few short keys is a handful of
/// word compares. It also iterates in key order, so nothing read from it depends on hash order.
/// Made for few keys: each insertion and removal moves the keys after it.
public struct SymbolMap<Value: Hashable & Sendable>: Hashable, Sendable {
    /// The keys, in order.
    public private(set) var keys: [String] = []
    /// The values, in the order of their keys.
    public private(set) var values: [Value] = []

    public init() {}

    public var isEmpty: Bool { keys.isEmpty }
    public var count: Int { keys.count }

    @inline(__always)
    func index(of key: String) -> Int? {
        keys.withUnsafeBufferPointer { keys in
            for index in keys.indices where keys[index] == key { return index }
            return nil
        }
    }

    /// The value under `key`; setting nil removes it.
    public subscript(key: String) -> Value? {
        get { index(of: key).map { values[$0] } }
        set {
            if let index = index(of: key) {
                if let newValue { values[index] = newValue } else { remove(at: index) }
            } else if let newValue {
                let index = keys.firstIndex { $0 > key } ?? keys.count
                keys.insert(key, at: index)
                values.insert(newValue, at: index)
            }
        }
    }

    /// Removes the value under `key` and returns it (nil if there was none).
    @discardableResult
    public mutating func removeValue(forKey key: String) -> Value? {
        guard let index = index(of: key) else { return nil }
        defer { remove(at: index) }
        return values[index]
    }

    /// Stores `value` under `key` and returns true, or returns false when that value is there
    /// already: the old value compared where it lies, not copied out. What every client does with
    /// state the venue pushes whole again and again: only a change is news.
    @inline(__always)
    mutating func store(_ value: Value, forKey key: String) -> Bool {
        guard let index = index(of: key) else {
            self[key] = value
            return true
        }
        guard values[index] != value else { return false }
        values[index] = value
        return true
    }

    private mutating func remove(at index: Int) {
        keys.remove(at: index)
        values.remove(at: index)
    }
}

extension SymbolMap: Sequence {
    /// The entries in key order, labelled as a `Dictionary`'s are.
    public struct Iterator: IteratorProtocol {
        fileprivate let map: SymbolMap
        fileprivate var index = 0

        public mutating func next() -> (key: String, value: Value)? {
            guard index < map.keys.count else { return nil }
            defer { index += 1 }
            return (map.keys[index], map.values[index])
        }
    }

    public func makeIterator() -> Iterator { Iterator(map: self) }

    public var underestimatedCount: Int { keys.count }
}

extension SymbolMap: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, Value)...) {
        for (key, value) in elements { self[key] = value }
    }
}

extension SymbolMap: CustomReflectable {
    /// Reflected as a dictionary, so that whatever walks values by `Mirror` (the canonical JSON of
    /// replay output) writes it as it wrote the `Dictionary` this replaced.
    public var customMirror: Mirror {
        Mirror(self, children: zip(keys, values).map { (label: String?.none, value: ($0, $1) as Any) }, displayStyle: .dictionary)
    }
}
