import Venues

/// The SHA-256 digest of a replay: over the canonical event lines, then the final state lines.
///
/// Memory stays bounded on any tape: the canonical bytes are hashed in chunks of exactly
/// `chunkSize` bytes, chained: `h₀ = 32 zero bytes`, `hᵢ₊₁ = SHA-256(hᵢ ‖ chunkᵢ)`, and the digest
/// is `SHA-256(hₙ ‖ rest)` over whatever is left (possibly nothing). Chunk boundaries depend only
/// on the bytes, so equal streams give equal digests.
public struct ReplayDigest: Sendable {
    public static let chunkSize = 1 << 16
    private var chained = [UInt8](repeating: 0, count: 32)
    private var buffer: [UInt8] = []
    /// Canonical bytes hashed so far.
    public private(set) var byteCount = 0

    public init() {
        buffer.reserveCapacity(Self.chunkSize + 4096)
    }

    /// Adds one canonical line (a newline is appended).
    public mutating func add(line bytes: [UInt8]) {
        buffer.append(contentsOf: bytes)
        buffer.append(UInt8(ascii: "\n"))
        byteCount += bytes.count + 1
        hashFullChunks()
    }

    public mutating func add(event: ReplayEvent) {
        let start = buffer.count
        event.appendJSON(to: &buffer)
        buffer.append(UInt8(ascii: "\n"))
        byteCount += buffer.count - start
        hashFullChunks()
    }

    /// Chains every whole chunk in the buffer into `chained`, hashing them where they lie.
    private mutating func hashFullChunks() {
        guard buffer.count >= Self.chunkSize else { return }
        var link = chained
        var start = 0
        buffer.withUnsafeBytes { bytes in
            while bytes.count - start >= Self.chunkSize {
                var hasher = SHA256.Hasher()
                hasher.update(link)
                hasher.update(UnsafeRawBufferPointer(rebasing: bytes[start..<(start + Self.chunkSize)]))
                link = hasher.finish()
                start += Self.chunkSize
            }
        }
        chained = link
        buffer.removeFirst(start)
    }

    /// The final digest, as lower-case hex, after the state lines.
    public func finish(state: ReplayState) -> String {
        var copy = self
        for line in state.canonicalLines { copy.add(line: Array(line.utf8)) }
        return SHA256.hex(SHA256.hash(copy.chained + copy.buffer))
    }
}
