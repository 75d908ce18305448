import Exchange
import TapeCore
import Venues

/// What a connection asks: ping, subscribe, unsubscribe; everything else is an error envelope.
extension NotionalSimulator {
    /// A request as read: the client's own decoder for method, type and user, plus what it does not
    /// read (`coin`, and subscriptions without a user for the global channels).
    private enum Request {
        case ping
        case subscribe(NotionalSubscription)
        case unsubscribe(NotionalSubscription)
        case refused(String)
    }

    mutating func request(_ payload: [UInt8], on connection: ConnectionID) -> [SimulatorAction] {
        switch read(payload) {
        case .ping:
            return [send(connection, .object([("channel", .string("pong"))]))]
        case .subscribe(let subscription):
            return subscribe(subscription, on: connection)
        case .unsubscribe(let subscription):
            return unsubscribe(subscription, on: connection)
        case .refused(let text):
            return [error(connection, text)]
        }
    }

    private mutating func read(_ payload: [UInt8]) -> Request {
        let decoded = NotionalCommand.decode(payload)
        if case .success(.ping) = decoded { return .ping }
        // The raw document: for `coin`, user-less global channels and a precise error.
        guard let document = try? scanner.scan(payload) else { return .refused(Self.invalidFormat) }
        defer { scanner.recycle(document) }
        return document.withRoot { root -> Request in
            guard root.isObject, let method = root["method"]?.string else { return .refused(Self.invalidFormat) }
            guard method == "subscribe" || method == "unsubscribe" else { return .refused("Unknown method: \(method)") }
            guard let body = root["subscription"], body.isObject else { return .refused("Invalid subscription: send an object with type and user") }
            guard let type = body["type"]?.string else { return .refused("Invalid subscription: missing type") }
            let coin = body["coin"]?.string
            let subscription: NotionalSubscription
            if Self.globalChannels.contains(type) {
                subscription = NotionalSubscription(type: type, user: nil)
            } else if Self.userChannels.contains(type) {
                // The client's decoder reads method, type and user exactly as the venue's own clients send them.
                guard case .success(let command) = decoded else { return .refused("Invalid subscription: \(type) needs a user address") }
                switch command {
                case .subscribe(_, let user, _), .unsubscribe(_, let user, _):
                    if let problem = Self.addressProblem(user) { return .refused(problem) }
                    subscription = NotionalSubscription(type: type, user: user, coin: type == "activeAssetData" ? coin : nil)
                case .ping:
                    return .ping
                }
            } else {
                return .refused("Invalid subscription type: \(type)")
            }
            if type == "activeAssetData" {
                guard let coin else { return .refused("Invalid subscription: activeAssetData needs a coin") }
                guard coin == self.coin else { return .refused("Unknown coin: \(coin)") }
            }
            return method == "subscribe" ? .subscribe(subscription) : .unsubscribe(subscription)
        }
    }

