import TapeCore

/// Where a venue's secrets travel, as data: JSON fields of frames, URL query parameters and
/// HTTP upgrade headers. The recorder rewrites each with a stable placeholder such as
/// `"<redacted:token>"`, so a redacted frame is still valid JSON and still replays.
public struct RedactionRules: Sendable {
    /// A JSON field that carries a secret.
    public struct Field: Sendable, Hashable {
        /// Member names from the root object to the secret value.
        public var path: [String]
        /// The name in the placeholder (`token` → `<redacted:token>`).
        public var label: String
        /// Only redact when the member at this path is this string (e.g. `method` == `auth`); nil: always.
        public var when: (path: [String], equals: String)?

        public init(path: [String], label: String, when: (path: [String], equals: String)? = nil) {
            self.path = path
            self.label = label
            self.when = when
        }

        public static func == (lhs: Field, rhs: Field) -> Bool {
            lhs.path == rhs.path && lhs.label == rhs.label && lhs.when?.path == rhs.when?.path && lhs.when?.equals == rhs.when?.equals
        }

        public func hash(into hasher: inout Hasher) {
            hasher.combine(path)
            hasher.combine(label)
        }
    }

    public var fields: [Field]
    /// Query parameter name → label.
    public var queryParameters: [(name: String, label: String)]
    /// Header name (case-insensitive) → label.
    public var headers: [(name: String, label: String)]

    public init(fields: [Field], queryParameters: [(name: String, label: String)] = [], headers: [(name: String, label: String)] = []) {
        self.fields = fields
        self.queryParameters = queryParameters
        self.headers = headers
    }

    public static func placeholder(_ label: String) -> String { "<redacted:\(label)>" }

    /// The payload with every secret field's value replaced by its placeholder string.
    /// Frames that are not JSON come back unchanged (no venue sends secrets outside JSON).
    public func redact(_ payload: [UInt8]) -> [UInt8] {
        var scanner = JSONScanner()
        guard let document = try? scanner.scan(payload) else { return payload }
        let replacements: [(range: Range<Int>, text: [UInt8])] = document.withRoot { root in
            var replacements: [(range: Range<Int>, text: [UInt8])] = []
            for field in fields {
                if let condition = field.when {
                    guard let value = Self.value(at: condition.path, in: root), value.string == condition.equals else { continue }
                }
                guard let value = Self.value(at: field.path, in: root) else { continue }
                var text: [UInt8] = []
                if value.isString {
                    // The quotes stay; only the characters between them change.
                    text = Array(Self.placeholder(field.label).utf8)
                } else {
                    writeJSONString(Self.placeholder(field.label), into: &text)
                }
                replacements.append((value.byteRange, text))
            }
            return replacements
        }
        guard !replacements.isEmpty else { return payload }
        var output = payload
        // From the end backwards so earlier ranges stay valid; nested duplicates are not possible
        // because each rule names a leaf.
        for replacement in replacements.sorted(by: { $0.range.lowerBound > $1.range.lowerBound }) {
            output.replaceSubrange(replacement.range, with: replacement.text)
        }
        return output
    }

    /// The handshake with secret query parameters and headers replaced.
    public func redact(_ opened: ConnectionOpened) -> ConnectionOpened {
        var result = opened
        if let question = opened.url.firstIndex(of: "?") {
            let base = opened.url[..<question]
            let query = opened.url[opened.url.index(after: question)...]
            let parts = query.split(separator: "&", omittingEmptySubsequences: false).map { part -> String in
                let pieces = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                guard pieces.count == 2, let rule = queryParameters.first(where: { $0.name == pieces[0] }) else { return String(part) }
                return "\(pieces[0])=\(Self.placeholder(rule.label))"
            }
            result.url = base + "?" + parts.joined(separator: "&")
        }
        result.headers = opened.headers.map { header in
            guard let rule = headers.first(where: { $0.name.lowercased() == header.name.lowercased() }) else { return header }
            return HTTPHeader(name: header.name, value: Self.placeholder(rule.label))
        }
        return result
    }

    private static func value(at path: [String], in root: JSONValue) -> JSONValue? {
        var current = root
        for name in path {
            guard let next = current.member(named: name) else { return nil }
            current = next
        }
        return current
    }
}
