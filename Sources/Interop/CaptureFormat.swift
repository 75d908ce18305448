/// The foreign capture formats Tapedeck can import.
public enum CaptureFormat: String, Hashable, Sendable, CaseIterable {
    /// hftbacktest collector output: gzip text, `<local_recv_ns> <payload>` per line.
    case hftbacktest
    /// cryptofeed's raw recorder format (`<url> <-> <ts>`, `<url> <- <ts>: <payload>`, `<ts>: <payload>`).
    case cryptofeed
    /// libpcap or pcapng packet captures of plain `ws://` traffic.
    case pcap

    /// Guesses the format from the first bytes of a file: magic numbers for pcap, pcapng and gzip,
    /// the shape of the first non-empty line for cryptofeed.
    ///
    /// A gzip file is hftbacktest only when its first decompressed line is `<digits> <payload>`
    /// (so a gzipped JSON-lines file is not mistaken for it). Nil when nothing matches.
    public static func detect(bytes: [UInt8]) -> CaptureFormat? {
        guard bytes.count >= 4 else { return nil }
        let magicBigEndian = UInt32(bytes[0]) << 24 | UInt32(bytes[1]) << 16 | UInt32(bytes[2]) << 8 | UInt32(bytes[3])
        switch magicBigEndian {
        case 0xA1B2_C3D4, 0xD4C3_B2A1, 0xA1B2_3C4D, 0x4D3C_B2A1, 0x0A0D_0D0A:
            return .pcap
        default:
            break
        }
        if bytes[0] == 0x1F, bytes[1] == 0x8B {
            let head = Gzip(maxOutputBytes: 1 << 16).prefix(of: bytes, count: 4096)
            return looksLikeHftbacktest(head) ? .hftbacktest : nil
        }
        return looksLikeCryptofeed(bytes) ? .cryptofeed : nil
    }

    private static func firstLine(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        let start = bytes.firstIndex(where: { $0 != ByteText.newline }) ?? bytes.endIndex
        let rest = bytes[start...]
        return rest[..<(rest.firstIndex(of: ByteText.newline) ?? rest.endIndex)]
    }

    private static func looksLikeHftbacktest(_ bytes: [UInt8]) -> Bool {
        let line = firstLine(bytes[...])
        let digits = line.prefix(while: ByteText.isDigit)
        return digits.count >= 10 && line.dropFirst(digits.count).first == ByteText.space
    }

    private static func looksLikeCryptofeed(_ bytes: [UInt8]) -> Bool {
        let line = Array(firstLine(bytes.prefix(1 << 16)))
        guard !line.isEmpty else { return false }
        return line.withUnsafeBufferPointer { buffer in
            CryptofeedImporter.parse(buffer, from: 0, to: buffer.count) != nil
        }
    }
}
