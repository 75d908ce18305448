/// Where QFEX secrets travel: the api key in the connect URL's query, the auth request's api key,
/// JWT and HMAC signature. The HMAC public key and nonce are not secret (the signature cannot be
/// replayed after 15 minutes), but the public key still identifies the account, so it goes too.
public enum QFEXRedaction {
    public static let rules = RedactionRules(
        fields: [
            .init(path: ["params", "api_key"], label: "api_key", when: (path: ["type"], equals: "auth")),
            .init(path: ["params", "jwt"], label: "jwt", when: (path: ["type"], equals: "auth")),
            .init(path: ["params", "hmac", "signature"], label: "signature", when: (path: ["type"], equals: "auth")),
            .init(path: ["params", "hmac", "public_key"], label: "public_key", when: (path: ["type"], equals: "auth")),
        ],
        queryParameters: [(name: "api_key", label: "api_key")])
}
