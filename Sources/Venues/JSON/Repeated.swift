/// The value last made from a field's bytes, handed out again while the bytes repeat: an
/// account's pushes name the same address and coins frame after frame, consecutive book pushes
/// carry the same time, and a book snapshot often repeats a side of the one before
/// (`JSONCursor.read(repeating:_:)`). One per field: two fields that take turns in one would make
/// their values every time.
struct Repeated<Value: Sendable>: Sendable {
    private var bytes: [UInt8] = []
    private var value: Value?

    /// What `make` gives for `utf8`, made again only when the bytes differ from the last ones.
    @inline(__always)
    mutating func value(of utf8: UnsafeBufferPointer<UInt8>, _ make: (UnsafeBufferPointer<UInt8>) -> Value) -> Value {
        if let value, utf8.count == bytes.count,
           bytes.withUnsafeBufferPointer({ utf8.isEmpty || memcmpBytes($0.baseAddress!, utf8.baseAddress!, utf8.count) }) {
            return value
        }
        let made = make(utf8)
        keep(made, madeFrom: utf8)
        return made
    }

    /// The kept value and the count of its bytes when `ahead` starts with those bytes; nil when it
    /// does not, or nothing is kept.
    @inline(__always)
    func value(startingOf ahead: UnsafeBufferPointer<UInt8>) -> (Value, count: Int)? {
        guard let value, !bytes.isEmpty, ahead.count >= bytes.count,
              bytes.withUnsafeBufferPointer({ memcmpBytes($0.baseAddress!, ahead.baseAddress!, $0.count) }) else { return nil }
        return (value, bytes.count)
    }

    /// Keeps `value`, made from `utf8`, in place of the last one.
    @inline(__always)
    mutating func keep(_ value: Value, madeFrom utf8: UnsafeBufferPointer<UInt8>) {
        // Into the same storage: values that change often (times) would otherwise allocate each time.
        bytes.removeAll(keepingCapacity: true)
        bytes.append(contentsOf: utf8)
        self.value = value
    }
}

/// Strings kept while they repeat: building a String checks its UTF-8 every time, and allocates
/// beyond 15 bytes.
typealias RepeatedString = Repeated<String>

extension Repeated<String> {
    /// The String of `utf8`, as `String(decoding:as:)` builds it.
    mutating func string(of utf8: UnsafeBufferPointer<UInt8>) -> String {
        value(of: utf8) { String(decoding: $0, as: UTF8.self) }
    }
}

extension Array {
    /// Makes the array `newCount` elements long, element `index` being `make(index)`, each written
    /// over the old one where it stands: no allocation while the capacity lasts, and no pass through
    /// the generic `replaceSubrange` that `removeAll(keepingCapacity:)` takes (~650 instructions to
    /// empty a list of one order report). How a decoder remakes the lists of a message it keeps
    /// from frame to frame. False at the first nil, the array then left part made. (Elements that
    /// hold Strings of their own may come out copied once more through the closure: Digitex's
    /// fills, four Strings each, are made in a loop of their own for that, `DigitexOrderReports`.)
    @inline(__always)
    mutating func remake(count newCount: Int, _ make: (_ index: Int) -> Element?) -> Bool {
        for index in 0..<newCount {
            guard let element = make(index) else { return false }
            if index < count { self[index] = element } else { append(element) }
        }
        if count > newCount { removeLast(count - newCount) }
        return true
    }
}
