/// Reads typed fields from one JSON object and reports the first missing or malformed one,
/// naming the field and the message, so a bad frame becomes a precise `UnrecognisedFrame`.
///
/// Lookups are O(1): on creation the reader hashes the object's keys once into an
/// open-addressing table carved from the document's scratch area (no allocation, and the reader
/// itself stays small, so passing it around copies nothing big). Decoders ask for many optional
/// fields that are usually absent; with a linear scan each miss walked the whole object.
struct FieldReader {
    let object: JSONValue
    /// The message's name for error reports (`"orderFilled"`, `"v4_positions"`, …).
    let message: String
    /// Slots of `hash << 32 | (value token index + 1)`; 0 is empty. nil: look up by scanning
    /// (an escaped key, or no scratch left).
    private let table: UnsafeMutablePointer<UInt64>?
    private let mask: Int

    init(_ object: JSONValue, message: String) throws(DecodeFailure) {
        guard object.isObject else { throw DecodeFailure(.badField("data", in: message)) }
        self.object = object
        self.message = message
        var members = 0
        var escaped = false
        object.forEachMember { _, _, isEscaped, _ in
            members += 1
            escaped = escaped || isEscaped
        }
        var size = 8
        while size < members * 2 { size <<= 1 }
        let cursor = Int(object.scratch[0])
        guard !escaped, cursor + size <= Int(object.scratch[1]) else {
            table = nil
            mask = 0
            return
        }
        object.scratch[0] = UInt64(cursor + size)
        let table = object.scratch + cursor
        table.initialize(repeating: 0, count: size)
        let mask = size - 1
        object.forEachMember { keyStart, keyCount, _, valueIndex in
            let hash = jsonKeyHash(keyStart, keyCount)
            var slot = Int(hash) & mask
            // First occurrence wins, like the linear lookup.
            while table[slot] != 0 {
                if UInt32(truncatingIfNeeded: table[slot] >> 32) == hash,
                   object.keyMatches(valueIndex: Int(table[slot] & 0xFFFF_FFFF) - 1, keyStart, keyCount) { return }
                slot = (slot + 1) & mask
            }
            table[slot] = UInt64(hash) << 32 | UInt64(valueIndex + 1)
        }
        self.table = table
        self.mask = mask
    }

    @inline(__always)
    private func find(_ key: StaticString) -> JSONValue? {
        guard let table else { return object[key] }
        let hash = jsonKeyHash(key.utf8Start, key.utf8CodeUnitCount)
        var slot = Int(hash) & mask
        while table[slot] != 0 {
            let entry = table[slot]
            if UInt32(truncatingIfNeeded: entry >> 32) == hash {
                let valueIndex = Int(entry & 0xFFFF_FFFF) - 1
                if object.keyMatches(valueIndex: valueIndex, key.utf8Start, key.utf8CodeUnitCount) {
                    return object.value(atToken: valueIndex)
                }
            }
            slot = (slot + 1) & mask
        }
        return nil
    }

    func has(_ key: StaticString) -> Bool {
        guard let value = find(key) else { return false }
        return !value.isNull
    }

    func value(_ key: StaticString) throws(DecodeFailure) -> JSONValue {
        guard let value = find(key), !value.isNull else { throw missing(key) }
        return value
    }

    @inline(__always)
    func string(_ key: StaticString) throws(DecodeFailure) -> String {
        guard let value = find(key) else { throw missing(key) }
        guard let string = value.string else { throw bad(key) }
        return string
    }

    @inline(__always)
    func optionalString(_ key: StaticString) throws(DecodeFailure) -> String? {
        guard let value = find(key), !value.isNull else { return nil }
        guard let string = value.string else { throw bad(key) }
        return string
    }

    /// An optional string field turned into a value by `parse`, except that raw bytes equal to one
    /// of `words` (a venue's usual statuses, sides, types) give that word's value without building
    /// a String. Each table must agree with its `parse` (tests check them word by word).
    func optionalString<T>(
        _ key: StaticString, words: [(StaticString, T)], parse: (String) -> T
    ) throws(DecodeFailure) -> T? {
        guard let value = find(key), !value.isNull else { return nil }
        if let bytes = value.unescapedStringBytes {
            for (word, result) in words where word.utf8CodeUnitCount == bytes.count
                && memcmpBytes(bytes.baseAddress!, word.utf8Start, bytes.count) {
                return result
            }
        }
        guard let string = value.string else { throw bad(key) }
        return parse(string)
    }

