/// A Satori subscription: every SUBSCRIBE carries its own signature (there is no login).
///
/// The signature is secp256k1 over the decimal ms timestamp; we have no secp256k1 here, so the
/// caller signs and passes it in with the timestamp it signed.
public struct SatoriSubscription: Hashable, Sendable {
    /// `signType` is the number 2 in the docs' templates and the string "2" in their worked examples.
    public enum SignType: Hashable, Sendable {
        case number(Int64)
        case string(String)
    }

    /// `api_position`, `api_entrust`, `api_account`, `api_trade`.
    public var event: String
    /// `pair` (ETH-USD) for positions, orders and trades; `symbol` (USD) for the account.
    public var pair: String?
    public var symbol: String?
    /// Candle period for `api_trade` (`1MIN`).
    public var period: String?
    public var apiKey: String
    public var signature: String
    public var timestampMillis: Int64
    public var signType: SignType

    public init(event: String, pair: String? = nil, symbol: String? = nil, period: String? = nil, apiKey: String,
                signature: String, timestampMillis: Int64, signType: SignType = .string("2")) {
        self.event = event
        self.pair = pair
        self.symbol = symbol
        self.period = period
        self.apiKey = apiKey
        self.signature = signature
        self.timestampMillis = timestampMillis
        self.signType = signType
    }

    /// In the order of the docs' worked examples: pair|symbol, method, event, apiKey, signature, timestamp, signType.
    public var json: JSONOutput {
        var members: [(String, JSONOutput)] = []
        if let pair { members.append(("pair", .string(pair))) }
        if let symbol { members.append(("symbol", .string(symbol))) }
        if let period { members.append(("period", .string(period))) }
        members += [
            ("method", .string("SUBSCRIBE")), ("event", .string(event)), ("apiKey", .string(apiKey)),
            ("signature", .string(signature)), ("timestamp", .int(timestampMillis)),
        ]
        switch signType {
        case .number(let number): members.append(("signType", .int(number)))
        case .string(let text): members.append(("signType", .string(text)))
        }
        return .object(members)
    }

    public static func decode(_ bytes: [UInt8]) -> Result<SatoriSubscription, UnrecognisedFrame> {
        var scanner = JSONScanner()
        return scanner.decode(bytes) { (root) throws(DecodeFailure) -> SatoriSubscription in
            let request = try FieldReader(root, message: "request")
            guard try request.string("method") == "SUBSCRIBE" else { throw request.bad("method") }
            let signValue = try request.value("signType")
            let signType: SignType
            if let number = signValue.int64, signValue.isNumber {
                signType = .number(number)
            } else if let text = signValue.string {
                signType = .string(text)
            } else {
                throw request.bad("signType")
            }
            return SatoriSubscription(
                event: try request.string("event"), pair: try request.optionalString("pair"),
                symbol: try request.optionalString("symbol"), period: try request.optionalString("period"),
                apiKey: try request.string("apiKey"), signature: try request.string("signature"),
                timestampMillis: try request.int("timestamp"), signType: signType)
        }
    }
}

/// Satori secrets: the api key and signature of every SUBSCRIBE.
public enum SatoriRedaction {
    public static let rules = RedactionRules(fields: [
        .init(path: ["apiKey"], label: "api_key", when: (path: ["method"], equals: "SUBSCRIBE")),
        .init(path: ["signature"], label: "signature", when: (path: ["method"], equals: "SUBSCRIBE")),
    ])
}
