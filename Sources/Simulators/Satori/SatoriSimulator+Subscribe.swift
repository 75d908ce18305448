import Exchange
import TapeCore
import Venues

/// Signed `SUBSCRIBE` requests: reading, checking and answering them.
extension SatoriSimulator {
    /// What can be read of a request that may be malformed, to address the answer.
    private struct Peek {
        var method: String?
        var event: String?
        var echo: (name: String, value: String)?
        var period: String?
    }

    mutating func request(_ payload: [UInt8], connection: ConnectionID, at now: Timestamp) -> [SimulatorAction] {
        guard var session = sessions[connection] else { return [] }
        // Every message counts against the rate limit, readable or not.
        let admitted = session.admit(at: now, limit: configuration.requestsPerSecond)
        sessions[connection] = session
        let tooMany = "too many requests: at most \(configuration.requestsPerSecond) per second; slow down"
        var scanner = JSONScanner()
        let peek: Peek?
        do {
            let document = try scanner.scan(payload)
            peek = document.withRoot { root -> Peek? in
                guard root.isObject else { return nil }
                var peek = Peek(method: root["method"]?.string, event: root["event"]?.string, period: root["period"]?.string)
                if let pair = root["pair"]?.string { peek.echo = ("pair", pair) } else if let symbol = root["symbol"]?.string { peek.echo = ("symbol", symbol) }
                return peek
            }
        } catch {
            return [send(connection, errorEnvelope(admitted ? "bad request: \(error.description); send one JSON object per message" : tooMany))]
        }
        guard let peek else {
            return [send(connection, errorEnvelope(admitted ? "bad request: not a JSON object; send {\"method\":\"SUBSCRIBE\",…}" : tooMany))]
        }
        let event = peek.event ?? "error"
        let method = peek.method ?? ""
        func refuse(_ message: String) -> [SimulatorAction] {
            [send(connection, answer(event: event, method: method, success: false, message: message, echo: peek.echo, period: peek.period))]
        }
        guard admitted else { return refuse(tooMany) }
        guard peek.method == "SUBSCRIBE" else { return refuse("unknown method \(peek.method ?? "(none)"): only SUBSCRIBE is served") }
        let subscription: SatoriSubscription
        switch SatoriSubscription.decode(payload) {
        case .success(let decoded): subscription = decoded
        case .failure(let failure): return refuse("subscribe failed: \(Self.why(failure)); see the subscription templates")
        }
        guard let kind = Event(rawValue: subscription.event) else {
            return refuse("subscribe failed: unknown event \(subscription.event): use api_position, api_entrust, api_account or api_trade")
        }
        let echo: (name: String, value: String)
        switch kind {
        case .position, .entrust, .trade:
            guard let pair = subscription.pair else { return refuse("subscribe failed: missing pair: send \"pair\":\"\(configuration.pair)\"") }
            guard pair == configuration.pair else { return refuse("subscribe failed: unknown pair \(pair): use \(configuration.pair)") }
            echo = ("pair", pair)
        case .account:
            // The worked example subscribes "USD" (the margin coin), the template "ETH": both are read as the USD account.
            guard let symbol = subscription.symbol else { return refuse("subscribe failed: missing symbol: send \"symbol\":\"USD\"") }
            guard symbol == "USD" || symbol == baseCoin else { return refuse("subscribe failed: unknown symbol \(symbol): use USD") }
            echo = ("symbol", symbol)
        }
        if let problem = authenticationProblem(subscription, at: now) { return refuse("subscribe failed: \(problem)") }
        guard traderByKey[subscription.apiKey] != nil || traders.count < configuration.maxAccounts else {
            return refuse("subscribe failed: too many accounts: this simulator holds at most \(configuration.maxAccounts); reuse an apiKey")
        }
        let entry = SatoriSession.Subscription(
            event: kind, key: subscription.apiKey, echoName: echo.name, echoValue: echo.value, period: kind == .trade ? subscription.period : nil)
        if !session.subscriptions.contains(entry) {
            guard session.subscriptions.count < configuration.maxSubscriptions else {
                return refuse("subscribe failed: at most \(configuration.maxSubscriptions) subscriptions per connection")
            }
            session.add(entry)
            sessions[connection] = session
        }
        let trader = trader(for: subscription.apiKey)
        var actions = [send(connection, answer(
            event: kind.rawValue, method: "SUBSCRIBE", success: true, message: "subscribe success: \(kind.rawValue)", echo: echo, period: entry.period))]
        actions += snapshot(kind, trader: trader, to: connection, subscription: entry)
        return actions
    }

