import Exchange
@testable import Simulators
import TapeCore
import Venues

/// `NotionalClient`s connected to a `NotionalSimulator` without sockets (as `QFEXHarness`).
struct NotionalHarness: ClientSimulatorHarness {
    var simulator: NotionalSimulator
    var clients: [ConnectionID: NotionalClient] = [:]
    var events: [ConnectionID: [VenueEvent]] = [:]
    var received: [ConnectionID: [String]] = [:]
    var closed: [ConnectionID: CloseInfo] = [:]
    var timers: [SimulatorTimer: Timestamp] = [:]
    var now = Timestamp.seconds(1)
    /// When `advanceKeepingAlive` last pinged.
    var pingedAt = Timestamp.seconds(1)

    init(seed: UInt64 = 7, configuration: NotionalSimulator.Configuration = NotionalSimulator.Configuration()) {
        simulator = NotionalSimulator(seed: seed, configuration: configuration)
    }

    /// Connects a client for `user`; it subscribes to `channels` at once (its `drivesConnection`).
    mutating func connect(_ connection: ConnectionID, user: String, channels: [String] = ["accountSummary"]) {
        clients[connection] = NotionalClient(configuration: NotionalClient.Configuration(user: user, coins: ["BTC"], channels: channels))
        apply(simulator.connected(connection, target: "/ws", headers: [], at: now))
        deliver(clients[connection]!.connected(at: now), from: connection)
    }

    /// Connects without a client: raw frames only.
    mutating func connectRaw(_ connection: ConnectionID) {
        apply(simulator.connected(connection, target: "/ws", headers: [], at: now))
    }

    mutating func submit(_ command: NotionalCommand, on connection: ConnectionID) {
        deliver(clients[connection]!.submit(command, at: now), from: connection)
    }

    /// `advance(to:)` with every open connection pinging every 30 s, as live clients do, so that
    /// the 60 s idle timeout does not close them.
    mutating func advanceKeepingAlive(to time: Timestamp) {
        while pingedAt + .seconds(30) < time {
            pingedAt = pingedAt + .seconds(30)
            advance(to: max(now, pingedAt))
            let open = Set(Array(clients.keys) + Array(received.keys)).filter { closed[$0] == nil }.sorted()
            for connection in open {
                if clients[connection] != nil { submit(.ping, on: connection) } else { sendRaw(#"{"method":"ping"}"#, on: connection) }
            }
        }
        advance(to: time)
    }

    /// A frame from the simulator: see `ClientSimulatorHarness.apply` for closes and timers.
    mutating func receive(_ kind: FrameKind, _ bytes: [UInt8], on connection: ConnectionID) {
        guard closed[connection] == nil else { return }
        received[connection, default: []].append(String(decoding: bytes, as: UTF8.self))
        if kind == .text { handToClient(bytes, on: connection) }
    }

    func frames(_ connection: ConnectionID, channel: String) -> [String] {
        (received[connection] ?? []).filter { $0.hasPrefix(#"{"channel":"\#(channel)""#) }
    }

    /// Where the client's account and the exchange's disagree: balance (total and available),
    /// position (size, side, entry, leverage) and the simulator's view of open orders.
    func disagreements(_ connection: ConnectionID, user: String) -> [String] {
        guard let client = clients[connection], let account = simulator.account(user: user),
              let money = simulator.market.exchange.account(account),
              let position = simulator.market.exchange.position(of: account) else { return ["no account for \(user)"] }
        var problems: [String] = []
        let state = client.account
        let balance = FixedDecimal(mantissa: money.balance.minor, scale: 8)
        if state.balances.first?.total != balance { problems.append("balance: client \(String(describing: state.balances.first?.total)), exchange \(balance)") }
        let available = FixedDecimal(mantissa: money.available.minor, scale: 8)
        if state.balances.first?.available != available { problems.append("available: client \(String(describing: state.balances.first?.available)), exchange \(available)") }
        let clientPosition = state.positions.first
        let size = clientPosition.map { ($0.side == .short ? -1 : 1) * ($0.size.mantissa(atScale: 3) ?? 0) } ?? 0
        if size != position.quantity { problems.append("position: client \(size), exchange \(position.quantity)") }
        if position.quantity != 0 {
            let entry = FixedDecimal(mantissa: position.averageEntryPrice.units, scale: 2)
            if clientPosition?.entryPrice != entry { problems.append("entry: client \(String(describing: clientPosition?.entryPrice)), exchange \(entry)") }
            if clientPosition?.leverage != FixedDecimal(position.leverage) { problems.append("leverage") }
        }
        let open = simulator.market.exchange.openOrders(of: account).map(\.id.rawValue).sorted()
        if open != simulator.openOrderIDs(user: user).sorted() { problems.append("open orders: simulator \(simulator.openOrderIDs(user: user)), exchange \(open)") }
        return problems + client.invariantViolations()
    }

    /// The oids that the `orderUpdates` stream of a connection leaves open.
    func openFromUpdates(_ connection: ConnectionID) -> [UInt64] {
        var open: [UInt64] = []
        var scanner = JSONScanner()
        for frame in frames(connection, channel: "orderUpdates") {
            guard let document = try? scanner.scan(Array(frame.utf8)) else { continue }
            document.withRoot { root in
                for update in root["data"]?.elements ?? [] {
                    guard let oid = update["order"]?["oid"]?.int64, let status = update["status"]?.string else { continue }
                    open.removeAll { $0 == UInt64(oid) }
                    if status == "open" { open.append(UInt64(oid)) }
                }
            }
        }
        return open.sorted()
    }

    func unexpected(_ connection: ConnectionID) -> [VenueEvent] {
        (events[connection] ?? []).filter {
            switch $0 {
            case .anomaly, .unrecognised, .commandRejected, .commandUnanswered, .venueError: true
            default: false
            }
        }
    }
}
