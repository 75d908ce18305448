/// The String last built from a field's bytes, handed out again while the bytes repeat: an
/// account's pushes name the same address and coins frame after frame, and building a String
/// checks its UTF-8 every time (and allocates beyond 15 bytes). One per field: two fields that
/// take turns in one would rebuild every time.
struct RepeatedString: Sendable {
    private var bytes: [UInt8] = []
    private var string = ""

    /// The String of `utf8`, as `String(decoding:as:)` builds it.
    mutating func string(of utf8: UnsafeBufferPointer<UInt8>) -> String {
        let same = utf8.count == bytes.count
            && bytes.withUnsafeBufferPointer { utf8.isEmpty || memcmpBytes($0.baseAddress!, utf8.baseAddress!, utf8.count) }
        if !same {
            bytes = Array(utf8)
            string = String(decoding: utf8, as: UTF8.self)
        }
        return string
    }
}