    /// `{"event":"<event>_res","method":…,"msg":…,(pair|symbol),(period),"success":…}` (members sorted, as the venue writes them).
    func answer(event: String, method: String, success: Bool, message: String, echo: (name: String, value: String)?, period: String?) -> JSONOutput {
        var members: [(String, JSONOutput)] = [("event", .string(event + "_res")), ("method", .string(method)), ("msg", .string(message))]
        if let echo { members.append((echo.name, .string(echo.value))) }
        if let period { members.append(("period", .string(period))) }
        members.append(("success", .bool(success)))
        // The venue sorts members by name: "symbol" comes after "success".
        return .object(members.sorted { $0.0 < $1.0 })
    }

    var baseCoin: String { String(configuration.pair.prefix { $0 != "-" }) }

    /// Why the subscription's credentials are refused, or nil. Signatures are checked for shape
    /// only (0x + 65 bytes ending 1b/1c): there is no secp256k1 here.
    private func authenticationProblem(_ subscription: SatoriSubscription, at now: Timestamp) -> String? {
        switch subscription.signType {
        case .number(2), .string("2"): break
        case .number, .string: return "invalid signType: send 2"
        }
        let key = subscription.apiKey
        guard !key.isEmpty else { return "invalid apiKey: send the key of your API credentials" }
        if !configuration.credentials.isEmpty, !configuration.credentials.contains(where: { $0.key == key }) {
            return "invalid apiKey: the key is not known"
        }
        let signature = Array(subscription.signature.lowercased().utf8)
        let hex = signature.dropFirst(2).allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0) }
        let v = signature.suffix(2)
        guard signature.count == 132, signature.starts(with: "0x".utf8), hex, v.elementsEqual("1b".utf8) || v.elementsEqual("1c".utf8) else {
            return "invalid signature: sign the ms timestamp with secp256k1 and send 0x and 65 bytes in hex"
        }
        // In milliseconds, so that no timestamp a client sends can overflow the comparison.
        let serverMillis = (utcNanosAtZero + now.nanoseconds) / 1_000_000
        let windowMillis = configuration.timestampWindow.nanoseconds / 1_000_000
        let requested = subscription.timestampMillis
        guard requested >= serverMillis - windowMillis, requested <= serverMillis + windowMillis else {
            return "timestamp expired: sign the current UTC time in ms (within \(Int64(configuration.timestampWindow.seconds)) s of the server's)"
        }
        return nil
    }

    private static func why(_ failure: UnrecognisedFrame) -> String {
        switch failure.reason {
        case .notJSON(let error): "bad JSON: \(error.description)"
        case .unknownMessage(let name): "unknown request \(name ?? "(none)")"
        case .missingField(let field, _): "missing \(field)"
        case .badField(let field, _): "bad value for \(field)"
        case .unexpectedFrame(let kind): "unexpected \(kind) frame"
        }
    }

    /// The trader of an apiKey, opened with the deposit on its first accepted subscription.
    mutating func trader(for key: String) -> Int {
        if let index = traderByKey[key] { return index }
        var account = AccountID.insurance
        let deposit = configuration.deposit
        _ = market.apply { exchange, _ in
            account = exchange.openAccount(deposit: deposit)
            return []
        }
        var trader = SatoriTrader(key: key, account: account.rawValue)
        if let money = market.exchange.account(account) {
            trader.available = Self.micros(money.available)
            trader.frozen = Self.micros(money.orderMargin)
        }
        if let activity = configuration.accountActivity {
            trader.activity = AccountActivity(seed: Self.activitySeed(seed, index: traders.count), start: market.now, configuration: activity)
        }
        traders.append(trader)
        traderByKey[key] = traders.count - 1
        return traders.count - 1
    }

    /// A seed per account from the simulator's seed and the account's index (SplitMix64 mixing).
    static func activitySeed(_ seed: UInt64, index: Int) -> UInt64 {
        var z = seed &+ 0x9E37_79B9_7F4A_7C15 &* UInt64(index + 1)
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
