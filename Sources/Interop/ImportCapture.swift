import TapeCore

/// Imports a foreign capture into tape frames.
///
/// Throws `InteropError` only when nothing can be read (wrong format, damaged start of a gzip
/// stream, a pcap header that is not one). Everything else that cannot be imported — damaged lines,
/// TLS or non-WebSocket TCP streams, malformed WebSocket frames, a file cut short — is skipped or
/// imported as an `error` frame, and described in `ImportedCapture.notes`.
public func importCapture(_ bytes: [UInt8], format: CaptureFormat) throws -> ImportedCapture {
    switch format {
    case .hftbacktest:
        return try HftbacktestImporter().run(bytes)
    case .cryptofeed:
        return CryptofeedImporter().run(bytes)
    case .pcap:
        return try PcapImporter().run(bytes)
    }
}
