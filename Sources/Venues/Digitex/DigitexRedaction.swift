/// What Digitex frames carry secrets: only the token of the `auth` request. The URL and the
/// upgrade headers carry none (auth happens in-band).
public enum DigitexRedaction {
    public static let rules = RedactionRules(fields: [
        .init(path: ["params", "value"], label: "token", when: (path: ["method"], equals: "auth")),
    ])
}
