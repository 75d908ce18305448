/// A value kept in one heap box, which copies share until one of them changes it (copy on
/// write, as `Array` does).
///
/// A message that carries a large value this way is as cheap to move as an `indirect` case: one
/// pointer. Unlike an `indirect` case, the decoder can keep the box. Once the client has dropped
/// the last message, the decoder writes the next frame's value into the same box: no allocation,
/// and no copy of the value into a new box, on each frame. A message that is still held when the
/// next frame is read is not touched: the write then makes a box of its own.
public struct Shared<Value: Sendable>: @unchecked Sendable {
    // @unchecked: the box is only written once it is known to be unique (`value`'s `_modify`), so
    // no two threads ever see one box being written.
    private final class Box {
        // Unchecked: the struct's accessors make the accesses; a dynamic check on each (a class's
        // stored property gets one) would cost more than most reads of the value.
        @exclusivity(unchecked) var value: Value

        init(_ value: Value) {
            self.value = value
        }
    }

    private var box: Box

    public init(_ value: Value) {
        box = Box(value)
    }

    /// The value. Read in place, without a copy; written in place when this copy is the only one.
    public var value: Value {
        _read { yield box.value }
        _modify {
            if !isKnownUniquelyReferenced(&box) { box = Box(box.value) }
            yield &box.value
        }
    }
}
extension Shared {
    /// Which box holds the value (for tests of what shares it).
    var boxIdentity: ObjectIdentifier { ObjectIdentifier(box) }
}

extension Shared: Equatable where Value: Equatable {
    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.box === rhs.box || lhs.value == rhs.value
    }
}

extension Shared: Hashable where Value: Hashable {
    public func hash(into hasher: inout Hasher) {
        hasher.combine(value)
    }
}

extension Shared: CustomStringConvertible {
    public var description: String { String(describing: value) }
}
