import Exchange
import Foundation
import NIOCore
import NIOPosix
import Simulators
import TapeCore
@testable import TapeNet
import Testing
import Venues

private let alice = "0x742d35cc6634c0532925a3b844bc9e7595f0beb0"

/// What the simulator's exchange holds for an address: balance, available, signed position,
/// entry price, leverage, and resting orders (the exchange's and the dialect's tracked oids).
private struct Truth: Sendable {
    var balance: Int64
    var available: Int64
    var quantity: Int64
    var entryUnits: Int64
    var leverage: Int64
    var open: [UInt64]
    var tracked: [UInt64]
}

private func truth(_ server: SimulatorServer<NotionalSimulator>, user: String) throws -> Truth? {
    try server.inspect { simulator -> Truth? in
        guard let account = simulator.account(user: user), let money = simulator.market.exchange.account(account),
              let position = simulator.market.exchange.position(of: account) else { return nil }
        return Truth(balance: money.balance.minor, available: money.available.minor, quantity: position.quantity,
                     entryUnits: position.averageEntryPrice.units, leverage: position.leverage,
                     open: simulator.market.exchange.openOrders(of: account).map(\.id.rawValue).sorted(),
                     tracked: simulator.openOrderIDs(user: user).sorted())
    }.wait()
}

/// Sends a ping through the client and waits for its pong: every frame the simulator sent
/// before it has then reached the client (one loop, one socket, in order).
private func synchronise(_ live: LiveVenueConnection<NotionalClient>, _ log: VenueEventLog) -> Bool {
    let pongs = log.all.filter { $0 == .heartbeat }.count
    live.perform { $0.submit(.ping, at: $1) }
    return log.wait { $0.filter { $0 == .heartbeat }.count > pongs }
}

/// Where the client's view and the exchange disagree (balance, position size / side / entry, leverage).
private func disagreements(_ live: LiveVenueConnection<NotionalClient>, _ truth: Truth?) throws -> [String] {
    guard let truth else { return ["no account"] }
    let client = try live.inspect { $0.account }.wait()
    var problems: [String] = []
    if client.balances.first?.total != FixedDecimal(mantissa: truth.balance, scale: 8) { problems.append("balance \(String(describing: client.balances.first?.total)) vs \(truth.balance)") }
    if client.balances.first?.available != FixedDecimal(mantissa: truth.available, scale: 8) { problems.append("available") }
    let position = client.positions.first
    let size = position.map { ($0.side == .short ? -1 : 1) * ($0.size.normalized.mantissa(atScale: 3) ?? 0) } ?? 0
    if size != truth.quantity { problems.append("position \(size) vs \(truth.quantity)") }
    if truth.quantity != 0 {
        if position?.entryPrice != FixedDecimal(mantissa: truth.entryUnits, scale: 2) { problems.append("entry \(String(describing: position?.entryPrice)) vs \(truth.entryUnits)") }
        if position?.leverage != FixedDecimal(truth.leverage) { problems.append("leverage") }
    }
    if truth.open != truth.tracked { problems.append("orders: exchange \(truth.open), simulator \(truth.tracked)") }
    return problems
}

