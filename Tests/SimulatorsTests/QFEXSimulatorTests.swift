import Exchange
@testable import Simulators
import TapeCore
import Testing
import Venues

private let trade1 = ConnectionID(1)
private let trade2 = ConnectionID(2)
private let mds = ConnectionID(3)
private let instruments = [Instrument(symbol: "BTC-USD", tickSize: FixedDecimal("0.5"), lotSize: FixedDecimal("0.001"))]

/// `QFEXClient`s connected to a `QFEXSimulator` without sockets (as `DigitexHarness`).
struct QFEXHarness: ClientSimulatorHarness {
    var simulator: QFEXSimulator
    var clients: [ConnectionID: QFEXClient] = [:]
    var events: [ConnectionID: [VenueEvent]] = [:]
    var received: [ConnectionID: [String]] = [:]
    var closed: [ConnectionID: CloseInfo] = [:]
    var timers: [SimulatorTimer: Timestamp] = [:]
    var now = Timestamp.seconds(1)

    init(seed: UInt64 = 7, configuration: QFEXSimulator.Configuration = QFEXSimulator.Configuration()) {
        simulator = QFEXSimulator(seed: seed, configuration: configuration)
    }

    mutating func connect(_ connection: ConnectionID, path: String, credentials: QFEXCredentials?) {
        clients[connection] = QFEXClient(configuration: QFEXClient.Configuration(credentials: credentials, instruments: instruments))
        apply(simulator.connected(connection, target: path, headers: [], at: now))
        deliver(clients[connection]!.connected(at: now), from: connection)
    }

    mutating func submit(_ command: QFEXCommand, on connection: ConnectionID) {
        deliver(clients[connection]!.submit(command, at: now), from: connection)
    }

    /// A frame from the simulator: see `ClientSimulatorHarness.apply` for closes and timers.
    mutating func receive(_ kind: FrameKind, _ bytes: [UInt8], on connection: ConnectionID) {
        received[connection, default: []].append(String(decoding: bytes, as: UTF8.self))
        if kind == .text, closed[connection] == nil { handToClient(bytes, on: connection) }
    }

    func disagreements(_ connection: ConnectionID, key: String) -> [String] {
        guard let client = clients[connection], let account = simulator.account(key: key),
              let money = simulator.market.exchange.account(account),
              let position = simulator.market.exchange.position(of: account) else { return ["no account for \(key)"] }
        var problems: [String] = []
        let state = client.account
        let balance = FixedDecimal(mantissa: money.balance.minor, scale: 8)
        if state.balances.first?.total != balance { problems.append("balance: client \(String(describing: state.balances.first?.total)), exchange \(balance)") }
        let size = state.positions.first.map { ($0.side == .short ? -1 : 1) * ($0.size.mantissa(atScale: 3) ?? 0) } ?? 0
        if size != position.quantity { problems.append("position: client \(size), exchange \(position.quantity)") }
        let open = simulator.market.exchange.openOrders(of: account).map(\.remaining.lots).sorted()
        let clientOpen = state.openOrders.compactMap { $0.quantity.mantissa(atScale: 3) }.sorted()
        if open != clientOpen { problems.append("open orders: client \(clientOpen), exchange \(open)") }
        return problems + client.invariantViolations()
    }
}

@Suite("QFEX simulator")
struct QFEXSimulatorTests {
    private let keyed = QFEXSimulator.Configuration(credentials: [SimulatorCredentials(key: "pub", secret: "s3cret")])

