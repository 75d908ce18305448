import Exchange
import TapeCore
import Venues

/// Authentication from the upgrade headers, and subscriptions.
extension RoxomSimulator {
    enum Authentication: Equatable {
        /// No authentication header at all: market data only.
        case anonymous
        case refused
        case key(String)
    }

    /// Reads the headers of either documented variant (names compared without case).
    ///
    /// HMAC: `X-API-KEY`, `X-API-TIMESTAMP` (ms digits) and `X-API-SIGN` (or `X-API-Signature`, as
    /// another page spells it) = base64(HMAC-SHA256(secret, timestamp)); the timestamp is not
    /// compared with a clock. RSA: `X-API-Key` and `X-API-Signature` without a timestamp; we cannot
    /// verify RSA, so a configured key with a signature that is well-formed base64 of an RSA-sized
    /// block (128, 256, 384 or 512 bytes) passes. With no configured credentials any non-empty key
    /// passes, signed or not (the docs: the signature is "accepted but not enforced").
    func authenticate(_ headers: [HTTPHeader]) -> Authentication {
        func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }
        let key = header("X-API-KEY")
        let timestamp = header("X-API-TIMESTAMP")
        let signature = header("X-API-SIGN") ?? header("X-API-SIGNATURE")
        if key == nil, timestamp == nil, signature == nil { return .anonymous }
        guard let key, !key.isEmpty else { return .refused }
        if configuration.credentials.isEmpty { return .key(key) }
        guard let secret = configuration.credentials.first(where: { $0.key == key })?.secret, let signature else { return .refused }
        if let timestamp {
            guard !timestamp.isEmpty, timestamp.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else { return .refused }
            let expected = Base64.encode(SHA256.hmac(key: Array(secret.utf8), message: Array(timestamp.utf8)))
            return signature == expected ? .key(key) : .refused
        }
        return [128, 256, 384, 512].contains(Self.base64DecodedCount(signature) ?? 0) ? .key(key) : .refused
    }

    /// The number of bytes a standard, padded base64 text decodes to; nil when it is not one.
    static func base64DecodedCount(_ text: String) -> Int? {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty, bytes.count % 4 == 0 else { return nil }
        let padding = bytes.reversed().prefix { $0 == UInt8(ascii: "=") }.count
        guard padding <= 2 else { return nil }
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        guard bytes.dropLast(padding).allSatisfy({ alphabet.contains($0) }) else { return nil }
        return bytes.count / 4 * 3 - padding
    }

    /// Opens the key's exchange account the first time it authenticates.
    mutating func openAccount(key: String, at now: Timestamp) {
        guard traderByKey[key] == nil else { return }
        var account = AccountID.insurance
        let deposit = configuration.deposit
        _ = market.apply { exchange, _ in
            account = exchange.openAccount(deposit: deposit)
            return []
        }
        let index = traders.count
        var trader = RoxomTrader(key: key, account: account.rawValue, accountID: uuid(), pushedBalance: deposit.minor)
        if let activity = configuration.accountActivity {
            // A seed per account: the simulator's seed mixed with the account's index.
            let accountSeed = (seed ^ 0x526F_786F_6D00_0000) &+ UInt64(index + 1) &* 0x9E37_79B9_7F4A_7C15
            trader.activity = AccountActivity(seed: accountSeed, start: market.now, configuration: activity)
        }
        traders.append(trader)
        traderByKey[key] = index
    }

    mutating func subscribe(_ channels: [RoxomChannel], connection: ConnectionID) -> [SimulatorAction] {
        guard var session = sessions[connection] else { return [] }
        guard !channels.isEmpty else { return [error(connection, "60017", "Message parsing error: args is empty")] }
        // The request is taken whole or refused whole, at its first bad argument.
        var added: [RoxomChannel] = []
        for channel in channels {
            if let refusal = check(channel, session: session) { return [refusal] }
            if !session.subscriptions.contains(channel), !added.contains(channel) { added.append(channel) }
        }
        guard session.subscriptions.count + added.count <= configuration.maxSubscriptions else {
            return [error(connection, "60016", "Subscription limit exceeded: at most \(configuration.maxSubscriptions) active subscriptions")]
        }
        session.subscriptions += added
        sessions[connection] = session
        var actions = [send(connection, ack("subscribe", channels, connID: session.connID))]
        for channel in added { actions += initialState(channel, connection: connection) }
        return actions
    }

    mutating func unsubscribe(_ channels: [RoxomChannel], connection: ConnectionID) -> [SimulatorAction] {
        guard var session = sessions[connection] else { return [] }
        guard !channels.isEmpty else { return [error(connection, "60017", "Message parsing error: args is empty")] }
        for channel in channels {
            if let refusal = check(channel, session: session) { return [refusal] }
        }
        session.subscriptions.removeAll { channels.contains($0) }
        sessions[connection] = session
        return [send(connection, ack("unsubscribe", channels, connID: session.connID))]
    }

    /// The documented error for a channel this connection cannot have, or nil.
    private func check(_ channel: RoxomChannel, session: RoxomSession) -> SimulatorAction? {
        if Self.privateChannels.contains(channel.name) {
            guard session.key != nil else { return error(session.connection, "600010", "Authentication failed: \(channel.name) needs API key headers") }
            guard channel.symbol == nil else { return error(session.connection, "60015", "Invalid symbol: \(channel.name) takes no symbol") }
            return nil
        }
        guard Self.publicChannels.contains(channel.name) else {
            return error(session.connection, "60014", "Invalid channel name: \(channel.name)")
        }
        guard let symbol = channel.symbol else { return error(session.connection, "60015", "Invalid symbol: \(channel.name) needs a symbol") }
        guard symbol == configuration.symbol else { return error(session.connection, "60015", "Invalid symbol: \(symbol)") }
        return nil
    }

    /// `{"event":"subscribe","args":[…],"connId":…}`: one ack per request, echoing its arguments.
    private func ack(_ event: String, _ channels: [RoxomChannel], connID: String) -> JSONOutput {
        .object([("event", .string(event)), ("args", RoxomCommand.subscribe(channels).json.member("args")), ("connId", .string(connID))])
    }

    /// What a new subscription starts with: the book, the top of book, or the account's state.
    private mutating func initialState(_ channel: RoxomChannel, connection: ConnectionID) -> [SimulatorAction] {
        switch channel.name {
        case "depth": return [.send(connection, .text, depthSnapshot())]
        case "level1": return [.send(connection, .text, level1())]
        case "orders", "balance", "positions":
            guard let key = sessions[connection]?.key, let trader = traderByKey[key] else { return [] }
            switch channel.name {
            case "orders": return traders[trader].orders.map { send(connection, orderPush(trader, $0, status: $0.executed > 0 ? "partiallyfilled" : "new")) }
            case "balance": return [send(connection, balancePush(trader, before: balance(of: trader), updateType: "snapshot"))]
            default: return [send(connection, positionPush(trader))]
            }
        default: return []
        }
    }
}

extension JSONOutput {
    /// The value of an object's member (`.null` when absent or not an object).
    func member(_ name: String) -> JSONOutput {
        guard case .object(let members) = self else { return .null }
        return members.first { $0.0 == name }?.1 ?? .null
    }
}