/// The oids an `orderUpdates` stream leaves open (a third-party bot's view of open orders).
private func openFromUpdates(_ frames: [String]) -> [UInt64] {
    var open: [UInt64] = []
    var scanner = JSONScanner()
    for frame in frames where frame.hasPrefix(#"{"channel":"orderUpdates""#) {
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

/// Text messages of a raw connection, to wait on.
private final class RawTexts: @unchecked Sendable {
    private let condition = NSCondition()
    private var texts: [String] = []
    private var ended = false

    func add(_ event: WebSocketEvent) {
        condition.withLock {
            switch event {
            case .received(let kind, let bytes): if kind == .text { texts.append(String(decoding: bytes, as: UTF8.self)) }
            case .closed, .lost: ended = true
            }
            condition.broadcast()
        }
    }

    var all: [String] { condition.withLock { texts } }

    /// Waits until `predicate` holds for the texts so far (and whether the connection ended); false after 30 s.
    func wait(until predicate: ([String], Bool) -> Bool) -> Bool {
        condition.withLock {
            let deadline = Date(timeIntervalSinceNow: 30)
            while !predicate(texts, ended) {
                if !condition.wait(until: deadline) { return false }
            }
            return true
        }
    }
}

/// Records the upgrade headers the live connection saw (what a recorder writes as `opened`).
private final class Handshake: @unchecked Sendable {
    private let lock = NSLock()
    private var opened: ConnectionOpened?

    func record(_ direction: Direction, _ kind: FrameKind, _ payload: [UInt8]) {
        guard kind == .opened else { return }
        lock.withLock { opened = ConnectionOpened(payload: payload) }
    }

    var extensions: [String] {
        lock.withLock { opened?.headers.filter { $0.name.lowercased() == "sec-websocket-extensions" }.map(\.value) ?? [] }
    }
}

@Suite("Notional simulator over real sockets", .serialized)
struct NotionalSimulatorSocketTests {
    @Test("a NotionalClient subscribes, trades through order entry and ends with the exchange's account; deflate is negotiated; bad addresses and floods stay local")
    func endToEnd() throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        defer { try? group.syncShutdownGracefully() }
        let server = try SimulatorServer.start(dialect: NotionalSimulator(seed: 9), group: group)
        defer { server.close() }
        let url = try #require(WebSocketURL(server.url))

        // The venue client, as `tape record` would drive it: no headers, subscriptions on connect.
        let log = VenueEventLog()
        let handshake = Handshake()
        let live = try LiveVenueConnection.connect(
            to: url, client: NotionalClient(configuration: .init(user: alice, coins: ["BTC"], channels: ["accountSummary"])),
            group: group, record: handshake.record, onEvent: log.add
        ).wait()
        #expect(log.wait { $0.contains(.commandAccepted(.number(1))) })
        #expect(log.wait { events in events.contains { if case .balanceUpdated = $0 { true } else { false } } })
        #expect(handshake.extensions.contains { $0.contains("permessage-deflate") }, "\(handshake.extensions)")

        // A third-party bot watches the same address's orders and fills.
        let bot = RawTexts()
        let watcher = try WebSocketClient.connect(to: url, group: group, onEvent: bot.add).wait()
        #expect(watcher.handshake.deflate != nil)
        for type in ["orderUpdates", "userFills"] {
            watcher.send(.text, Array(#"{"method":"subscribe","subscription":{"type":"\#(type)","user":"\#(alice)"}}"#.utf8))
        }
        #expect(bot.wait { texts, _ in texts.filter { $0.hasPrefix(#"{"channel":"subscriptionResponse""#) }.count == 2 })

        // Order entry (the venue's REST API) through the simulator's stand-in.
        try server.act { $0.placeOrder(user: alice, isBuy: true, size: FixedDecimal("0.05")!, limitPrice: nil, cloid: "0x01", at: $1) }.wait()
        #expect(log.wait { events in events.contains { if case .positionUpdated(let position) = $0 { position.side == .long } else { false } } })
        let bid = try #require(try server.inspect { $0.market.exchange.bestBidAsk().bid }.wait())
        let far = FixedDecimal(mantissa: bid.units - 100_000, scale: 2)
        try server.act { $0.placeOrder(user: alice, isBuy: true, size: FixedDecimal("0.02")!, limitPrice: far, at: $1) }.wait()
        try server.act { $0.placeOrder(user: alice, isBuy: true, size: FixedDecimal("0.01")!, limitPrice: far, at: $1) }.wait()
        let resting = try server.inspect { $0.openOrderIDs(user: alice) }.wait()
        #expect(resting.count == 2)
        try server.act { $0.cancelOrder(user: alice, oid: resting[0], at: $1) }.wait()
        try server.act { $0.setLeverage(user: alice, leverage: 20, at: $1) }.wait()

        // Bad addresses are refused with the venue's error envelope; the connection stays open.
        let badLog = VenueEventLog()
        let bad = try LiveVenueConnection.connect(
            to: url, client: NotionalClient(configuration: .init(user: "0x742D35CC6634C0532925A3B844BC9E7595F0BEB0", coins: ["BTC"])),
            group: group, onEvent: badLog.add
        ).wait()
        #expect(badLog.wait { events in
            events.contains { if case .venueError(let error) = $0 { error.message?.hasPrefix("User address must be lowercase") == true } else { false } }
        })
        bad.close()

        // A flooding, garbage-sending bot gets errors and pongs, and its oversize message closes only it.
        let flood = RawTexts()
        let flooder = try WebSocketClient.connect(to: url, group: group, onEvent: flood.add).wait()
        for _ in 0..<1_000 { flooder.send(.text, Array(#"{"method":"ping"}"#.utf8)) }
        flooder.send(.text, Array("{{{ not json".utf8))
        flooder.send(.text, Array(#"{"method":"order","params":{}}"#.utf8))
        #expect(flood.wait { texts, _ in
            texts.filter { $0 == #"{"channel":"pong"}"# }.count == 1_000 && texts.contains(#"{"channel":"error","data":{"message":"Unknown method: order"}}"#)
        })
        #expect(flood.all.contains(#"{"channel":"error","data":{"message":"Invalid message format"}}"#))
        flooder.send(.text, [UInt8](repeating: UInt8(ascii: " "), count: 2 << 20))
        #expect(flood.wait { _, ended in ended })

        // Meanwhile the trader keeps working, and its view matches the exchange.
        try server.act { $0.placeOrder(user: alice, isBuy: false, size: FixedDecimal("0.02")!, limitPrice: nil, at: $1) }.wait()
        #expect(synchronise(live, log))
        let final = try truth(server, user: alice)
        #expect(try disagreements(live, final) == [])
        #expect(final?.quantity == 30)
        #expect(final?.leverage == 20)
        #expect(final?.open == [resting[1]])
        #expect(bot.wait { texts, _ in openFromUpdates(texts) == [resting[1]] })
        #expect(bot.all.contains { $0.hasPrefix(#"{"channel":"userFills","data":{"user":"\#(alice)","fills":[{"coin":"BTC""#) })
        let unexpected = log.all.filter {
            switch $0 {
            case .anomaly, .unrecognised, .venueError, .commandUnanswered: true
            default: false
            }
        }
        #expect(unexpected.isEmpty, "\(unexpected.prefix(2))")
        watcher.close()
        live.close()
        try live.closed.wait()
    }

    @Test("over wss:// with a self-signed certificate, in the older schema, the client trades and agrees with the exchange")
    func secure() throws {
        let certificate = try TestCertificate()
        defer { certificate.remove() }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        let server = try SimulatorServer.start(
            dialect: NotionalSimulator(seed: 4, configuration: .init(summarySchema: .v1Numbers)),
            tls: ServerTLS(certificateFile: certificate.certificate, privateKeyFile: certificate.key), group: group)
        defer { server.close() }
        #expect(server.url.hasPrefix("wss://"))
        let log = VenueEventLog()
        let live = try LiveVenueConnection.connect(
            to: try #require(WebSocketURL(server.url)), client: NotionalClient(configuration: .init(user: alice, coins: ["BTC"])),
            tls: ClientTLS(caFile: certificate.certificate), group: group, onEvent: log.add
        ).wait()
        #expect(log.wait { $0.contains(.commandAccepted(.number(1))) })
        try server.act { $0.placeOrder(user: alice, isBuy: false, size: FixedDecimal("0.1")!, limitPrice: nil, at: $1) }.wait()
        #expect(log.wait { events in events.contains { if case .positionUpdated(let position) = $0 { position.side == .short } else { false } } })
        #expect(synchronise(live, log))
        let final = try truth(server, user: alice)
        #expect(try disagreements(live, final) == [])
        #expect(final?.quantity == -100)
        #expect(try live.inspect { $0.schema }.wait() == .v1Numbers)
        live.close()
        try live.closed.wait()
    }
}
