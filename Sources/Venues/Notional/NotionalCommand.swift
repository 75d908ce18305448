/// A request on the Notional WebSocket: subscriptions by user address, and the JSON ping.
public enum NotionalCommand: Hashable, Sendable {
    /// `type` is a channel (`accountSummary`, `userFills`, `orderUpdates`, …); `user` the lower-case
    /// address; `coin` for the channels about one asset (`activeAssetData`).
    case subscribe(type: String, user: String, coin: String? = nil)
    case unsubscribe(type: String, user: String, coin: String? = nil)
    case ping

    public var json: JSONOutput {
        switch self {
        case .subscribe(let type, let user, let coin), .unsubscribe(let type, let user, let coin):
            let method = if case .subscribe = self { "subscribe" } else { "unsubscribe" }
            var subscription: [(String, JSONOutput)] = [("type", .string(type)), ("user", .string(user))]
            if let coin { subscription.append(("coin", .string(coin))) }
            return .object([("method", .string(method)), ("subscription", .object(subscription))])
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
            let coin = try subscription.optionalString("coin")
            switch method {
            case "subscribe": return .subscribe(type: type, user: user, coin: coin)
            case "unsubscribe": return .unsubscribe(type: type, user: user, coin: coin)
            default: throw DecodeFailure(.unknownMessage("request \(method)"))
            }
        }
    }
}
