import TapeCore
import Venues

/// One Digitex connection as the venue sees it: authentication, the request rate limit, public
/// subscriptions and liveness. Trading requests that pass these gates are handed to the
/// simulator (`Outcome.execute`), which runs them against the shared exchange.
public struct DigitexSession: Sendable {
    public enum State: Hashable, Sendable {
        /// Connected; public feeds only.
        case connected
        /// Authenticated with this token.
        case authenticated(token: String)
    }

    /// What the session decided about one inbound frame.
    public enum Outcome: Hashable, Sendable {
        /// Answer directly (pong, errors, subscription acks); nothing reaches the exchange.
        case reply([SimulatorAction])
        /// An `auth` request that passed the gates: the simulator checks the token.
        case authenticate(id: Int64, token: String)
        /// A trading request of an authenticated session that passed the gates.
        case execute(id: Int64, DigitexCommand)
    }

    public let connection: ConnectionID
    public private(set) var state = State.connected
    /// Public channels subscribed to (`BTCUSD-PERP@orderbook_5`, …), in subscription order.
    public private(set) var subscriptions: [String] = []
    /// The subscriptions parsed, for publishing without string work.
    private(set) var feed = DigitexFeed()
    public private(set) var lastReceived: Timestamp
    /// Accepted requests in the current rate window.
    private var window: [Timestamp] = []
    private let configuration: DigitexSimulator.Configuration
    private var scanner = JSONScanner()

    init(connection: ConnectionID, configuration: DigitexSimulator.Configuration, at now: Timestamp) {
        self.connection = connection
        self.configuration = configuration
        self.lastReceived = now
    }

    var token: String? {
        if case .authenticated(let token) = state { return token }
        return nil
    }

    mutating func authenticated(token: String) {
        state = .authenticated(token: token)
    }

    /// The idle timer fired: close if nothing arrived for the idle timeout, else look again later.
    mutating func idleTimerFired(at now: Timestamp) -> [SimulatorAction] {
        let due = lastReceived + configuration.idleTimeout
        if now < due { return [.scheduleTimer(SimulatorTimer(connection, .idle), at: due)] }
        return [.close(connection, CloseInfo(code: 1001, reason: "idle for \(configuration.idleTimeout.seconds) s"))]
    }

    mutating func receivedFrame(_ kind: FrameKind, _ payload: [UInt8], at now: Timestamp) -> Outcome {
        lastReceived = now
        switch kind {
        case .text:
            break
        case .binary:
            return .reply([general(3001, "binary messages are not supported: send JSON text")])
        case .ping, .pong, .close, .opened, .closed, .lost, .error, .annotation:
            // WebSocket control frames are answered by the socket layer.
            return .reply([])
        }
        if payload.elementsEqual("ping".utf8) { return .reply([.send(connection, .text, Array("pong".utf8))]) }
        if payload.elementsEqual("pong".utf8) { return .reply([]) }
        let request: (id: Int64, command: DigitexCommand)
        switch DigitexCommand.decode(payload) {
        case .success(let decoded):
            request = decoded
        case .failure(let failure):
            return .reply([badRequest(payload, failure)])
        }
        // Rate limit: at most `requestsPerSecond` accepted requests in any one-second window.
        let windowStart = Timestamp(nanoseconds: now.nanoseconds - 1_000_000_000)
        window.removeAll { $0 <= windowStart }
        guard window.count < configuration.requestsPerSecond else {
            return .reply([error(request.id, 35, "Rate limit exceeded")])
        }
        window.append(now)
        let command = request.command
        switch command {
        case .subscribe(let channels):
            for channel in channels {
                guard let (symbol, name) = split(channel), symbol == configuration.symbol else {
                    return .reply([error(request.id, 3003, "contract not found")])
                }
                guard DigitexPublicChannel(name) != nil else { return .reply([error(request.id, 3001, "unknown channel \(name)")]) }
            }
            for channel in channels where !subscriptions.contains(channel) { subscriptions.append(channel) }
            feed = DigitexFeed(subscriptions)
            return .reply([ok(request.id)])
        case .unsubscribe(let channels):
            for channel in channels {
                guard let (symbol, _) = split(channel), symbol == configuration.symbol else {
                    return .reply([error(request.id, 501, "unknown contract")])
                }
            }
            subscriptions.removeAll { channels.contains($0) }
            feed = DigitexFeed(subscriptions)
            return .reply([ok(request.id)])
        case .listSubscriptions:
            let json = JSONOutput.object([
                ("id", .int(request.id)), ("status", .string("ok")), ("result", .array(subscriptions.map { .string($0) })),
            ])
            return .reply([.send(connection, .text, json.bytes)])
        case .authenticate(let token):
            if case .authenticated = state { return .reply([error(request.id, 3014, "already authorized")]) }
            return .authenticate(id: request.id, token: token)
        case .placeOrder, .cancelOrder, .cancelAllOrders, .placeConditionalOrder, .cancelConditionalOrder, .closeContract,
             .closePosition, .getTraderStatus, .changeLeverageAll:
            guard case .authenticated = state else { return .reply([error(request.id, 3013, "not authorized: send auth first")]) }
            return .execute(id: request.id, command)
        }
    }