    /// Nil for an address the venue takes: `0x` and 1 … 40 lower-case hex digits (the documents'
    /// own example has 39; real addresses have 40). Upper case gets its own message, as the
    /// documents insist on lower case.
    static func addressProblem(_ user: String) -> String? {
        let bytes = Array(user.utf8)
        guard bytes.count >= 3, bytes.count <= 42, bytes[0] == UInt8(ascii: "0"), bytes[1] == UInt8(ascii: "x") || bytes[1] == UInt8(ascii: "X") else {
            return "Invalid user address: \(user)"
        }
        var upper = bytes[1] == UInt8(ascii: "X")
        for byte in bytes.dropFirst(2) {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"): continue
            case UInt8(ascii: "A")...UInt8(ascii: "F"): upper = true
            default: return "Invalid user address: \(user)"
            }
        }
        return upper ? "User address must be lowercase: \(user)" : nil
    }

    private func response(_ method: String, _ subscription: NotionalSubscription) -> JSONOutput {
        message("subscriptionResponse", .object([("method", .string(method)), ("subscription", subscription.json)]))
    }

    private mutating func subscribe(_ subscription: NotionalSubscription, on connection: ConnectionID) -> [SimulatorAction] {
        guard let session = sessions[connection] else { return [] }
        guard !session.subscriptions.contains(subscription) else { return [error(connection, "Already subscribed: \(describe(subscription))")] }
        guard session.subscriptions.count < configuration.maxSubscriptions else {
            return [error(connection, "Too many subscriptions: at most \(configuration.maxSubscriptions) per connection")]
        }
        if let user = subscription.user, !session.users.contains(user), session.users.count >= configuration.maxUsers {
            return [error(connection, "Too many users: at most \(configuration.maxUsers) addresses per connection")]
        }
        sessions[connection]?.subscriptions.append(subscription)
        var actions = [send(connection, response("subscribe", subscription))]
        guard let user = subscription.user else { return actions }
        let index = openAccount(user)
        count(subscription, +1)
        actions += snapshot(subscription, account: index, to: connection)
        return actions
    }

    private mutating func unsubscribe(_ subscription: NotionalSubscription, on connection: ConnectionID) -> [SimulatorAction] {
        guard let index = sessions[connection]?.subscriptions.firstIndex(of: subscription) else {
            return [error(connection, "Not subscribed: \(describe(subscription))")]
        }
        sessions[connection]?.subscriptions.remove(at: index)
        count(subscription, -1)
        return [send(connection, response("unsubscribe", subscription))]
    }

    private func describe(_ subscription: NotionalSubscription) -> String {
        [subscription.type, subscription.user, subscription.coin].compactMap { $0 }.joined(separator: " ")
    }

    /// The account of an address, opened with the deposit on its first subscription.
    mutating func openAccount(_ user: String) -> Int {
        if let index = accountByUser[user] { return index }
        var account = AccountID.insurance
        let deposit = configuration.deposit
        _ = market.apply { exchange, _ in
            account = exchange.openAccount(deposit: deposit)
            return []
        }
        let index = accounts.count
        var entry = NotionalAccount(user: user, account: account.rawValue)
        if let activity = configuration.accountActivity {
            // A seed per address from the simulator's seed and the account's index (splitmix-style mixing).
            let mixed = (seed &+ 0x9E37_79B9_7F4A_7C15 &* UInt64(index + 1)) ^ (UInt64(index + 1) << 32)
            entry.activity = AccountActivity(seed: mixed, start: market.now, configuration: activity)
        }
        accounts.append(entry)
        accountByUser[user] = index
        return index
    }

    /// What a new subscription finds: the account summary, recent fills, resting orders (only when
    /// there are some, as the documents say of snapshots) and the asset data.
    private mutating func snapshot(_ subscription: NotionalSubscription, account index: Int, to connection: ConnectionID) -> [SimulatorAction] {
        let user = accounts[index].user
        switch subscription.type {
        case "accountSummary":
            let figures = figures(index)
            let (body, comparable) = summary(figures)
            accounts[index].lastFigures = figures
            accounts[index].lastSummary = comparable
            return [send(connection, message("accountSummary", .object([("user", .string(user)), ("summary", body)])))]
        case "userFills":
            return [send(connection, message("userFills", .object([
                ("isSnapshot", .bool(true)), ("user", .string(user)), ("fills", .array(accounts[index].fills)),
            ])))]
        case "orderUpdates":
            let open = accounts[index].orders
            guard !open.isEmpty else { return [] }
            return [send(connection, message("orderUpdates", .array(open.map { orderUpdate($0, status: "open") })))]
        case "activeAssetData":
            let inputs = assetInputs(index)
            let data = assetData(index, inputs)
            accounts[index].lastAssetInputs = inputs
            accounts[index].lastAssetData = data.bytes
            return [send(connection, message("activeAssetData", data))]
        default:
            return []
        }
    }
}
