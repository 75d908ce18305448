import Exchange
@testable import Simulators
import TapeCore
import Venues

let satoriInstruments = [Instrument(symbol: "ETH-USD", tickSize: FixedDecimal("0.1"), lotSize: FixedDecimal("0.01"))]
/// 2024-09-09T08:00:00Z, near the docs' worked examples.
let satoriUTCAtZero: Int64 = 1_725_868_800 * 1_000_000_000

/// A well-formed (not verified) signature: 0x, 64 + 64 hex digits, v = 1b.
let satoriSignature = "0x" + String(repeating: "ab", count: 64) + "1b"

/// Signed subscriptions for every Satori event, timestamped at `time` of the simulator's clock.
func satoriSubscriptions(key: String, at time: Timestamp, events: [String] = ["api_account", "api_position", "api_entrust"]) -> [SatoriSubscription] {
    let millis = (satoriUTCAtZero + time.nanoseconds) / 1_000_000
    return events.map { event in
        SatoriSubscription(event: event, pair: event == "api_account" ? nil : "ETH-USD", symbol: event == "api_account" ? "USD" : nil,
                           period: event == "api_trade" ? "1MIN" : nil, apiKey: key, signature: satoriSignature, timestampMillis: millis)
    }
}

func satoriConfiguration(credentials: [SimulatorCredentials] = [], activity: AccountActivity.Configuration? = nil) -> SatoriSimulator.Configuration {
    var market = SatoriSimulator.Configuration().market
    market.utcNanosAtZero = satoriUTCAtZero
    return SatoriSimulator.Configuration(credentials: credentials, accountActivity: activity, market: market)
}

/// `SatoriClient`s connected to a `SatoriSimulator` without sockets (as `DigitexHarness`); order
/// entry goes through `act`, as tests do with `SimulatorServer.act`.
struct SatoriHarness: ClientSimulatorHarness {
    var simulator: SatoriSimulator
    var clients: [ConnectionID: SatoriClient] = [:]
    var events: [ConnectionID: [VenueEvent]] = [:]
    /// Every frame the simulator sent, per connection, as text (control frames as `<ping>`).
    var received: [ConnectionID: [String]] = [:]
    var closed: [ConnectionID: CloseInfo] = [:]
    var timers: [SimulatorTimer: Timestamp] = [:]
    /// Connections that answer WebSocket pings (as `LiveVenueConnection` does).
    var answersPings: [ConnectionID] = []
    var now = Timestamp.seconds(1)

    init(seed: UInt64 = 7, configuration: SatoriSimulator.Configuration = satoriConfiguration()) {
        simulator = SatoriSimulator(seed: seed, configuration: configuration)
    }

    mutating func connect(_ connection: ConnectionID, key: String?, events: [String] = ["api_account", "api_position", "api_entrust"]) {
        let subscriptions = key.map { satoriSubscriptions(key: $0, at: now, events: events) } ?? []
        clients[connection] = SatoriClient(configuration: SatoriClient.Configuration(instruments: satoriInstruments, subscriptions: subscriptions))
        answersPings.append(connection)
        apply(simulator.connected(connection, target: "/", headers: [], at: now))
        deliver(clients[connection]!.connected(at: now), from: connection)
    }

    /// Connects a socket without a client (a raw bot); it does not answer pings.
    mutating func connectRaw(_ connection: ConnectionID) {
        apply(simulator.connected(connection, target: "/", headers: [], at: now))
    }

    mutating func subscribe(_ subscription: SatoriSubscription, on connection: ConnectionID) {
        deliver(clients[connection]!.submit(subscription, at: now), from: connection)
    }

    /// A frame from the simulator: see `ClientSimulatorHarness.apply` for closes and timers.
    mutating func receive(_ kind: FrameKind, _ bytes: [UInt8], on connection: ConnectionID) {
        guard closed[connection] == nil else { return }
        if kind == .ping {
            received[connection, default: []].append("<ping>")
            if answersPings.contains(connection) { apply(simulator.receivedFrame(connection, .pong, bytes, at: now)) }
            return
        }
        received[connection, default: []].append(kind == .pong ? "<pong>" : String(decoding: bytes, as: UTF8.self))
        if kind == .text { handToClient(bytes, on: connection) }
    }

    /// The client hears its connection end (its pending subscriptions go unanswered).
    mutating func connectionClosed(_ connection: ConnectionID) {
        guard var client = clients[connection] else { return }
        events[connection, default: []] += client.disconnected(at: now).compactMap { if case .emit(let event) = $0 { event } else { nil } }
        clients[connection] = client
    }

    /// Where the client's account differs from what the exchange holds for the key.
    func disagreements(_ connection: ConnectionID, key: String) -> [String] {
        guard let client = clients[connection] else { return ["no client on \(connection)"] }
        return satoriDisagreements(client.account, simulator: simulator, key: key) + client.invariantViolations()
    }
}

/// Where a Satori client's account state differs from the simulator's exchange: balance (to the
/// venue's 10⁻⁶ USD), position size, side and entry, open orders (remaining and price).
func satoriDisagreements(_ state: AccountState, simulator: SatoriSimulator, key: String) -> [String] {
    guard let account = simulator.account(key: key), let money = simulator.market.exchange.account(account) else { return ["no account for \(key)"] }
    var problems: [String] = []
    let available = SatoriSimulator.reported(money.available)
    let frozen = SatoriSimulator.reported(money.orderMargin)
    let balance = state.balances.first { $0.asset == "USD" }
    if balance?.available != available || balance?.orderMargin != frozen {
        problems.append("balance: client \(String(describing: balance)), exchange available \(available) frozen \(frozen)")
    }
    let position = simulator.market.exchange.position(of: account)
    let lots = position?.quantity ?? 0
    let held = state.positions.first { $0.symbol == "ETH-USD" }
    let clientLots = held.map { ($0.side == .short ? -1 : ($0.side == .flat ? 0 : 1)) * ($0.size.mantissa(truncatedToScale: 2) ?? -999) } ?? 0
    if clientLots != lots { problems.append("position: client \(clientLots) lots, exchange \(lots)") }
    if lots != 0, let position, held?.entryPrice != SatoriSimulator.openingPrice(position) {
        problems.append("entry: client \(String(describing: held?.entryPrice)), exchange \(SatoriSimulator.openingPrice(position))")
    }
    let open = simulator.market.exchange.openOrders(of: account).map { "\($0.remaining.lots)@\($0.price?.units ?? 0)" }.sorted()
    let clientOpen = state.openOrders.map { "\($0.quantity.mantissa(truncatedToScale: 2) ?? -1)@\($0.price?.mantissa(truncatedToScale: 3) ?? 0)" }.sorted()
    if open != clientOpen { problems.append("open orders: client \(clientOpen), exchange \(open)") }
    return problems
}
