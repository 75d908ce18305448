import TapeCore
import Venues

/// When a client's frame counts as the recorded one, in cassette mode.
///
/// - `exact`: same kind, same bytes.
/// - `json` (the default): same kind; when the recorded frame is JSON, the client's must be JSON
///   with the same structure and values, whatever the key order and whitespace, numbers compared
///   by value (`1.0` = `1`); members named in `ignoredFields` are left out at every depth (ids,
///   timestamps, nonces, signatures that change on every run). A recorded frame that is not JSON
///   is compared exactly.
///
/// Close frames match any close frame: close codes and reasons are the client library's choice.
public struct MatchRules: Hashable, Sendable {
    public enum Comparison: String, Hashable, Sendable, CaseIterable {
        case exact
        case json
    }

    public enum Result: Hashable, Sendable {
        case match
        /// What differs, for people: "$.params.px: recorded 9834.5, received 9835".
        case mismatch(String)
    }

    public var comparison: Comparison
    /// JSON member names ignored at every depth, sorted and without duplicates.
    public private(set) var ignoredFields: [String]

    public init(comparison: Comparison = .json, ignoring fields: [String] = []) {
        self.comparison = comparison
        self.ignoredFields = Array(Set(fields)).sorted()
    }

    /// Fields that change on every run of a typical trading client.
    public static let volatileFields = ["clOrdId", "id", "nonce", "signature", "timestamp"]

    /// Compares the client's frame with the recorded one.
    public func compare(recorded: (kind: FrameKind, payload: [UInt8]), received: (kind: FrameKind, payload: [UInt8])) -> Result {
        guard recorded.kind == received.kind else {
            return .mismatch("recorded a \(recorded.kind) frame, received a \(received.kind) frame")
        }
        if recorded.kind == .close { return .match }
        switch comparison {
        case .exact:
            return Self.compareBytes(recorded.payload, received.payload)
        case .json:
            var scanner = JSONScanner()
            guard !recorded.payload.isEmpty, let expected = try? scanner.scan(recorded.payload) else {
                return Self.compareBytes(recorded.payload, received.payload)
            }
            var otherScanner = JSONScanner()
            let actual: JSONDocument
            do {
                actual = try otherScanner.scan(received.payload)
            } catch {
                return .mismatch("the recorded frame is JSON, the client's is not (\(error.shortDescription))")
            }
            let ignored = Set(ignoredFields)
            let difference = expected.withRoot { recordedRoot in
                actual.withRoot { receivedRoot in
                    JSONComparison(ignored: ignored).difference(recordedRoot, receivedRoot, path: "$")
                }
            }
            return difference.map(Result.mismatch) ?? .match
        }
    }

    static func compareBytes(_ recorded: [UInt8], _ received: [UInt8]) -> Result {
        if recorded == received { return .match }
        let common = zip(recorded, received).prefix { $0 == $1 }.count
        return .mismatch("the bytes differ from offset \(common) (recorded \(recorded.count) B, received \(received.count) B)")
    }
}

/// Structural comparison of two JSON values; the first difference, in document order of the
/// recorded value with object members sorted by key, is described with its path.
private struct JSONComparison {
    let ignored: Set<String>

    /// What a JSON value is, for comparing and for saying what differs.
    private enum Kind: Equatable, CustomStringConvertible {
        case object, array, string, number, `true`, `false`, null

        init(_ value: JSONValue) {
            if value.isObject { self = .object }
            else if value.isArray { self = .array }
            else if value.isString { self = .string }
            else if value.isNumber { self = .number }
            else if value.isNull { self = .null }
            else { self = value.bool == true ? .true : .false }
        }

        /// "an object", "a number", "true": as the value reads in a sentence.
        var description: String {
            switch self {
            case .object: "an object"
            case .array: "an array"
            case .string: "a string"
            case .number: "a number"
            case .true: "true"
            case .false: "false"
            case .null: "null"
            }
        }
    }

    func difference(_ recorded: JSONValue, _ received: JSONValue, path: String) -> String? {
        let kind = Kind(recorded)
        let receivedKind = Kind(received)
        guard kind == receivedKind else {
            return "\(path): recorded \(kind), received \(receivedKind)"
        }
        switch kind {
        case .object:
            return objectDifference(recorded, received, path: path)
        case .array:
            let left = recorded.elements
            let right = received.elements
            guard left.count == right.count else {
                return "\(path): recorded \(left.count) elements, received \(right.count)"
            }
            for index in left.indices {
                if let found = difference(left[index], right[index], path: "\(path)[\(index)]") { return found }
            }
            return nil
        case .string:
            let left = recorded.string ?? ""
            let right = received.string ?? ""
            return left == right ? nil : "\(path): recorded \(quoted(left)), received \(quoted(right))"
        case .number:
            let left = recorded.rawBytes
            let right = received.rawBytes
            if left == right { return nil }
            if let a = recorded.decimal, let b = received.decimal, a == b { return nil }
            return "\(path): recorded \(String(decoding: left, as: UTF8.self)), received \(String(decoding: right, as: UTF8.self))"
        case .true, .false, .null:
            return nil  // the kinds are equal, and so are the values
        }
    }

    private func objectDifference(_ recorded: JSONValue, _ received: JSONValue, path: String) -> String? {
        let left = recorded.members.filter { !ignored.contains($0.key) }.sorted { $0.key < $1.key }
        let right = received.members.filter { !ignored.contains($0.key) }.sorted { $0.key < $1.key }
        var rightIndex = 0
        for member in left {
            if rightIndex < right.count, right[rightIndex].key < member.key {
                return "\(path).\(right[rightIndex].key): not in the recorded frame"
            }
            guard rightIndex < right.count, right[rightIndex].key == member.key else {
                return "\(path).\(member.key): missing from the client's frame"
            }
            if let found = difference(member.value, right[rightIndex].value, path: "\(path).\(member.key)") { return found }
            rightIndex += 1
        }
        if rightIndex < right.count {
            return "\(path).\(right[rightIndex].key): not in the recorded frame"
        }
        return nil
    }

    private func quoted(_ text: String) -> String {
        text.count > 40 ? "\"\(text.prefix(40))…\"" : "\"\(text)\""
    }
}

extension JSONError {
    /// The reason without the replay advice that `description` carries.
    var shortDescription: String {
        description.split(separator: ";").first.map(String.init) ?? description
    }
}
