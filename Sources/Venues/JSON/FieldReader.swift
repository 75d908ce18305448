/// Reads typed fields from one JSON object and reports the first missing or malformed one,
/// naming the field and the message, so a bad frame becomes a precise `UnrecognisedFrame`.
struct FieldReader {
    let object: JSONValue
    /// The message's name for error reports (`"orderFilled"`, `"v4_positions"`, …).
    let message: String

    init(_ object: JSONValue, message: String) throws(DecodeFailure) {
        guard object.isObject else { throw DecodeFailure(.badField("data", in: message)) }
        self.object = object
        self.message = message
    }

    func has(_ key: StaticString) -> Bool {
        guard let value = object[key] else { return false }
        return !value.isNull
    }

    func value(_ key: StaticString) throws(DecodeFailure) -> JSONValue {
        guard let value = object[key], !value.isNull else { throw missing(key) }
        return value
    }

    func string(_ key: StaticString) throws(DecodeFailure) -> String {
        guard let value = object[key] else { throw missing(key) }
        guard let string = value.string else { throw bad(key) }
        return string
    }

    func optionalString(_ key: StaticString) throws(DecodeFailure) -> String? {
        guard let value = object[key], !value.isNull else { return nil }
        guard let string = value.string else { throw bad(key) }
        return string
    }

    func decimal(_ key: StaticString) throws(DecodeFailure) -> FixedDecimal {
        guard let value = object[key] else { throw missing(key) }
        guard let decimal = value.decimal else { throw bad(key) }
        return decimal
    }

    func optionalDecimal(_ key: StaticString) throws(DecodeFailure) -> FixedDecimal? {
        guard let value = object[key], !value.isNull else { return nil }
        guard let decimal = value.decimal else { throw bad(key) }
        return decimal
    }

    /// A quantity: a decimal that must not be negative.
    func quantity(_ key: StaticString) throws(DecodeFailure) -> FixedDecimal {
        let value = try decimal(key)
        guard !value.isNegative else { throw bad(key) }
        return value
    }

    func optionalQuantity(_ key: StaticString) throws(DecodeFailure) -> FixedDecimal? {
        guard let value = try optionalDecimal(key) else { return nil }
        guard !value.isNegative else { throw bad(key) }
        return value
    }

    func int(_ key: StaticString) throws(DecodeFailure) -> Int64 {
        guard let value = object[key] else { throw missing(key) }
        guard let int = value.int64 else { throw bad(key) }
        return int
    }

    func optionalInt(_ key: StaticString) throws(DecodeFailure) -> Int64? {
        guard let value = object[key], !value.isNull else { return nil }
        guard let int = value.int64 else { throw bad(key) }
        return int
    }

    func optionalBool(_ key: StaticString) throws(DecodeFailure) -> Bool? {
        guard let value = object[key], !value.isNull else { return nil }
        guard let bool = value.bool else { throw bad(key) }
        return bool
    }

    /// An array field; absent or null reads as empty, anything else that is not an array is an error.
    func array(_ key: StaticString) throws(DecodeFailure) -> [JSONValue] {
        guard let value = object[key], !value.isNull else { return [] }
        guard value.isArray else { throw bad(key) }
        return value.elements
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
