/// A request on the Notional WebSocket: subscriptions by user address, and the JSON ping.
public enum NotionalCommand: Hashable, Sendable {
    /// `type` is a channel (`accountSummary`, `userFills`, `orderUpdates`, …); `user` the lower-case address.
    case subscribe(type: String, user: String)
    case unsubscribe(type: String, user: String)
    case ping

    public var json: JSONOutput {
        switch self {
        case .subscribe(let type, let user), .unsubscribe(let type, let user):
            let method = if case .subscribe = self { "subscribe" } else { "unsubscribe" }
            return .object([("method", .string(method)), ("subscription", .object([("type", .string(type)), ("user", .string(user))]))])
        case .ping:
            return .object([("method", .string("ping"))])
        }
    }

    public static func decode(_ bytes: [UInt8]) -> Result<NotionalCommand, UnrecognisedFrame> {
        var scanner = JSONScanner()
        return scanner.decode(bytes) { (root) throws(DecodeFailure) -> NotionalCommand in
            let request = try FieldReader(root, message: "request")
            let method = try request.string("method")
            if method == "ping" { return .ping }
            let subscription = try FieldReader(try request.value("subscription"), message: method)
            let type = try subscription.string("type"), user = try subscription.string("user")
            switch method {
            case "subscribe": return .subscribe(type: type, user: user)
            case "unsubscribe": return .unsubscribe(type: type, user: user)
            default: throw DecodeFailure(.unknownMessage("request \(method)"))
            }
        }
    }
}