    @Test("api_key and HMAC auth are checked; a wrong signature and a reused nonce are refused")
    func authentication() {
        var harness = QFEXHarness(configuration: keyed)
        harness.connect(trade1, path: "/", credentials: .apiKey("nope"))
        #expect(harness.last(trade1) == #"{"authenticated":false}"#)
        #expect(harness.clients[trade1]!.isAuthenticated == false)
        harness.submit(.authenticate(.hmac(publicKey: "pub", signature: "00", nonce: "n1", unixSeconds: 1_700_000_000, accountID: nil)), on: trade1)
        #expect(harness.last(trade1) == #"{"authenticated":false}"#)
        harness.submit(.authenticate(.signed(publicKey: "pub", secretKey: "s3cret", nonce: "n2", unixSeconds: 1_700_000_000)), on: trade1)
        #expect(harness.last(trade1) == #"{"type":"auth","result":"success"}"#)
        #expect(harness.clients[trade1]!.isAuthenticated)
        harness.connect(trade2, path: "/", credentials: .signed(publicKey: "pub", secretKey: "s3cret", nonce: "n2", unixSeconds: 1_700_000_000))
        #expect(harness.last(trade2) == #"{"authenticated":false}"#)
    }

    @Test("a trade socket that does not authenticate within 60 s is closed with 1008; requests before auth get err")
    func deadline() {
        var harness = QFEXHarness(configuration: keyed)
        harness.connect(trade1, path: "/", credentials: nil)
        harness.sendRaw(#"{"type":"cancel_all_orders","params":{}}"#, on: trade1)
        #expect(harness.last(trade1) == #"{"err":"not authenticated: send auth first"}"#)
        harness.sendRaw("{not json", on: trade1)
        #expect(harness.last(trade1).hasPrefix(#"{"err":"bad request"#))
        harness.advance(to: .seconds(62))
        #expect(harness.closed[trade1]?.code == 1008)
    }

    @Test("a client subscribes, trades against generated liquidity and ends with the account the exchange holds")
    func trading() {
        var harness = QFEXHarness()
        harness.connect(trade1, path: "/", credentials: .apiKey("alice"))
        harness.submit(.subscribe(["orders", "positions", "balances", "fills"]), on: trade1)
        #expect(harness.last(trade1) == #"{"subscribed":"fills"}"#)
        harness.advance(to: .seconds(3))
        let bid = harness.simulator.market.exchange.bestBidAsk().bid!
        func usd(_ units: Int64) -> FixedDecimal { FixedDecimal(mantissa: units, scale: 2).normalized }
        harness.submit(.addOrder(QFEXOrderRequest(symbol: "BTC-USD", side: .buy, orderType: "MARKET", timeInForce: "IOC",
                                                  quantity: FixedDecimal("0.05")!, price: 0, clientOrderID: "m1")), on: trade1)
        harness.submit(.addOrder(QFEXOrderRequest(symbol: "BTC-USD", side: .buy, orderType: "LIMIT", timeInForce: "GTC",
                                                  quantity: FixedDecimal("0.02")!, price: usd(bid.units - 2_000), clientOrderID: "l1")), on: trade1)
        harness.submit(.addOrder(QFEXOrderRequest(symbol: "BTC-USD", side: .buy, orderType: "LIMIT", timeInForce: "GTC",
                                                  quantity: FixedDecimal("0.01")!, price: usd(bid.units - 3_000), clientOrderID: "l2")), on: trade1)
        harness.submit(.cancelOrder(symbol: "BTC-USD", id: .clientOrderID("l2")), on: trade1)
        let l1 = harness.clients[trade1]!.account.openOrders.first { $0.clientOrderID == "l1" }!
        harness.submit(.modifyOrder(QFEXModifyRequest(orderID: l1.venueOrderID, symbol: "BTC-USD", side: .buy,
                                                      quantity: FixedDecimal("0.03")!, price: usd(bid.units - 1_000))), on: trade1)
        harness.submit(.setUserLeverage(symbol: "BTC-USD", leverage: 20), on: trade1)
        harness.advance(to: .seconds(90))
        #expect(harness.disagreements(trade1, key: "alice") == [])
        #expect(harness.clients[trade1]!.account.positions.first?.side == .long)
        harness.submit(.cancelAllOrders, on: trade1)
        harness.advance(to: .seconds(92))
        #expect(harness.disagreements(trade1, key: "alice") == [])
        #expect(harness.clients[trade1]!.account.openOrders.isEmpty)
        let bad = (harness.events[trade1] ?? []).filter {
            switch $0 {
            case .anomaly, .unrecognised, .commandRejected, .commandUnanswered: true
            default: false
            }
        }
        #expect(bad.isEmpty, "\(bad.prefix(3))")
        #expect(harness.clients[trade1]!.pendingRequests.isEmpty)
    }

    @Test("an unknown order id gets NO_SUCH_ORDER; a bad order type is rejected")
    func rejections() {
        var harness = QFEXHarness()
        harness.connect(trade1, path: "/", credentials: .apiKey("bob"))
        harness.submit(.cancelOrder(symbol: "BTC-USD", id: .orderID("missing")), on: trade1)
        #expect(harness.last(trade1).contains(#""status":"NO_SUCH_ORDER""#))
        harness.submit(.addOrder(QFEXOrderRequest(symbol: "BTC-USD", side: .sell, orderType: "STOP", timeInForce: "GTC",
                                                  quantity: 1, price: 100)), on: trade1)
        #expect(harness.last(trade1).contains(#""status":"INVALID_ORDER_TYPE""#))
        let rejected = (harness.events[trade1] ?? []).filter { if case .commandRejected = $0 { true } else { false } }.count
        #expect(rejected == 2)
    }

    @Test("quantities, prices and leverage with more decimals than the contract takes are refused, not a crash")
    func tooManyDecimals() {
        var harness = QFEXHarness()
        harness.connect(trade1, path: "/", credentials: .apiKey("bob"))
        harness.submit(.addOrder(QFEXOrderRequest(symbol: "BTC-USD", side: .buy, orderType: "LIMIT", timeInForce: "GTC",
                                                  quantity: FixedDecimal("0.0001")!, price: 100)), on: trade1)
        #expect(harness.last(trade1).contains("REJECTED") || harness.last(trade1).contains("INVALID"))
        harness.submit(.addOrder(QFEXOrderRequest(symbol: "BTC-USD", side: .buy, orderType: "LIMIT", timeInForce: "GTC",
                                                  quantity: 1, price: FixedDecimal("100.001")!)), on: trade1)
        #expect(harness.last(trade1).contains("REJECTED") || harness.last(trade1).contains("INVALID"))
        harness.submit(.setUserLeverage(symbol: "BTC-USD", leverage: FixedDecimal("2.5")!), on: trade1)
        #expect(harness.last(trade1).contains(#"{"ack_response":false}"#))
        harness.submit(.cancelOrder(symbol: "BTC-USD", id: .orderID("missing")), on: trade1)
        #expect(harness.last(trade1).contains(#""status":"NO_SUCH_ORDER""#), "the simulator still answers")
    }

    @Test("the market-data socket publishes bbo, level2, trades and prices in the docs' shapes")
    func marketData() {
        var harness = QFEXHarness()
        harness.connect(mds, path: "/mds", credentials: nil)
        harness.submit(.subscribeMarketData(channels: ["bbo", "level2", "trade", "mark_price", "underlier", "funding"], symbols: ["*"]), on: mds)
        harness.advance(to: .seconds(5))
        let events = harness.events[mds] ?? []
        let books = events.filter { if case .bookSnapshot = $0 { true } else { false } }.count
        let trades = events.filter { if case .trades = $0 { true } else { false } }.count
        let prices = events.filter { if case .price = $0 { true } else { false } }.count
        let bad = events.filter { if case .unrecognised = $0 { true } else if case .anomaly = $0 { true } else { false } }.count
        #expect(books > 10 && trades > 0 && prices > 0 && bad == 0)
        #expect(harness.received[mds]?.first?.hasPrefix(#"{"type":"bbo","symbol":"BTC-USD","bid":[[""#) == true)
        #expect(QFEXSimulator.rfc3339(1_757_064_399_545_268_322) == "2025-09-05T09:26:39.545268322Z")
    }
}
