import CSHA256

/// SHA-256 and HMAC-SHA256 (FIPS 180-4, RFC 2104), dependency-free: Linux has no CryptoKit. Used
/// for venue request signing and for the replay digest, which hashes every event; the rounds are
/// in `CSHA256` (the CPU's SHA extensions where present). Checked against the FIPS and RFC 4231
/// vectors in the tests.
public enum SHA256 {
    /// A hash fed in pieces: `update` as often as needed, then `finish` once.
    public struct Hasher: Sendable {
        private var state: [UInt32] = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]
        /// Bytes of an incomplete block, waiting for more.
        private var pending: [UInt8] = []
        private var length: UInt64 = 0

        public init() {
            pending.reserveCapacity(64)
        }

        public mutating func update(_ bytes: UnsafeRawBufferPointer) {
            guard !bytes.isEmpty else { return }
            length &+= UInt64(bytes.count)
            var rest = bytes
            if !pending.isEmpty {
                let taken = min(64 - pending.count, rest.count)
                pending.append(contentsOf: rest.prefix(taken))
                rest = UnsafeRawBufferPointer(rebasing: rest.dropFirst(taken))
                guard pending.count == 64 else { return }
                compress(pending.withUnsafeBytes { $0 })
                pending.removeAll(keepingCapacity: true)
            }
            let whole = rest.count / 64 * 64
            if whole > 0 { compress(UnsafeRawBufferPointer(rebasing: rest.prefix(whole))) }
            pending.append(contentsOf: rest.dropFirst(whole))
        }

        public mutating func update(_ bytes: some Collection<UInt8>) {
            let handled: Void? = bytes.withContiguousStorageIfAvailable { update(UnsafeRawBufferPointer($0)) }
            if handled == nil { Array(bytes).withUnsafeBytes { update($0) } }
        }

        /// The 32-byte digest: pads (a 1 bit, zeros, the 64-bit length) and runs the last blocks.
        public consuming func finish() -> [UInt8] {
            let bitLength = length &* 8
            var tail = pending
            tail.append(0x80)
            while tail.count % 64 != 56 { tail.append(0) }
            for shift in stride(from: 56, through: 0, by: -8) { tail.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift))) }
            tail.withUnsafeBytes { compress($0) }
            return state.flatMap { word in (0..<4).map { UInt8(truncatingIfNeeded: word >> UInt32(24 - $0 * 8)) } }
        }

        /// Runs the rounds over whole blocks (`bytes.count` is a multiple of 64).
        private mutating func compress(_ bytes: UnsafeRawBufferPointer) {
            state.withUnsafeMutableBufferPointer { words in
                tapedeck_sha256_compress(words.baseAddress!, bytes.baseAddress!.assumingMemoryBound(to: UInt8.self), bytes.count / 64)
            }
        }
    }

    /// The 32-byte digest of `message`.
    public static func hash(_ message: some Collection<UInt8>) -> [UInt8] {
        var hasher = Hasher()
        hasher.update(message)
        return hasher.finish()
    }

    /// HMAC-SHA256 of `message` under `key`.
    public static func hmac(key: [UInt8], message: [UInt8]) -> [UInt8] {
        var block = key.count > 64 ? hash(key) : key
        block += [UInt8](repeating: 0, count: 64 - block.count)
        let inner = hash(block.map { $0 ^ 0x36 } + message)
        return hash(block.map { $0 ^ 0x5c } + inner)
    }

    /// Lower-case hex, as venues expect signatures.
    public static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            output.append(digits[Int(byte >> 4)])
            output.append(digits[Int(byte & 0xF)])
        }
        return String(decoding: output, as: UTF8.self)
    }
}
