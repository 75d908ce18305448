/// A frame that contradicts the account state: reported with both sides, not silently applied.
public struct Anomaly: Hashable, Sendable, CustomStringConvertible {
    public enum Kind: Hashable, Sendable {
        case fillForUnknownOrder
        case cancelForUnknownOrder
        case updateForUnknownOrder
        case updateForUnknownPosition
        case orderChainBroken
        case contractChainBroken
        case conditionalOrderUnknown
        case unknownSymbol
        case answerToUnknownRequest
        /// An update older than one already applied (Satori balance `logId`).
        case staleUpdate
    }

    public var kind: Kind
    /// What our state says.
    public var expected: String
    /// What the frame says.
    public var received: String
    public var raw: [UInt8]

    public init(kind: Kind, expected: String, received: String, raw: [UInt8]) {
        self.kind = kind
        self.expected = expected
        self.received = received
        self.raw = raw
    }

    public var description: String {
        "anomaly \(kind): state has \(expected), frame says \(received)"
    }
}