    /// `{"id":N,"status":"ok"}`.
    func ok(_ id: Int64) -> SimulatorAction {
        .send(connection, .text, JSONOutput.object([("id", .int(id)), ("status", .string("ok"))]).bytes)
    }

    /// `{"id":N,"status":"error","code":C,"msg":…}`.
    func error(_ id: Int64, _ code: Int64, _ message: String) -> SimulatorAction {
        .send(connection, .text, JSONOutput.object([
            ("id", .int(id)), ("status", .string("error")), ("code", .int(code)), ("msg", .string(message)),
        ]).bytes)
    }

    /// `{"ch":"error","data":{"code":C,"msg":…}}`: an error that answers no request.
    func general(_ code: Int64, _ message: String) -> SimulatorAction {
        .send(connection, .text, JSONOutput.object([
            ("ch", .string("error")), ("data", .object([("code", .int(code)), ("msg", .string(message))])),
        ]).bytes)
    }

    /// A request we could not read: answered by id when the id is readable, else as a general error.
    private mutating func badRequest(_ payload: [UInt8], _ failure: UnrecognisedFrame) -> SimulatorAction {
        let reason: String
        let code: Int64
        switch failure.reason {
        case .unknownMessage(let what):
            code = 3011
            reason = "not implemented: \(what ?? "unknown message")"
        default:
            code = 3001
            reason = "bad request: \(failure.reason)"
        }
        var id: Int64?
        if let document = try? scanner.scan(payload) {
            id = document.withRoot { root in root.isObject ? root["id"]?.int64 : nil }
            scanner.recycle(document)
        }
        guard let id else { return general(code, reason) }
        return error(id, code, reason)
    }

    private func split(_ channel: String) -> (String, String)? {
        guard let at = channel.firstIndex(of: "@") else { return nil }
        return (String(channel[..<at]), String(channel[channel.index(after: at)...]))
    }
}

/// The public channels the simulator publishes.
enum DigitexPublicChannel: Hashable, Sendable {
    case orderbook(depth: Int)
    case trades, ticker, index, fundingInfo, liquidations

    init?(_ name: String) {
        switch name {
        case "trades": self = .trades
        case "ticker": self = .ticker
        case "index": self = .index
        case "fundingInfo": self = .fundingInfo
        case "liquidations": self = .liquidations
        default:
            guard name.hasPrefix("orderbook_"), let depth = Int(name.dropFirst("orderbook_".count)), depth > 0, depth <= 25 else {
                return nil
            }
            self = .orderbook(depth: depth)
        }
    }
}

/// Which public channels one session receives.
struct DigitexFeed: Hashable, Sendable {
    var bookDepths: [Int] = []
    var trades = false
    var ticker = false
    var index = false
    var fundingInfo = false
    var liquidations = false

    init() {}

    init(_ subscriptions: [String]) {
        for subscription in subscriptions {
            guard let at = subscription.firstIndex(of: "@"),
                  let channel = DigitexPublicChannel(String(subscription[subscription.index(after: at)...])) else { continue }
            switch channel {
            case .orderbook(let depth): if !bookDepths.contains(depth) { bookDepths.append(depth) }
            case .trades: trades = true
            case .ticker: ticker = true
            case .index: index = true
            case .fundingInfo: fundingInfo = true
            case .liquidations: liquidations = true
            }
        }
    }

    var isEmpty: Bool { bookDepths.isEmpty && !trades && !ticker && !index && !fundingInfo && !liquidations }
}