    @inline(__always)
    func decimal(_ key: StaticString) throws(DecodeFailure) -> FixedDecimal {
        guard let value = find(key) else { throw missing(key) }
        guard let decimal = value.decimal else { throw bad(key) }
        return decimal
    }

    @inline(__always)
    func optionalDecimal(_ key: StaticString) throws(DecodeFailure) -> FixedDecimal? {
        guard let value = find(key), !value.isNull else { return nil }
        guard let decimal = value.decimal else { throw bad(key) }
        return decimal
    }

    /// A quantity: a decimal that must not be negative.
    @inline(__always)
    func quantity(_ key: StaticString) throws(DecodeFailure) -> FixedDecimal {
        let value = try decimal(key)
        guard !value.isNegative else { throw bad(key) }
        return value
    }

    @inline(__always)
    func optionalQuantity(_ key: StaticString) throws(DecodeFailure) -> FixedDecimal? {
        guard let value = try optionalDecimal(key) else { return nil }
        guard !value.isNegative else { throw bad(key) }
        return value
    }

    @inline(__always)
    func int(_ key: StaticString) throws(DecodeFailure) -> Int64 {
        guard let value = find(key) else { throw missing(key) }
        guard let int = value.int64 else { throw bad(key) }
        return int
    }

    @inline(__always)
    func optionalInt(_ key: StaticString) throws(DecodeFailure) -> Int64? {
        guard let value = find(key), !value.isNull else { return nil }
        guard let int = value.int64 else { throw bad(key) }
        return int
    }

    @inline(__always)
    func optionalBool(_ key: StaticString) throws(DecodeFailure) -> Bool? {
        guard let value = find(key), !value.isNull else { return nil }
        guard let bool = value.bool else { throw bad(key) }
        return bool
    }

    /// An array field; absent or null reads as empty, anything else that is not an array is an error.
    func array(_ key: StaticString) throws(DecodeFailure) -> JSONElements {
        guard let value = find(key), !value.isNull else { return .empty(near: object) }
        guard value.isArray else { throw bad(key) }
        return value.arrayElements
    }

    /// A book side: `[[price, size], …]` of numbers or quoted numbers, best first as sent. A
    /// negative size is a bad field, unless the venue documents it as a removal (then it reads 0).
    func bookLevels(_ key: StaticString, negativeSizeIsRemoval: Bool = false) throws(DecodeFailure) -> [BookLevel] {
        let array = try value(key)
        guard array.isArray else { throw bad(key) }
        var levels: [BookLevel] = []
        levels.reserveCapacity(array.count)
        for pair in array.arrayElements {
            guard let (first, second) = pair.pair, let price = first.decimal, let size = second.decimal,
                  negativeSizeIsRemoval || !size.isNegative else { throw bad(key) }
            levels.append(BookLevel(price: price, size: size.isNegative ? .zero : size))
        }
        return levels
    }

    func missing(_ key: StaticString) -> DecodeFailure {
        DecodeFailure(.missingField("\(key)", in: message))
    }

    func bad(_ key: StaticString) -> DecodeFailure {
        DecodeFailure(.badField("\(key)", in: message))
    }
}

/// Why a frame could not be decoded; becomes `UnrecognisedFrame` with the raw bytes attached.
struct DecodeFailure: Error {
    var reason: UnrecognisedFrame.Reason

    init(_ reason: UnrecognisedFrame.Reason) {
        self.reason = reason
    }
}

/// A constant-time hash of a key from its length and three of its bytes, for the key tables of
/// `FieldReader` and `JSONKeyTable`; collisions only cost a probe, because every hit is confirmed
/// byte for byte. (Hashing every byte, FNV-style, was a fifth of the decode time of an
/// `orderFilled` frame.)
@inline(__always)
func jsonKeyHash(_ start: UnsafePointer<UInt8>, _ count: Int) -> UInt32 {
    guard count > 0 else { return 0x9E37_79B9 }
    let mixed = UInt32(truncatingIfNeeded: count) &* 0x9E37_79B9
        ^ UInt32(start[0]) << 5 ^ UInt32(start[count - 1]) << 13 ^ UInt32(start[count / 2]) << 21
    return mixed ^ (mixed >> 15)
}
