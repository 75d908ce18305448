import Exchange
import Foundation
import NIOCore
import NIOPosix
import Simulators
import TapeCore
@testable import TapeNet
import Testing
import Venues

private let symbol = "US500-BTC"
private let instruments = [Instrument(symbol: symbol, tickSize: FixedDecimal("0.25"), lotSize: FixedDecimal("0.1"))]
private let channels = [
    RoxomChannel(name: "orders"), RoxomChannel(name: "balance"), RoxomChannel(name: "positions"), RoxomChannel(name: "depth", symbol: symbol),
]

/// `value` at `scale` when it has no more digits than that.
private func exact(_ value: FixedDecimal?, _ scale: UInt8) -> Int64? {
    guard let normalized = value?.normalized, normalized.scale <= scale else { return nil }
    return normalized.mantissa(atScale: scale)
}

/// Differences between the client's account and the simulator's exchange (empty when they agree).
private func disagreements(_ live: LiveVenueConnection<RoxomClient>, _ server: SimulatorServer<RoxomSimulator>, key: String) throws -> [String] {
    let client = try live.inspect { $0.account }.wait()
    let truth = try server.inspect { simulator -> (balance: Int64, lots: Int64, entry: Int64, orders: [Int64])? in
        guard let account = simulator.account(key: key), let money = simulator.market.exchange.account(account) else { return nil }
        let position = simulator.market.exchange.position(of: account)
        return (money.balance.minor, position?.quantity ?? 0, position?.averageEntryPrice.units ?? 0,
                simulator.market.exchange.openOrders(of: account).map(\.remaining.lots).sorted())
    }.wait()
    guard let truth else { return ["no account for \(key)"] }
    var problems: [String] = []
    let balance = exact(client.balances.first?.total, 8)
    if balance != truth.balance { problems.append("balance \(String(describing: balance)) vs \(truth.balance)") }
    let position = client.positions.first
    let lots = position.map { ($0.side == .short ? -1 : 1) * (exact($0.size, 1) ?? -1) } ?? 0
    if lots != truth.lots { problems.append("position \(lots) vs \(truth.lots)") }
    if truth.lots != 0, exact(position?.entryPrice, 2) != truth.entry {
        problems.append("entry \(String(describing: position?.entryPrice)) vs \(truth.entry)")
    }
    let orders = client.openOrders.compactMap { exact($0.quantity, 1) }.sorted()
    if orders != truth.orders { problems.append("orders \(orders) vs \(truth.orders)") }
    return problems
}

private func has(_ predicate: @escaping (VenueEvent) -> Bool) -> ([VenueEvent]) -> Bool {
    { $0.contains(where: predicate) }
}

@Suite("Roxom simulator over real sockets", .serialized)
struct RoxomSimulatorSocketTests {
    @Test("over ws:// a RoxomClient authenticates by headers, subscribes, trades through order entry and agrees with the exchange; bad keys and floods affect no one else")
    func plain() throws {
        try endToEnd(certificate: nil)
    }

    @Test("the same over wss:// with a self-signed certificate")
    func secure() throws {
        try endToEnd(certificate: TestCertificate())
    }

    private func endToEnd(certificate: TestCertificate?) throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        defer { try? group.syncShutdownGracefully() }
        let configuration = RoxomSimulator.Configuration(credentials: [SimulatorCredentials(key: "KEY", secret: "SECRET")])
        let server = try SimulatorServer.start(
            dialect: RoxomSimulator(seed: 5, configuration: configuration),
            tls: certificate.map { ServerTLS(certificateFile: $0.certificate, privateKeyFile: $0.key) }, group: group)
        defer { server.close() }
        #expect(server.url.hasPrefix(certificate == nil ? "ws://" : "wss://"))
        let url = try #require(WebSocketURL(server.url + "/ws"))
        let tls = certificate.map { ClientTLS(caFile: $0.certificate) } ?? ClientTLS()

        // Authentication is in the upgrade headers; the client subscribes on connect.
        let log = VenueEventLog()
        let headers = RoxomAuthentication.hmacHeaders(apiKey: "KEY", secret: "SECRET", timestampMillis: 1_800_000_000_000)
        let live = try LiveVenueConnection.connect(
            to: url, client: RoxomClient(configuration: .init(instruments: instruments, subscriptions: channels)), headers: headers,
            tls: tls, group: group, onEvent: log.add
        ).wait()
        #expect(log.wait(until: has { $0 == .commandAccepted(.number(1)) }))
        #expect(log.wait(until: has { if case .bookSnapshot = $0 { true } else { false } }))
        #expect(log.wait(until: has { if case .balanceUpdated = $0 { true } else { false } }))

