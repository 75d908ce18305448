import CSHA256
import TapeCore
import Testing
import Venues

@Suite("SHA-256")
struct SHA256Tests {
    private func hex(_ text: String) -> String { SHA256.hex(SHA256.hash(Array(text.utf8))) }

    @Test("the FIPS 180-2 example messages give their published digests")
    func publishedVectors() {
        #expect(hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(SHA256.hex(SHA256.hash([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)))
            == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test("fed in random pieces, the hasher gives the one-shot digest, at every length around the block edges")
    func piecesEqualWhole() {
        var random = SeededRandom(seed: 256)
        for length in Array(0...200) + [1_000, 4_096, 65_536 + 37] {
            let message = (0..<length).map { _ in UInt8.random(in: 0...255, using: &random) }
            var hasher = SHA256.Hasher()
            var start = 0
            while start < length {
                let end = min(length, start + Int.random(in: 0...70, using: &random))
                hasher.update(message[start..<end])
                start = end
            }
            #expect(hasher.finish() == SHA256.hash(message), "length \(length)")
        }
    }

    @Test("the SHA extensions and the portable rounds give the same state on random blocks",
          .enabled(if: tapedeck_sha256_accelerated() == 1, "this CPU has no SHA extensions: only the portable rounds run"))
    func acceleratedEqualsPortable() {
        var random = SeededRandom(seed: 7)
        for count in [1, 2, 3, 16, 100] {
            let blocks = (0..<(64 * count)).map { _ in UInt8.random(in: 0...255, using: &random) }
            let start = (0..<8).map { _ in UInt32.random(in: 0...UInt32.max, using: &random) }
            var fast = start, portable = start
            blocks.withUnsafeBufferPointer { bytes in
                tapedeck_sha256_compress(&fast, bytes.baseAddress!, count)
                tapedeck_sha256_compress_portable(&portable, bytes.baseAddress!, count)
            }
            #expect(fast == portable, "\(count) blocks")
        }
    }
}
