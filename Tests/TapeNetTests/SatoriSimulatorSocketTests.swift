import Exchange
import Foundation
import NIOCore
import NIOPosix
import Simulators
import TapeCore
import TapeNet
import Testing
import Venues

private let ethUSD = [Instrument(symbol: "ETH-USD", tickSize: FixedDecimal("0.1"), lotSize: FixedDecimal("0.01"))]

/// Signed subscriptions as a bot makes them: the current UTC time in ms and a well-formed signature.
private func signedSubscriptions(key: String, events: [String] = ["api_account", "api_position", "api_entrust"]) -> [SatoriSubscription] {
    let millis = Int64(Date().timeIntervalSince1970 * 1_000)
    let signature = "0x" + String(repeating: "c2", count: 64) + "1b"
    return events.map { event in
        SatoriSubscription(event: event, pair: event == "api_account" ? nil : "ETH-USD", symbol: event == "api_account" ? "USD" : nil,
                           apiKey: key, signature: signature, timestampMillis: millis)
    }
}

/// A Satori simulator whose UTC clock starts now (subscriptions are timestamped with the wall clock).
private func startSatori(credentials: [SimulatorCredentials], tls: ServerTLS? = nil, group: EventLoopGroup) throws -> SimulatorServer<SatoriSimulator> {
    var market = SatoriSimulator.Configuration().market
    market.utcNanosAtZero = Int64(Date().timeIntervalSince1970 * 1_000_000_000)
    let configuration = SatoriSimulator.Configuration(credentials: credentials, market: market)
    return try SimulatorServer.start(dialect: SatoriSimulator(seed: 5, configuration: configuration), tls: tls, group: group)
}

/// The account as the simulator's exchange holds it, in the client's terms.
private struct SatoriTruth: Sendable, Equatable {
    var available: FixedDecimal
    var frozen: FixedDecimal
    var lots: Int64
    var entry: FixedDecimal?
    var orders: [String]
}

private func truth(_ server: SimulatorServer<SatoriSimulator>, key: String) throws -> SatoriTruth? {
    try server.inspect { simulator -> SatoriTruth? in
        guard let account = simulator.account(key: key), let money = simulator.market.exchange.account(account) else { return nil }
        let position = simulator.market.exchange.position(of: account)
        let lots = position?.quantity ?? 0
        return SatoriTruth(
            available: SatoriSimulator.reported(money.available), frozen: SatoriSimulator.reported(money.orderMargin), lots: lots,
            entry: lots == 0 ? nil : position.map { SatoriSimulator.openingPrice($0) },
            orders: simulator.market.exchange.openOrders(of: account).map { "\($0.remaining.lots)@\($0.price?.units ?? 0)" }.sorted())
    }.wait()
}

private func view(_ state: AccountState) -> SatoriTruth? {
    guard let balance = state.balances.first(where: { $0.asset == "USD" }), let available = balance.available else { return nil }
    let position = state.positions.first { $0.symbol == "ETH-USD" && $0.side != .flat }
    let lots = position.map { ($0.side == .short ? -1 : 1) * ($0.size.mantissa(truncatedToScale: 2) ?? 0) } ?? 0
    return SatoriTruth(
        available: available, frozen: balance.orderMargin ?? .zero, lots: lots, entry: position?.entryPrice,
        orders: state.openOrders.map { "\($0.quantity.mantissa(truncatedToScale: 2) ?? -1)@\($0.price?.mantissa(truncatedToScale: 3) ?? 0)" }.sorted())
}

/// The latest balance and position the client was told about, to wait until it caught up.
private func caughtUp(_ events: [VenueEvent], with truth: SatoriTruth) -> Bool {
    let balance = events.last { if case .balanceUpdated = $0 { true } else { false } }
    let position = events.last { if case .positionUpdated = $0 { true } else { false } }
    guard case .balanceUpdated(let money) = balance, money.available == truth.available, money.orderMargin == truth.frozen else { return false }
    guard truth.lots != 0 || position != nil else { return true }
    guard case .positionUpdated(let held) = position else { return false }
    let lots = (held.side == .short ? -1 : (held.side == .flat ? 0 : 1)) * (held.size.mantissa(truncatedToScale: 2) ?? 0)
    return lots == truth.lots
}

private func filled(_ events: [VenueEvent], order clientID: String) -> Bool {
    events.contains { if case .orderFilled(let fill) = $0 { fill.clientOrderID == clientID } else { false } }
}

@Suite("Satori simulator over real sockets", .serialized)
struct SatoriSimulatorSocketTests {
    @Test("a SatoriClient subscribes, trades through order entry and ends with the exchange's account; bad keys and a flooding bot change nothing for it")
    func endToEnd() throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        defer { try? group.syncShutdownGracefully() }
        let server = try startSatori(credentials: [SimulatorCredentials(key: "KEY", secret: "SECRET")], group: group)
        defer { server.close() }
        let url = try #require(WebSocketURL(server.url))

