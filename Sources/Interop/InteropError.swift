/// Why an import could not produce anything at all. Damage after a valid start is not an error:
/// the import keeps what it read and says what it skipped in `ImportedCapture.notes`.
public struct InteropError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong, as a stable code for scripts and tests.
    public enum Code: String, Hashable, Sendable {
        /// The bytes are not in the format that was asked for (bad magic number or first line).
        case wrongFormat
        /// The gzip stream is damaged (not merely cut short).
        case corruptCompression
        /// The input or its decompressed form is larger than the importer's limit.
        case tooLarge
    }

    public var code: Code
    /// Byte offset in the input where the problem was found.
    public var byteOffset: Int
    /// "what happened: where; what to do".
    public var message: String

    public init(_ code: Code, byteOffset: Int, _ message: String) {
        self.code = code
        self.byteOffset = byteOffset
        self.message = message
    }

    public var description: String { message }
}
