import Foundation

/// A `ws://` or `wss://` URL taken apart for connecting.
public struct WebSocketURL: Hashable, Sendable, CustomStringConvertible {
    public var secure: Bool
    public var host: String
    public var port: Int
    /// Path and query, as sent in the request line (at least "/").
    public var target: String

    public init(secure: Bool, host: String, port: Int, target: String) {
        self.secure = secure
        self.host = host
        self.port = port
        self.target = target
    }

    /// Parses a URL; nil when it is not ws:// or wss:// with a host.
    public init?(_ text: String) {
        guard let components = URLComponents(string: text),
              let scheme = components.scheme?.lowercased(), scheme == "ws" || scheme == "wss",
              let host = components.host, !host.isEmpty
        else { return nil }
        secure = scheme == "wss"
        self.host = host
        port = components.port ?? (secure ? 443 : 80)
        let path = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
        target = components.percentEncodedQuery.map { path + "?" + $0 } ?? path
    }

    /// The value of the Host header: the port only when it is not the scheme's default.
    public var hostHeader: String {
        let defaultPort = secure ? 443 : 80
        let bracketed = host.contains(":") ? "[\(host)]" : host
        return port == defaultPort ? bracketed : "\(bracketed):\(port)"
    }

    public var description: String {
        "\(secure ? "wss" : "ws")://\(hostHeader)\(target)"
    }

    /// This URL with another path and query (the proxy keeps the client's).
    public func with(target: String) -> WebSocketURL {
        var copy = self
        copy.target = target
        return copy
    }
}
