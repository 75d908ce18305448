import CZlib
import TapeCore
@testable import TapeFormat
import Testing

@Suite("CRC-32")
struct CRC32Tests {
    /// zlib's own CRC-32, byte by byte through its public function: the reference.
    private func reference(_ bytes: ArraySlice<UInt8>, initial: UInt32) -> UInt32 {
        bytes.withUnsafeBufferPointer { UInt32(truncatingIfNeeded: CZlib.crc32(UInt(initial), $0.baseAddress, UInt32($0.count))) }
    }

    @Test("folded CRC-32 equals zlib's for every length up to 600, every alignment, and a running start")
    func matchesZlib() {
        var random = SeededRandom(seed: 5)
        let bytes = (0..<700).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        var mismatches: [String] = []
        for offset in 0..<8 {
            for length in 0...600 {
                let slice = bytes[offset..<(offset + length)]
                let initial = UInt32(truncatingIfNeeded: random.next())
                let ours = slice.withUnsafeBytes { crc32Of($0, initial: initial) }
                if ours != reference(slice, initial: initial) { mismatches.append("offset \(offset) length \(length)") }
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
    }

    @Test("a 4 MiB run and the gzip check value")
    func largeAndKnown() {
        var random = SeededRandom(seed: 9)
        let bytes = (0..<(4 << 20)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        let same = bytes.withUnsafeBytes { crc32Of($0) } == reference(bytes[...], initial: 0)
        #expect(same)
        // The standard check value of CRC-32/ISO-HDLC over "123456789" (too short to fold) and a
        // run that folds: 64 × "a".
        #expect(crc32Of(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(crc32Of([UInt8](repeating: UInt8(ascii: "a"), count: 64)) == reference([UInt8](repeating: UInt8(ascii: "a"), count: 64)[...], initial: 0))
    }
}
