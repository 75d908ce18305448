import Exchange
import Foundation
import NIOCore
import NIOPosix
import Simulators
import TapeCore
@testable import TapeNet
import Testing
import Venues

/// Collects a live client's events and lets a test wait for a condition on them.
final class VenueEventLog: @unchecked Sendable {
    private let condition = NSCondition()
    private var events: [VenueEvent] = []

    func add(_ event: VenueEvent) {
        condition.withLock {
            events.append(event)
            condition.broadcast()
        }
    }

    var all: [VenueEvent] { condition.withLock { events } }

    /// Waits until `predicate` holds for the events so far; false after 30 s.
    @discardableResult
    func wait(until predicate: ([VenueEvent]) -> Bool) -> Bool {
        condition.withLock {
            let deadline = Date(timeIntervalSinceNow: 30)
            while !predicate(events) {
                if !condition.wait(until: deadline) { return false }
            }
            return true
        }
    }
}

private func accepted(_ id: Int64) -> ([VenueEvent]) -> Bool {
    { $0.contains { $0 == .commandAccepted(.number(id)) } }
}

/// The client's view and the simulator's exchange agree on balance, position and open orders.
private func agreement(
    _ live: LiveVenueConnection<DigitexClient>, _ server: SimulatorServer<DigitexSimulator>, token: String
) throws -> [String] {
    let client = try live.inspect { $0.account }.wait()
    let truth = try server.inspect { simulator -> (Int64, Int64, [Int64])? in
        guard let account = simulator.account(token: token), let money = simulator.market.exchange.account(account),
              let position = simulator.market.exchange.position(of: account) else { return nil }
        return (money.balance.minor, position.quantity, simulator.market.exchange.openOrders(of: account).map(\.remaining.lots).sorted())
    }.wait()
    guard let truth else { return ["no account for \(token)"] }
    var problems: [String] = []
    let balance = client.balances.first?.total.mantissa(atScale: 8)
    if balance != truth.0 { problems.append("balance \(String(describing: balance)) vs \(truth.0)") }
    let size = client.positions.first.map { ($0.side == .short ? -1 : 1) * ($0.size.mantissa(atScale: 0) ?? 0) } ?? 0
    if size != truth.1 { problems.append("position \(size) vs \(truth.1)") }
    let orders = client.openOrders.compactMap { $0.quantity.mantissa(atScale: 0) }.sorted()
    if orders != truth.2 { problems.append("orders \(orders) vs \(truth.2)") }
    return problems
}

@Suite("Simulator server over real sockets", .serialized)
struct SimulatorServerTests {
    @Test("a DigitexClient authenticates, subscribes, trades and ends with the exchange's account; others are unaffected by bad input")
    func digitexEndToEnd() throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        defer { try? group.syncShutdownGracefully() }
        let configuration = DigitexSimulator.Configuration(credentials: [SimulatorCredentials(key: "alice", secret: "")])
        let server = try SimulatorServer.start(dialect: DigitexSimulator(seed: 7, configuration: configuration), group: group)
        defer { server.close() }
        let url = try #require(WebSocketURL(server.url))

        let log = VenueEventLog()
        let live = try LiveVenueConnection.connect(
            to: url, client: DigitexClient(configuration: .init(token: "alice")), group: group, onEvent: log.add
        ).wait()
        #expect(log.wait { $0.contains(.tradingStatusChanged(available: true)) })
        live.perform { $0.submit(.subscribe(["BTCUSD-PERP@orderbook_5", "BTCUSD-PERP@trades"]), at: $1) }
        #expect(log.wait(until: accepted(2)))
        #expect(log.wait { events in events.contains { if case .bookSnapshot = $0 { true } else { false } } })

