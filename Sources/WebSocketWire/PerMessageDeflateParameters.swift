/// What two peers agreed for permessage-deflate (RFC 7692 §7.1), from the point of view of roles:
/// "server" parameters govern what the server sends, "client" parameters what the client sends.
public struct PerMessageDeflateParameters: Hashable, Sendable, CustomStringConvertible {
    public var serverNoContextTakeover = false
    public var clientNoContextTakeover = false
    public var serverMaxWindowBits: Int?
    public var clientMaxWindowBits: Int?

    public init() {}

    /// The extension as it appears in `Sec-WebSocket-Extensions`.
    public var description: String {
        var parts = ["permessage-deflate"]
        if serverNoContextTakeover { parts.append("server_no_context_takeover") }
        if clientNoContextTakeover { parts.append("client_no_context_takeover") }
        if let serverMaxWindowBits { parts.append("server_max_window_bits=\(serverMaxWindowBits)") }
        if let clientMaxWindowBits { parts.append("client_max_window_bits=\(clientMaxWindowBits)") }
        return parts.joined(separator: "; ")
    }

    /// What a client offers: compression both ways, and it accepts any server window.
    public static let clientOffer = "permessage-deflate; client_max_window_bits"

    /// The server's answer to a client's `Sec-WebSocket-Extensions` header: the first
    /// permessage-deflate offer it can honour, or nil (no compression) when there is none.
    public static func accept(offers header: String) -> PerMessageDeflateParameters? {
        for offer in ExtensionHeader.parse(header) where offer.name == "permessage-deflate" {
            if let accepted = acceptOne(offer.parameters) { return accepted }
        }
        return nil
    }

    private static func acceptOne(_ parameters: [(name: String, value: String?)]) -> PerMessageDeflateParameters? {
        var result = PerMessageDeflateParameters()
        var seen = Set<String>()
        for (name, value) in parameters {
            // A repeated parameter makes the offer invalid (§7.1).
            guard seen.insert(name).inserted else { return nil }
            switch name {
            case "server_no_context_takeover":
                guard value == nil else { return nil }
                result.serverNoContextTakeover = true
            case "client_no_context_takeover":
                guard value == nil else { return nil }
                result.clientNoContextTakeover = true
            case "server_max_window_bits":
                // zlib cannot deflate raw streams with an 8-bit window: decline such an offer.
                guard let bits = value.flatMap(Int.init), (9...15).contains(bits) else { return nil }
                result.serverMaxWindowBits = bits
            case "client_max_window_bits":
                // Without a value the client merely allows us to limit it; we do not.
                if let value {
                    guard let bits = Int(value), (8...15).contains(bits) else { return nil }
                    result.clientMaxWindowBits = bits
                }
            default:
                return nil  // an unknown parameter: decline this offer
            }
        }
        return result
    }

    /// The parameters a server answered with, as a client reads them; nil when the server did not
    /// enable permessage-deflate or answered with something the client did not offer.
    public static func parseResponse(_ header: String) -> PerMessageDeflateParameters? {
        let extensions = ExtensionHeader.parse(header)
        guard extensions.count == 1, let only = extensions.first, only.name == "permessage-deflate" else { return nil }
        guard var accepted = acceptOne(only.parameters) else { return nil }
        // A client that offered no client_max_window_bits value still reads the server's choice.
        if let value = only.parameters.first(where: { $0.name == "client_max_window_bits" })?.value {
            accepted.clientMaxWindowBits = Int(value)
        }
        return accepted
    }
}

/// `Sec-WebSocket-Extensions` syntax (RFC 6455 §9.1): `name; param; param=value, name2 …`.
enum ExtensionHeader {
    struct Extension {
        var name: String
        var parameters: [(name: String, value: String?)]
    }

    static func parse(_ header: String) -> [Extension] {
        header.split(separator: ",").compactMap { item in
            let pieces = item.split(separator: ";").map { $0.trimmingSpaces() }
            guard let name = pieces.first, !name.isEmpty else { return nil }
            let parameters = pieces.dropFirst().map { piece -> (name: String, value: String?) in
                let pair = piece.split(separator: "=", maxSplits: 1).map { $0.trimmingSpaces() }
                let value = pair.count == 2 ? pair[1].trimmingCharacters(in: "\"") : nil
                return (pair[0].lowercased(), value)
            }
            return Extension(name: name.lowercased(), parameters: parameters)
        }
    }
}

extension StringProtocol {
    fileprivate func trimmingSpaces() -> String {
        String(drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
    }

    fileprivate func trimmingCharacters(in set: Character) -> String {
        String(drop(while: { $0 == set }).reversed().drop(while: { $0 == set }).reversed())
    }
}
