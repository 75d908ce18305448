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
        // Unchecked: only `Shared`'s accessors reach the box, and the compiler checks those
        // statically (on the `Shared` variable); a write happens only on a box no other copy
        // holds. The dynamic check a class's stored property gets would cost more than most reads.
        @exclusivity(unchecked) var value: Value

        init(_ value: Value) {
            self.value = value
        }
    }

    private var box: Box

    public init(_ value: Value) {
        box = Box(value)
    }

    /// The value. Its parts are read in place (`shared.value.field` copies the field only; passed
    /// whole to a function, the value is copied out of the box first); it is written in place when
    /// this copy is the only one, and into a box of its own otherwise.
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
