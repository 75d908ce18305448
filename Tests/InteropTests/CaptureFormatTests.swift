import Testing
@testable import Interop

@Suite("capture format detection")
struct CaptureFormatTests {
    @Test("every shared capture is recognised by its magic number or first line")
    func sharedFiles() throws {
        // Expected formats from the folder each file is in (shared/captures/README.md) and `file(1)`-style
        // magic numbers: `od -t x1 -N 4` shows d4 c3 b2 a1 for the .pcap/.dump files, 0a 0d 0d 0a for the .pcapng.
        for file in try SharedCaptures.allFiles() where !file.hasSuffix("README.md") {
            let expected: CaptureFormat = file.hasPrefix("pcap/") ? .pcap : file.hasPrefix("cryptofeed/") ? .cryptofeed : .hftbacktest
            #expect(CaptureFormat.detect(bytes: try SharedCaptures.bytes(file)) == expected, "\(file)")
        }
    }

    @Test("a gzipped JSON-lines file, empty input and prose are not guessed")
    func negatives() throws {
        #expect(CaptureFormat.detect(bytes: try gzip("{\"t\":1}\n")) == nil)
        #expect(CaptureFormat.detect(bytes: []) == nil)
        #expect(CaptureFormat.detect(bytes: Array("hello world, this is text\n".utf8)) == nil)
        #expect(CaptureFormat.detect(bytes: try gzip("1737918843893903000 {}\n")) == .hftbacktest)
        #expect(CaptureFormat.detect(bytes: Array("1.5: {}\n".utf8)) == .cryptofeed)
        #expect(CaptureFormat.detect(bytes: [0xA1, 0xB2, 0x3C, 0x4D]) == .pcap)
    }
}