        // Orders go through the REST stand-in; the pushes come over the socket.
        server.act { $0.placeOrder(key: "KEY", side: .buy, quantity: FixedDecimal("1.5")!, clientOrderID: "live-1", at: $1) }
        #expect(log.wait(until: has { if case .orderFilled(let fill) = $0 { fill.clientOrderID == "live-1" } else { false } }))
        #expect(log.wait(until: has { if case .positionUpdated(let position) = $0 { position.side == .long } else { false } }))
        let bid = try #require(try server.inspect { $0.market.exchange.bestBidAsk().bid }.wait())
        for (index, offset) in [5_000, 6_000].enumerated() {
            let price = FixedDecimal(mantissa: bid.units - Int64(offset), scale: 2)
            server.act { $0.placeOrder(key: "KEY", side: .buy, quantity: FixedDecimal("0.4")!, kind: .limit(price), clientOrderID: "rest-\(index)", at: $1) }
        }
        #expect(log.wait(until: has { if case .orderUpdated(let order) = $0 { order.clientOrderID == "rest-1" } else { false } }))
        let first = try #require(try server.inspect { $0.openOrderIDs(key: "KEY").first }.wait())
        server.act { $0.cancelOrder(key: "KEY", orderID: first, at: $1) }
        #expect(log.wait(until: has { if case .orderUpdated(let order) = $0 { order.venueOrderID == first && order.status == .cancelled } else { false } }))

        // Bad credentials: 600010, then the venue closes the connection.
        let badLog = VenueEventLog()
        let bad = try LiveVenueConnection.connect(
            to: url, client: RoxomClient(configuration: .init(instruments: instruments, subscriptions: channels)),
            headers: RoxomAuthentication.hmacHeaders(apiKey: "KEY", secret: "WRONG", timestampMillis: 1_800_000_000_000),
            tls: tls, group: group, onEvent: badLog.add
        ).wait()
        #expect(badLog.wait(until: has { if case .authenticationFailed(let error) = $0 { error.code == "600010" } else { false } }))
        try bad.closed.wait()

        // A raw bot sends garbage and floods: it gets the documented errors; its oversize message closes only it.
        let floodLog = EventLog()
        let flood = try WebSocketClient.connect(to: url, tls: tls, group: group, onEvent: floodLog.add).wait()
        for index in 1...200 { flood.send(.text, Array(#"{"op":"subscribe","args":[{"channel":"nope\#(index)"#.utf8)) }
        flood.send(.binary, [0, 1, 2])
        #expect(floodLog.wait { events in
            events.filter { if case .received(.text, let bytes) = $0 { String(decoding: bytes, as: UTF8.self).contains(#""code":"60017""#) } else { false } }.count == 200
                && events.contains { if case .received(.text, let bytes) = $0 { String(decoding: bytes, as: UTF8.self).contains(#""code":"60018""#) } else { false } }
        })
        flood.send(.text, [UInt8](repeating: UInt8(ascii: " "), count: 2 << 20))
        #expect(floodLog.waitForEnd())

        // Meanwhile the trader goes on: it trades again and its view matches the exchange.
        server.act { $0.placeOrder(key: "KEY", side: .sell, quantity: FixedDecimal("2.5")!, clientOrderID: "live-2", at: $1) }
        #expect(log.wait(until: has { if case .positionUpdated(let position) = $0 { position.side == .short } else { false } }))
        var problems = ["not compared"]
        for attempt in 0..<5 where !problems.isEmpty {
            // A subscription's ack follows every push sent before it on the same socket (`orders` again:
            // already held, so nothing but the ack comes back).
            live.perform { $0.submit(.subscribe([RoxomChannel(name: "orders")]), at: $1) }
            #expect(log.wait(until: has { $0 == .commandAccepted(.number(Int64(2 + attempt))) }))
            problems = try disagreements(live, server, key: "KEY")
        }
        #expect(problems == [])
        let unexpected = log.all.filter { if case .anomaly = $0 { true } else if case .unrecognised = $0 { true } else { false } }
        #expect(unexpected.isEmpty, "\(unexpected.prefix(2))")
        live.close()
        try live.closed.wait()
    }
}
