/// Placeholder until the pcap importer lands.
struct PcapImporter {
    func run(_ bytes: [UInt8]) throws -> ImportedCapture {
        throw InteropError(.wrongFormat, byteOffset: 0, "pcap import is not implemented yet: at offset 0; use a cryptofeed or hftbacktest capture")
    }
}