        let log = VenueEventLog()
        let client = SatoriClient(configuration: .init(instruments: ethUSD, subscriptions: signedSubscriptions(key: "KEY")))
        let live = try LiveVenueConnection.connect(to: url, client: client, group: group, onEvent: log.add).wait()
        #expect(log.wait { events in (1...3).allSatisfy { events.contains(.commandAccepted(.number($0))) } })
        #expect(log.wait { events in events.contains { if case .balanceUpdated = $0 { true } else { false } } })

        try server.act { $0.placeOrder(key: "KEY", side: .buy, quantity: FixedDecimal("0.08")!, clientOrderID: "s1", at: $1) }.wait()
        #expect(log.wait { filled($0, order: "s1") })
        try server.act { $0.placeOrder(key: "KEY", side: .buy, quantity: FixedDecimal("0.02")!, price: FixedDecimal(2000), clientOrderID: "s2", at: $1) }.wait()
        #expect(log.wait { events in events.contains { if case .orderUpdated(let order) = $0 { order.clientOrderID == "s2" && order.status == .accepted } else { false } } })
        try server.act { $0.placeOrder(key: "KEY", side: .sell, quantity: FixedDecimal("0.03")!, isClose: true, clientOrderID: "s3", at: $1) }.wait()
        #expect(log.wait { filled($0, order: "s3") })

        // Bad credentials are refused with a success:false answer; the socket stays open.
        let badLog = VenueEventLog()
        let stranger = SatoriClient(configuration: .init(instruments: ethUSD, subscriptions: signedSubscriptions(key: "MALLORY", events: ["api_position"])))
        let bad = try LiveVenueConnection.connect(to: url, client: stranger, group: group, onEvent: badLog.add).wait()
        #expect(badLog.wait { events in
            events.contains { if case .commandRejected(_, let error) = $0 { error.message?.contains("invalid apiKey") == true } else { false } }
        })
        bad.close()

        // A raw bot sends garbage, floods, then an oversize message that closes only its own socket.
        let botLog = EventLog()
        let bot = try WebSocketClient.connect(to: url, group: group, onEvent: botLog.add).wait()
        func botSaw(_ text: String) -> Bool {
            botLog.wait { events in events.contains { if case .received(_, let bytes) = $0 { String(decoding: bytes, as: UTF8.self).contains(text) } else { false } } }
        }
        bot.send(.text, Array("{garbage".utf8))
        #expect(botSaw(#"{"event":"error","msg":"bad request: "#))
        let subscribe = signedSubscriptions(key: "KEY", events: ["api_entrust"])[0].json.bytes
        for _ in 0..<40 { bot.send(.text, subscribe) }
        #expect(botSaw("too many requests"))
        bot.send(.text, [UInt8](repeating: UInt8(ascii: " "), count: 2 << 20))
        #expect(botLog.waitForEnd())

        // The client keeps trading; with nothing resting, its view must match the exchange.
        try server.act { $0.placeOrder(key: "KEY", side: .sell, quantity: FixedDecimal("0.12")!, clientOrderID: "s4", at: $1) }.wait()
        #expect(log.wait { filled($0, order: "s4") })
        try server.act { $0.cancelAllOrders(key: "KEY", at: $1) }.wait()
        let expected = try #require(try truth(server, key: "KEY"))
        #expect(expected.lots == -7)
        #expect(expected.orders.isEmpty)
        #expect(log.wait { caughtUp($0, with: expected) })
        let seen = view(try live.inspect { $0.account }.wait())
        #expect(seen == expected)
        let unexpected = log.all.filter { if case .anomaly = $0 { true } else if case .unrecognised = $0 { true } else { false } }
        #expect(unexpected.isEmpty, "\(unexpected.prefix(2))")
        live.close()
        try live.closed.wait()
    }

    @Test("over wss:// with a self-signed certificate a SatoriClient subscribes, trades and agrees with the exchange")
    func secure() throws {
        let certificate = try TestCertificate()
        defer { certificate.remove() }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        let server = try startSatori(
            credentials: [], tls: ServerTLS(certificateFile: certificate.certificate, privateKeyFile: certificate.key), group: group)
        defer { server.close() }
        #expect(server.url.hasPrefix("wss://"))
        let log = VenueEventLog()
        let client = SatoriClient(configuration: .init(instruments: ethUSD, subscriptions: signedSubscriptions(key: "anyone")))
        let live = try LiveVenueConnection.connect(
            to: try #require(WebSocketURL(server.url)), client: client, tls: ClientTLS(caFile: certificate.certificate), group: group,
            onEvent: log.add
        ).wait()
        #expect(log.wait { events in (1...3).allSatisfy { events.contains(.commandAccepted(.number($0))) } })
        try server.act { $0.placeOrder(key: "anyone", side: .sell, quantity: FixedDecimal("0.05")!, clientOrderID: "w1", at: $1) }.wait()
        #expect(log.wait { filled($0, order: "w1") })
        let expected = try #require(try truth(server, key: "anyone"))
        #expect(expected.lots == -5)
        #expect(log.wait { caughtUp($0, with: expected) })
        #expect(view(try live.inspect { $0.account }.wait()) == expected)
        live.close()
    }
}
