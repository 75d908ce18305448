import Foundation
import TapeCore

/// What the recorder removes before anything reaches the tape: secrets in handshake headers, in URL
/// query strings, and (through venue rules) in frame payloads. Each secret becomes a stable
/// placeholder `<redacted:NAME>`, so a redacted tape still replays.
public struct Redaction: Sendable {
    /// Rewrites a payload of the given direction and kind (venue rules); identity by default.
    public var payload: @Sendable (Direction, FrameKind, [UInt8]) -> [UInt8]
    /// Rewrites a handshake by venue rules before the generic header and query rules; identity by default.
    public var handshake: @Sendable (ConnectionOpened) -> ConnectionOpened
    /// Header and query parameter names (lowercased) whose values are secrets.
    public var secretNames: Set<String>
    /// Substrings that mark a header or parameter name as secret wherever they appear.
    public var secretNameParts: [String]

    public init(
        secretNames: Set<String> = Redaction.commonSecretNames,
        secretNameParts: [String] = Redaction.commonSecretNameParts,
        payload: @escaping @Sendable (Direction, FrameKind, [UInt8]) -> [UInt8] = { _, _, bytes in bytes },
        handshake: @escaping @Sendable (ConnectionOpened) -> ConnectionOpened = { $0 }
    ) {
        self.secretNames = secretNames
        self.secretNameParts = secretNameParts
        self.payload = payload
        self.handshake = handshake
    }

    /// Records everything as it is (`--no-redact`).
    public static let none = Redaction(secretNames: [], secretNameParts: [])

    public static let commonSecretNames: Set<String> = [
        "authorization", "proxy-authorization", "cookie", "set-cookie", "sign", "sig", "key", "apikey",
    ]
    public static let commonSecretNameParts = ["api-key", "api_key", "apikey", "token", "secret", "signature", "passphrase", "password"]

    public func isSecret(_ name: String) -> Bool {
        let lowered = name.lowercased()
        return secretNames.contains(lowered) || secretNameParts.contains { lowered.contains($0) }
    }

    public func headers(_ headers: [HTTPHeader]) -> [HTTPHeader] {
        headers.map { isSecret($0.name) ? HTTPHeader(name: $0.name, value: "<redacted:\($0.name.lowercased())>") : $0 }
    }

    /// The URL with secret query parameter values replaced; everything else kept byte for byte.
    public func url(_ url: String) -> String {
        guard let question = url.firstIndex(of: "?") else { return url }
        let query = url[url.index(after: question)...]
        let parts = query.split(separator: "&", omittingEmptySubsequences: false).map { part -> String in
            guard let equals = part.firstIndex(of: "=") else { return String(part) }
            let name = String(part[..<equals])
            let decoded = name.removingPercentEncoding ?? name
            return isSecret(decoded) ? "\(name)=<redacted:\(decoded.lowercased())>" : String(part)
        }
        return String(url[...question]) + parts.joined(separator: "&")
    }

    public func opened(_ opened: ConnectionOpened) -> ConnectionOpened {
        let venueRedacted = handshake(opened)
        return ConnectionOpened(url: url(venueRedacted.url), headers: headers(venueRedacted.headers))
    }
}
