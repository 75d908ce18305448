import Foundation
import Venues

/// Per-venue rules for what may differ between a recorded outbound message and the one the client
/// would send: request ids, timestamps, nonces, signatures. Messages are compared as JSON with
/// those members removed (at any depth) and keys sorted; numbers compare by value (`1.50` = `1.5`).
/// Payloads that are not JSON (`ping`) must be byte-identical.
public struct PayloadComparison: Sendable {
    /// Member names ignored at any depth.
    public var ignoredKeys: Set<String>

    public init(ignoredKeys: Set<String>) {
        self.ignoredKeys = ignoredKeys
    }

    /// The rules of each venue (written down in docs/DETERMINISM.md).
    public static func rules(for venue: VenueName) -> PayloadComparison {
        switch venue {
        // Request ids: our client numbers from 1; a session driven by another numbering differs only there.
        case .digitex: PayloadComparison(ignoredKeys: ["id"])
        // HMAC auth carries a nonce, a unix time and a signature over them.
        case .qfex: PayloadComparison(ignoredKeys: ["nonce", "unix_ts", "signature"])
        // Auth is in the upgrade headers; subscriptions have nothing that varies.
        case .roxom: PayloadComparison(ignoredKeys: [])
        case .notional: PayloadComparison(ignoredKeys: [])
        // Every subscription is signed over its own millisecond timestamp.
        case .satori: PayloadComparison(ignoredKeys: ["timestamp", "signature"])
        }
    }

    /// True when the two payloads agree under these rules.
    public func agree(_ recorded: [UInt8], _ produced: [UInt8]) -> Bool {
        if recorded == produced { return true }
        guard let left = normalised(recorded), let right = normalised(produced) else { return false }
        return left == right
    }

    /// The payload as sorted-key JSON without the ignored members; nil when it is not JSON.
    func normalised(_ payload: [UInt8]) -> Data? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(payload), options: [.fragmentsAllowed]) else { return nil }
        return try? JSONSerialization.data(withJSONObject: strip(object), options: [.sortedKeys, .fragmentsAllowed])
    }

    private func strip(_ value: Any) -> Any {
        if let object = value as? [String: Any] {
            var kept: [String: Any] = [:]
            for (key, member) in object where !ignoredKeys.contains(key) { kept[key] = strip(member) }
            return kept
        }
        if let array = value as? [Any] { return array.map(strip) }
        return value
    }
}
