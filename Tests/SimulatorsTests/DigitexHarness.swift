import Exchange
import Simulators
import TapeCore
import Venues

/// Connects `DigitexClient`s to a `DigitexSimulator` without sockets: every frame one side sends
/// is handed to the other at the same simulated time, until nothing is left to deliver.
struct DigitexHarness: ClientSimulatorHarness {
    var simulator: DigitexSimulator
    var clients: [ConnectionID: DigitexClient] = [:]
    var events: [ConnectionID: [VenueEvent]] = [:]
    /// Frames the simulator sent, per connection, as text.
    var received: [ConnectionID: [String]] = [:]
    var closed: [ConnectionID: CloseInfo] = [:]
    /// Stays empty: see `apply`.
    var timers: [SimulatorTimer: Timestamp] = [:]
    var now = Timestamp.seconds(1)

    init(seed: UInt64 = 7, configuration: DigitexSimulator.Configuration = DigitexSimulator.Configuration()) {
        simulator = DigitexSimulator(seed: seed, configuration: configuration)
    }

    mutating func connect(_ connection: ConnectionID, token: String?) {
        clients[connection] = DigitexClient(configuration: DigitexClient.Configuration(token: token))
        apply(simulator.connected(connection, target: "/", headers: [], at: now))
        deliver(clients[connection]!.connected(at: now), from: connection)
    }

    mutating func submit(_ command: DigitexCommand, on connection: ConnectionID) {
        deliver(clients[connection]!.submit(command, at: now), from: connection)
    }

    mutating func receive(_ kind: FrameKind, _ bytes: [UInt8], on connection: ConnectionID) {
        received[connection, default: []].append(String(decoding: bytes, as: UTF8.self))
        if kind == .text { handToClient(bytes, on: connection) }
    }

    /// Its own: this harness has always run the Digitex simulator without its timers, and without
    /// telling it of closed connections.
    mutating func apply(_ actions: [SimulatorAction]) {
        for action in actions {
            switch action {
            case .send(let connection, let kind, let bytes):
                receive(kind, bytes, on: connection)
            case .close(let connection, let info):
                closed[connection] = info
            case .scheduleTimer, .cancelTimer:
                continue
            }
        }
    }

    /// Differences between a client's view and the simulator's exchange (empty when they agree).
    func disagreements(_ connection: ConnectionID, token: String) -> [String] {
        guard let client = clients[connection], let account = simulator.account(token: token),
              let money = simulator.market.exchange.account(account),
              let position = simulator.market.exchange.position(of: account) else { return ["no account for \(token)"] }
        var problems: [String] = []
        let state = client.account
        let balance = FixedDecimal(mantissa: money.balance.minor, scale: 8)
        if state.balances.first?.total != balance {
            problems.append("balance: client \(String(describing: state.balances.first?.total)), exchange \(balance)")
        }
        let size = state.positions.first.map { $0.side == .short ? -$0.size.mantissa(atScale: 0)! : $0.size.mantissa(atScale: 0)! } ?? 0
        if size != position.quantity { problems.append("position: client \(size), exchange \(position.quantity)") }
        let open = simulator.market.exchange.openOrders(of: account).map { "\($0.remaining.lots)" }.sorted()
        let clientOpen = state.openOrders.map { "\($0.quantity.mantissa(atScale: 0)!)" }.sorted()
        if open != clientOpen { problems.append("open orders: client \(clientOpen), exchange \(open)") }
        problems += client.invariantViolations()
        return problems
    }
}
