import TapeCore

/// A request on the Roxom WebSocket: only subscriptions (`{"op":"subscribe","args":[{channel, symbol?}]}`).
public enum RoxomCommand: Hashable, Sendable {
    case subscribe([RoxomChannel])
    case unsubscribe([RoxomChannel])

    public var json: JSONOutput {
        let (op, channels): (String, [RoxomChannel])
        switch self {
        case .subscribe(let list): (op, channels) = ("subscribe", list)
        case .unsubscribe(let list): (op, channels) = ("unsubscribe", list)
        }
        return .object([("op", .string(op)), ("args", .array(channels.map { channel in
            var members: [(String, JSONOutput)] = [("channel", .string(channel.name))]
            if let symbol = channel.symbol { members.append(("symbol", .string(symbol))) }
            return .object(members)
        }))])
    }

    /// Reads a request (a tape's outbound side or a doc example).
    public static func decode(_ bytes: [UInt8]) -> Result<RoxomCommand, UnrecognisedFrame> {
        var scanner = JSONScanner()
        return scanner.decode(bytes) { (root) throws(DecodeFailure) -> RoxomCommand in
            let request = try FieldReader(root, message: "request")
            var channels: [RoxomChannel] = []
            for element in try request.array("args") {
                let arg = try FieldReader(element, message: "args")
                channels.append(RoxomChannel(name: try arg.string("channel"), symbol: try arg.optionalString("symbol")))
            }
            switch try request.string("op") {
            case "subscribe": return .subscribe(channels)
            case "unsubscribe": return .unsubscribe(channels)
            case let op: throw DecodeFailure(.unknownMessage("request \(op)"))
            }
        }
    }
}

/// A channel, with a symbol for market data (`depth`, `level1`, `trade`).
public struct RoxomChannel: Hashable, Sendable {
    public var name: String
    public var symbol: String?

    public init(name: String, symbol: String? = nil) {
        self.name = name
        self.symbol = symbol
    }
}

/// Roxom authenticates in the HTTP upgrade headers, not with a message.
public enum RoxomAuthentication {
    /// The HMAC variant of the docs: `X-API-KEY`, `X-API-TIMESTAMP` (ms) and
    /// `X-API-SIGN` = base64(HMAC-SHA256(secret, timestamp)). The docs call it "accepted but not
    /// enforced"; the time comes from the caller.
    public static func hmacHeaders(apiKey: String, secret: String, timestampMillis: Int64) -> [HTTPHeader] {
        let signature = Base64.encode(SHA256.hmac(key: Array(secret.utf8), message: Array(String(timestampMillis).utf8)))
        return [
            HTTPHeader(name: "X-API-KEY", value: apiKey), HTTPHeader(name: "X-API-TIMESTAMP", value: String(timestampMillis)),
            HTTPHeader(name: "X-API-SIGN", value: signature),
        ]
    }

    /// The RSA variant: base64 RSA signature of `"GET:/ws"`. We have no RSA here (no crypto
    /// dependency), so the caller signs and passes the signature in.
    public static func rsaHeaders(apiKey: String, signature: String) -> [HTTPHeader] {
        [HTTPHeader(name: "X-API-Key", value: apiKey), HTTPHeader(name: "X-API-Signature", value: signature)]
    }
}

/// Roxom secrets live in the upgrade headers only; no frame carries one.
public enum RoxomRedaction {
    public static let rules = RedactionRules(
        fields: [],
        headers: [(name: "X-API-KEY", label: "api_key"), (name: "X-API-SIGN", label: "signature"),
                  (name: "X-API-Signature", label: "signature")])
}