        let market = DigitexOrderRequest(symbol: "BTCUSD-PERP", clOrdId: "live-1", type: .market, timeInForce: .immediateOrCancel,
                                         side: .buy, price: nil, quantity: 7)
        live.perform { $0.submit(.placeOrder(market), at: $1) }
        #expect(log.wait { events in events.contains { if case .orderFilled(let fill) = $0 { fill.clientOrderID == "live-1" } else { false } } })
        let resting = DigitexOrderRequest(symbol: "BTCUSD-PERP", clOrdId: "live-2", type: .limit, timeInForce: .goodTillCancelled,
                                          side: .buy, price: 5_000, quantity: 3)
        live.perform { $0.submit(.placeOrder(resting), at: $1) }
        #expect(log.wait(until: accepted(4)))

        // Bad credentials are refused the way Digitex does (10501) and the connection stays open.
        let badLog = VenueEventLog()
        let bad = try LiveVenueConnection.connect(
            to: url, client: DigitexClient(configuration: .init(token: "mallory")), group: group, onEvent: badLog.add
        ).wait()
        #expect(badLog.wait { events in events.contains { if case .authenticationFailed(let error) = $0 { error.code == "10501" } else { false } } })
        bad.close()

        // A flood from a raw bot hits the rate limit with code 35; an oversize message closes only that bot.
        let floodLog = EventLog()
        let flood = try WebSocketClient.connect(to: url, group: group, onEvent: floodLog.add).wait()
        for id in 1...40 { flood.send(.text, Array(#"{"id":\#(id),"method":"subscriptions","params":[]}"#.utf8)) }
        #expect(floodLog.wait { events in
            events.contains { if case .received(_, let bytes) = $0 { String(decoding: bytes, as: UTF8.self).contains(#""code":35"#) } else { false } }
        })
        flood.send(.text, [UInt8](repeating: UInt8(ascii: " "), count: 2 << 20))
        #expect(floodLog.waitForEnd())

        // Meanwhile the trader keeps working, and its view matches the exchange.
        live.perform { $0.submit(.cancelOrder(symbol: "BTCUSD-PERP", clOrdId: "live-2"), at: $1) }
        #expect(log.wait(until: accepted(5)))
        var problems: [String] = ["not compared"]
        for attempt in 0..<5 where !problems.isEmpty {
            let id = Int64(6 + attempt)
            live.perform { $0.submit(.getTraderStatus(symbol: "BTCUSD-PERP"), at: $1) }
            #expect(log.wait(until: accepted(id)))
            problems = try agreement(live, server, token: "alice")
        }
        #expect(problems == [])
        let unexpected = log.all.filter { if case .anomaly = $0 { true } else if case .unrecognised = $0 { true } else { false } }
        #expect(unexpected.isEmpty, "\(unexpected.prefix(2))")
        live.close()
        try live.closed.wait()
    }

    @Test("the simulator serves wss:// with a certificate")
    func secure() throws {
        let certificate = try TestCertificate()
        defer { certificate.remove() }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        let server = try SimulatorServer.start(
            dialect: DigitexSimulator(seed: 3), tls: ServerTLS(certificateFile: certificate.certificate, privateKeyFile: certificate.key),
            group: group)
        defer { server.close() }
        #expect(server.url.hasPrefix("wss://"))
        let log = VenueEventLog()
        let live = try LiveVenueConnection.connect(
            to: try #require(WebSocketURL(server.url)), client: DigitexClient(configuration: .init(token: "anyone")),
            tls: ClientTLS(caFile: certificate.certificate), group: group, onEvent: log.add
        ).wait()
        #expect(log.wait { $0.contains(.authenticated) })
        live.close()
    }
}

@Suite("QFEX simulator over real sockets", .serialized)
struct QFEXSimulatorServerTests {
    @Test("a QFEXClient authenticates with HMAC, trades and agrees with the exchange; the mds socket streams books; bad keys are refused")
    func qfexEndToEnd() throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        defer { try? group.syncShutdownGracefully() }
        let configuration = QFEXSimulator.Configuration(credentials: [SimulatorCredentials(key: "pub", secret: "secret")])
        let server = try SimulatorServer.start(dialect: QFEXSimulator(seed: 9, configuration: configuration), group: group)
        defer { server.close() }
        let url = try #require(WebSocketURL(server.url))
        let instruments = [Instrument(symbol: "BTC-USD", tickSize: FixedDecimal("0.5"), lotSize: FixedDecimal("0.001"))]

        let log = VenueEventLog()
        let credentials = QFEXCredentials.signed(publicKey: "pub", secretKey: "secret", nonce: "live-1", unixSeconds: 1_800_000_000)
        let live = try LiveVenueConnection.connect(
            to: url, client: QFEXClient(configuration: .init(credentials: credentials, instruments: instruments)), group: group,
            onEvent: log.add
        ).wait()
        #expect(log.wait { $0.contains(.authenticated) })
        live.perform { $0.submit(.subscribe(["orders", "positions", "balances", "fills"]), at: $1) }
        #expect(log.wait(until: accepted(2)))
        live.perform { $0.submit(.addOrder(QFEXOrderRequest(symbol: "BTC-USD", side: .sell, orderType: "MARKET", timeInForce: "IOC",
                                                            quantity: FixedDecimal("0.04")!, price: 0, clientOrderID: "q1")), at: $1) }
        #expect(log.wait { events in events.contains { if case .orderFilled(let fill) = $0 { fill.clientOrderID == "q1" } else { false } } })

        let mdsLog = VenueEventLog()
        let mds = try LiveVenueConnection.connect(
            to: url.with(target: "/mds"), client: QFEXClient(configuration: .init(credentials: nil, instruments: instruments)), group: group,
            onEvent: mdsLog.add
        ).wait()
        mds.perform { $0.submit(.subscribeMarketData(channels: ["level2", "trade"], symbols: ["BTC-USD"]), at: $1) }
        #expect(mdsLog.wait { events in events.contains { if case .bookSnapshot = $0 { true } else { false } } })

        let badLog = VenueEventLog()
        let bad = try LiveVenueConnection.connect(
            to: url, client: QFEXClient(configuration: .init(credentials: .apiKey("stranger"), instruments: instruments)), group: group,
            onEvent: badLog.add
        ).wait()
        #expect(badLog.wait { events in events.contains { if case .authenticationFailed = $0 { true } else { false } } })
        bad.close()

        // Positions and balances are pulsed every second; wait for a pulse after the fill, then compare.
        var problems = ["not compared"]
        for _ in 0..<10 where !problems.isEmpty {
            let before = log.all.count
            #expect(log.wait { $0.count > before })
            let client = try live.inspect { $0.account }.wait()
            let truth = try server.inspect { simulator -> (Int64, Int64)? in
                guard let account = simulator.account(key: "pub"), let money = simulator.market.exchange.account(account),
                      let position = simulator.market.exchange.position(of: account) else { return nil }
                return (money.balance.minor, position.quantity)
            }.wait()
            problems = []
            if client.balances.first?.total.mantissa(atScale: 8) != truth?.0 { problems.append("balance") }
            let size = client.positions.first.map { ($0.side == .short ? -1 : 1) * ($0.size.mantissa(atScale: 3) ?? 0) } ?? 0
            if size != truth?.1 { problems.append("position \(size) vs \(String(describing: truth?.1))") }
        }
        #expect(problems == [])
        live.close()
        mds.close()
    }
}

@Suite("Simulator server pacing")
struct SimulatorPacingTests {
    @Test("as fast as possible, the market streams to a subscribed client without waiting for the clock")
    func fastPacing() throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        defer { try? group.syncShutdownGracefully() }
        let server = try SimulatorServer.start(dialect: DigitexSimulator(seed: 7), pacing: .asFastAsPossible(stepsPerBatch: 256), group: group.next())
        defer { server.close() }
        let log = EventLog()
        let client = try WebSocketClient.connect(to: try #require(WebSocketURL(server.url)), offerDeflate: false, group: group.next(), onEvent: log.add).wait()
        client.send(.text, Array(#"{"id":1,"method":"subscribe","params":["BTCUSD-PERP@orderbook_5","BTCUSD-PERP@trades"]}"#.utf8))
        #expect(log.waitForMessages(2_000))
        let sent = try server.sentFrames().wait()
        #expect(sent >= 1_999)
        client.abort()
    }
}
