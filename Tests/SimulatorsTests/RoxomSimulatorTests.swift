import Exchange
@testable import Simulators
import TapeCore
import Testing
import Venues

private let first = ConnectionID(1)
private let second = ConnectionID(2)
private let third = ConnectionID(3)
private let symbol = "US500-BTC"
private let instruments = [Instrument(symbol: symbol, tickSize: FixedDecimal("0.25"), lotSize: FixedDecimal("0.1"))]
private let everything = [
    RoxomChannel(name: "orders"), RoxomChannel(name: "balance"), RoxomChannel(name: "positions"),
    RoxomChannel(name: "depth", symbol: symbol),
]

/// `RoxomClient`s connected to a `RoxomSimulator` without sockets (as `DigitexHarness`).
struct RoxomHarness: ClientSimulatorHarness {
    var simulator: RoxomSimulator
    var clients: [ConnectionID: RoxomClient] = [:]
    var events: [ConnectionID: [VenueEvent]] = [:]
    var received: [ConnectionID: [String]] = [:]
    var controls: [ConnectionID: [FrameKind]] = [:]
    var closed: [ConnectionID: CloseInfo] = [:]
    /// Connections that do not answer the server's pings (WebSocket libraries do, as `LiveVenueConnection`).
    var silent: Set<ConnectionID> = []
    var timers: [SimulatorTimer: Timestamp] = [:]
    var now = Timestamp.seconds(1)

    init(seed: UInt64 = 7, configuration: RoxomSimulator.Configuration = RoxomSimulator.Configuration()) {
        simulator = RoxomSimulator(seed: seed, configuration: configuration)
    }

    static func hmac(_ key: String = "KEY", _ secret: String = "SECRET", millis: Int64 = 1_700_000_000_000) -> [HTTPHeader] {
        RoxomAuthentication.hmacHeaders(apiKey: key, secret: secret, timestampMillis: millis)
    }

    mutating func connect(_ connection: ConnectionID, headers: [HTTPHeader], subscriptions: [RoxomChannel] = everything) {
        clients[connection] = RoxomClient(configuration: RoxomClient.Configuration(instruments: instruments, subscriptions: subscriptions))
        apply(simulator.connected(connection, target: "/ws", headers: headers, at: now))
        // Timers due at once (a refusal) fire before the client hears anything.
        advance(to: now)
        guard closed[connection] == nil else { return }
        deliver(clients[connection]!.connected(at: now), from: connection)
    }

    /// A frame from the simulator: see `ClientSimulatorHarness.apply` for closes and timers.
    mutating func receive(_ kind: FrameKind, _ bytes: [UInt8], on connection: ConnectionID) {
        guard kind == .text else {
            controls[connection, default: []].append(kind)
            if kind == .ping, closed[connection] == nil, !silent.contains(connection) {
                apply(simulator.receivedFrame(connection, .pong, bytes, at: now))
            }
            return
        }
        received[connection, default: []].append(String(decoding: bytes, as: UTF8.self))
        if closed[connection] == nil { handToClient(bytes, on: connection) }
    }

    /// Problems (empty when none) between a client's account and what the exchange holds for the key.
    func disagreements(_ connection: ConnectionID, key: String) -> [String] {
        guard let client = clients[connection], let account = simulator.account(key: key),
              let money = simulator.market.exchange.account(account) else { return ["no account for \(key)"] }
        let position = simulator.market.exchange.position(of: account)
        var problems: [String] = []
        let state = client.account
        let balance = FixedDecimal(mantissa: money.balance.minor, scale: 8)
        if state.balances.first?.total != balance { problems.append("balance: client \(String(describing: state.balances.first?.total)), exchange \(balance)") }
        let lots = state.positions.first.map { ($0.side == .short ? -1 : 1) * ((RoxomSimulator.exact($0.size, scale: 1) ?? -1)) } ?? 0
        if lots != position?.quantity ?? 0 { problems.append("position: client \(lots), exchange \(position?.quantity ?? 0)") }
        if let position, position.quantity != 0 {
            let entry = state.positions.first?.entryPrice.flatMap { RoxomSimulator.exact($0, scale: 2) }
            if entry != position.averageEntryPrice.units { problems.append("entry: client \(String(describing: entry)), exchange \(position.averageEntryPrice.units)") }
            let margin = state.positions.first?.margin.flatMap { RoxomSimulator.exact($0, scale: 8) }
            if margin != position.margin.minor { problems.append("margin: client \(String(describing: margin)), exchange \(position.margin.minor)") }
        }
        let open = simulator.market.exchange.openOrders(of: account).map(\.remaining.lots).sorted()
        let clientOpen = state.openOrders.compactMap { RoxomSimulator.exact($0.quantity, scale: 1) }.sorted()
        if open != clientOpen { problems.append("open orders: client \(clientOpen), exchange \(open)") }
        let anomalies = (events[connection] ?? []).filter {
            switch $0 {
            case .anomaly, .unrecognised: true
            default: false
            }
        }
        if !anomalies.isEmpty { problems.append("\(anomalies.count) anomalies, first \(anomalies[0])") }
        return problems + client.invariantViolations()
    }
}

@Suite("Roxom simulator")
struct RoxomSimulatorTests {
    private let keyed = RoxomSimulator.Configuration(credentials: [SimulatorCredentials(key: "KEY", secret: "SECRET")])

    @Test("HMAC upgrade headers with the right secret authenticate; a wrong signature or unknown key gets 600010 and close 1008")
    func hmacAuthentication() {
        var harness = RoxomHarness(configuration: keyed)
        harness.connect(first, headers: RoxomHarness.hmac())
        #expect(harness.closed[first] == nil)
        #expect(harness.simulator.session(first)?.key == "KEY")
        #expect(harness.clients[first]!.account.balances.first?.total == FixedDecimal("1.00000000"))

        harness.connect(second, headers: RoxomHarness.hmac("KEY", "wrong"))
        #expect(harness.received[second] == [#"{"event":"error","code":"600010","msg":"Authentication failed","connId":"00000000-0000-7000-8000-000000000003"}"#])
        #expect(harness.closed[second] == CloseInfo(code: 1008, reason: "Authentication failed"))
        #expect(harness.simulator.session(second) == nil)
        #expect(harness.clients[second]!.account.balances.isEmpty)

        harness.connect(third, headers: RoxomHarness.hmac("OTHER", "SECRET"))
        #expect(harness.closed[third]?.code == 1008)
        #expect(harness.last(third).contains(#""code":"600010""#))
        // Names are compared without case; a non-numeric timestamp is refused.
        var lower = RoxomHarness(configuration: keyed)
        lower.connect(first, headers: RoxomHarness.hmac().map { HTTPHeader(name: $0.name.lowercased(), value: $0.value) })
        #expect(lower.closed[first] == nil)
        lower.connect(second, headers: [HTTPHeader(name: "X-API-KEY", value: "KEY"), HTTPHeader(name: "X-API-TIMESTAMP", value: "soon"),
                                        HTTPHeader(name: "X-API-SIGN", value: "AAAA")])
        #expect(lower.closed[second]?.code == 1008)
    }

    @Test("the RSA variant passes with a configured key and an RSA-sized base64 signature, and fails otherwise")
    func rsaAuthentication() {
        let rsa2048 = String(repeating: "QUJD", count: 85) + "QQ=="  // 256 bytes
        var harness = RoxomHarness(configuration: keyed)
        harness.connect(first, headers: RoxomAuthentication.rsaHeaders(apiKey: "KEY", signature: rsa2048))
        #expect(harness.closed[first] == nil)
        harness.connect(second, headers: RoxomAuthentication.rsaHeaders(apiKey: "KEY", signature: "not base64!"))
        #expect(harness.closed[second]?.code == 1008)
        harness.connect(third, headers: RoxomAuthentication.rsaHeaders(apiKey: "KEY", signature: "QUJD"))
        #expect(harness.closed[third]?.code == 1008)
        #expect(RoxomSimulator.base64DecodedCount(rsa2048) == 256)
        #expect(RoxomSimulator.base64DecodedCount("QQ=") == nil)
    }

    @Test("without configured credentials any key passes; without headers the connection reads market data only")
    func openAndAnonymous() {
        var harness = RoxomHarness()
        harness.connect(first, headers: [HTTPHeader(name: "X-API-Key", value: "anyone")])
        #expect(harness.simulator.session(first)?.key == "anyone")
        harness.connect(second, headers: [], subscriptions: [RoxomChannel(name: "depth", symbol: symbol)])
        #expect(harness.closed[second] == nil)
        #expect(harness.received[second]?.first?.hasPrefix(#"{"event":"subscribe","args":[{"channel":"depth","symbol":"US500-BTC"}]"#) == true)
        #expect(harness.received[second]?.dropFirst().first?.hasPrefix(#"{"topic":"depth.US500-BTC","type":"snapshot","createdTime":"#) == true)
        harness.sendRaw(#"{"op":"subscribe","args":[{"channel":"positions"}]}"#, on: second)
        #expect(harness.last(second).hasPrefix(#"{"event":"error","code":"600010","msg":"Authentication failed: positions needs API key headers""#))
        #expect(harness.closed[second] == nil)
        harness.connect(third, headers: [HTTPHeader(name: "X-API-KEY", value: "")])
        #expect(harness.closed[third]?.code == 1008)
    }

    @Test("a multi-channel subscribe is acknowledged once and each channel starts with its state")
    func subscriptions() {
        var harness = RoxomHarness(configuration: keyed)
        harness.connect(first, headers: RoxomHarness.hmac(), subscriptions: [])
        harness.sendRaw(#"{"op":"subscribe","args":[{"channel":"level1","symbol":"US500-BTC"},{"channel":"trade","symbol":"US500-BTC"},{"channel":"depth","symbol":"US500-BTC"},{"channel":"balance"},{"channel":"positions"}]}"#, on: first)
        let frames = harness.received[first] ?? []
        #expect(frames.count == 5)
        #expect(frames.first == #"{"event":"subscribe","args":[{"channel":"level1","symbol":"US500-BTC"},{"channel":"trade","symbol":"US500-BTC"},{"channel":"depth","symbol":"US500-BTC"},{"channel":"balance"},{"channel":"positions"}],"connId":"00000000-0000-7000-8000-000000000001"}"#)
        #expect(frames.dropFirst().first?.hasPrefix(#"{"topic":"level1.US500-BTC","type":"snapshot","createdTime":"#) == true)
        #expect(frames.dropFirst(2).first?.hasPrefix(#"{"topic":"depth.US500-BTC","type":"snapshot","createdTime":"#) == true)
        #expect(frames.dropFirst(3).first?.hasPrefix(#"{"type":"balance","data":{"accountId":"00000000-0000-7000-8000-000000000002","balanceBefore":"1.00000000","balanceAfter":"1.00000000","amount":"0.00000000","unit":"btc","updateType":"snapshot","timestamp":"#) == true)
        #expect(frames.last == #"{"type":"position","data":[]}"#)
        #expect(harness.simulator.session(first)?.subscriptions.count == 5)

        harness.sendRaw(#"{"op":"unsubscribe","args":[{"channel":"trade","symbol":"US500-BTC"}]}"#, on: first)
        #expect(harness.last(first) == #"{"event":"unsubscribe","args":[{"channel":"trade","symbol":"US500-BTC"}],"connId":"00000000-0000-7000-8000-000000000001"}"#)
        #expect(harness.simulator.session(first)?.subscriptions.count == 4)
        // The market now moves the subscribed channels only.
        harness.advance(to: .seconds(5))
        #expect(!harness.frames(first, containing: #""topic":"depth.US500-BTC","type":"delta""#).isEmpty)
        #expect(!harness.frames(first, containing: #""topic":"level1.US500-BTC""#).isEmpty)
        #expect(harness.frames(first, containing: #""topic":"trade."#).isEmpty)
    }

    @Test("the client reads every market channel the simulator publishes: trades, level1 and ticker, none unrecognised")
    func marketChannelsDecode() throws {
        var harness = RoxomHarness()
        let market = ["depth", "level1", "trade", "ticker"].map { RoxomChannel(name: $0, symbol: symbol) }
        harness.connect(first, headers: [], subscriptions: market)
        harness.advance(to: .seconds(5))
        let events = harness.events[first] ?? []
        let unread = events.filter { if case .unrecognised = $0 { true } else if case .anomaly = $0 { true } else { false } }
        #expect(unread.count == 0, "first: \(String(describing: unread.first))")
        var trades: [Venues.Trade] = []
        for case .trades(let batch) in events { trades += batch }
        #expect(!trades.isEmpty && trades.count == harness.frames(first, containing: #""topic":"trade."#).count)
        for trade in trades {
            #expect(trade.symbol == symbol && trade.quantity > .zero && trade.side != nil && trade.tradeID != nil)
        }
        let tickers = events.compactMap { if case .ticker(let ticker) = $0 { ticker } else { nil } }
        let fullTickers = tickers.filter { $0.markPrice != nil }
        #expect(!fullTickers.isEmpty && fullTickers.allSatisfy { $0.openInterest != nil && $0.nextFundingTimeMillis != nil })
        // The last level1 is the exchange's top of book now.
        let top = try #require(tickers.last { $0.markPrice == nil })
        let bid = harness.simulator.market.exchange.depth(.buy, levels: 1).first
        let ask = harness.simulator.market.exchange.depth(.sell, levels: 1).first
        #expect(top.bidPrice.flatMap { RoxomSimulator.exact($0, scale: 2) } == bid?.price.units)
        #expect(top.askPrice.flatMap { RoxomSimulator.exact($0, scale: 2) } == ask?.price.units)
        #expect(top.bidSize.flatMap { RoxomSimulator.exact($0, scale: 1) } == bid?.quantity.lots)
    }

    @Test("bad subscriptions get 60014, 60015 and 60016 and change nothing")
    func badSubscriptions() {
        var harness = RoxomHarness(configuration: RoxomSimulator.Configuration(maxSubscriptions: 2))
        harness.connect(first, headers: [HTTPHeader(name: "X-API-KEY", value: "k")], subscriptions: [])
        harness.sendRaw(#"{"op":"subscribe","args":[{"channel":"depth","symbol":"US500-BTC"},{"channel":"candles","symbol":"US500-BTC"}]}"#, on: first)
        #expect(harness.last(first).hasPrefix(#"{"event":"error","code":"60014","msg":"Invalid channel name: candles""#))
        harness.sendRaw(#"{"op":"subscribe","args":[{"channel":"depth","symbol":"DOGE-BTC"}]}"#, on: first)
        #expect(harness.last(first).hasPrefix(#"{"event":"error","code":"60015","msg":"Invalid symbol: DOGE-BTC""#))
        harness.sendRaw(#"{"op":"subscribe","args":[{"channel":"level1"}]}"#, on: first)
        #expect(harness.last(first).contains(#""code":"60015""#))
        harness.sendRaw(#"{"op":"subscribe","args":[{"channel":"orders","symbol":"US500-BTC"}]}"#, on: first)
        #expect(harness.last(first).contains(#""code":"60015""#))
        #expect(harness.simulator.session(first)?.subscriptions.isEmpty == true)
        harness.sendRaw(#"{"op":"subscribe","args":[{"channel":"orders"},{"channel":"balance"},{"channel":"positions"}]}"#, on: first)
        #expect(harness.last(first).hasPrefix(#"{"event":"error","code":"60016","msg":"Subscription limit exceeded: at most 2 active subscriptions""#))
        #expect(harness.simulator.session(first)?.subscriptions.isEmpty == true)
        #expect(harness.closed[first] == nil)
    }

    @Test("malformed JSON, an unknown op, a request without args and binary messages get the protocol errors")
    func protocolErrors() {
        var harness = RoxomHarness()
        harness.connect(first, headers: [HTTPHeader(name: "X-API-KEY", value: "k")], subscriptions: [])
        harness.sendRaw(#"{"op":"subscribe","args":["#, on: first)
        #expect(harness.last(first).hasPrefix(#"{"event":"error","code":"60017","msg":"Message parsing error: "#))
        harness.sendRaw(#"{"op":"order","args":[]}"#, on: first)
        #expect(harness.last(first).hasPrefix(#"{"event":"error","code":"60017","msg":"Message parsing error: unknown message type request order""#))
        harness.sendRaw(#"{"op":"subscribe"}"#, on: first)
        #expect(harness.last(first).contains(#""code":"60017""#))
        harness.sendRaw(#"{"op":"subscribe","args":[]}"#, on: first)
        #expect(harness.last(first).contains(#""msg":"Message parsing error: args is empty""#))
        harness.apply(harness.simulator.receivedFrame(first, .binary, [1, 2, 3], at: harness.now))
        #expect(harness.last(first).hasPrefix(#"{"event":"error","code":"60018","msg":"Binary messages not supported: send JSON text""#))
        #expect(harness.closed[first] == nil)
        #expect(harness.received[first]?.count == 5)
    }

    @Test("the server pings every 20 s, answers pings, and closes a connection silent for 60 s with 1001")
    func heartbeatAndIdle() {
        var harness = RoxomHarness()
        harness.connect(first, headers: [], subscriptions: [])
        harness.connect(second, headers: [], subscriptions: [])
        harness.silent = [first, second]
        harness.apply(harness.simulator.receivedFrame(first, .ping, [7], at: harness.now))
        #expect(harness.controls[first] == [.pong])
        harness.advance(to: .seconds(41))
        #expect(harness.controls[second] == [.ping, .ping])
        // The first answers one ping late; the second stays silent.
        harness.apply(harness.simulator.receivedFrame(first, .pong, [], at: harness.now))
        harness.advance(to: .seconds(60))
        #expect(harness.closed.isEmpty)
        harness.advance(to: .seconds(61))
        #expect(harness.closed[second] == CloseInfo(code: 1001, reason: "idle for 60 s"))
        #expect(harness.closed[first] == nil)
        harness.advance(to: .seconds(101))
        #expect(harness.closed[first]?.code == 1001)
        // A client that answers pings (every WebSocket library does) stays connected.
        harness.connect(third, headers: [], subscriptions: [])
        harness.advance(to: .seconds(400))
        #expect(harness.closed[third] == nil)
    }

    @Test("a resting limit order is pushed as new with every member of the docs' order example, and cancelled")
    func limitOrderPushes() throws {
        var harness = RoxomHarness(configuration: keyed)
        harness.connect(first, headers: RoxomHarness.hmac())
        let account = try #require(harness.simulator.account(key: "KEY"))
        let bid = try #require(harness.simulator.market.exchange.bestBidAsk().bid)
        let price = FixedDecimal(mantissa: bid.units - 500, scale: 2)
        harness.act { $0.placeOrder(key: "KEY", side: .buy, quantity: FixedDecimal("1.00")!, kind: .limit(price), clientOrderID: "my-order-123", at: $1) }
        let new = try #require(harness.frames(first, containing: #""status":"new""#).first)
        #expect(new.hasPrefix(#"{"type":"order","data":{"orderId":"00000000-0000-7000-8000-"#))
        #expect(new.contains(#","accountId":"00000000-0000-7000-8000-000000000002","symbol":"US500-BTC","status":"new","remainingQty":"1.00","executedQty":"0.00","avgPx":"0.00","fillPx":null,"filledFees":null,"side":"buy","orderType":"limit","orderSize":"1.00","limitPrice":"\#(price)","clientOrderId":"my-order-123","entryPositionId":null,"exitPositionId":null,"reason":null,"timestamp":"#))
        #expect(harness.simulator.market.exchange.openOrders(of: account).count == 1)
        #expect(harness.clients[first]!.account.openOrders.first?.clientOrderID == "my-order-123")
        let id = try #require(harness.simulator.openOrderIDs(key: "KEY").first)
        harness.act { $0.cancelOrder(key: "KEY", orderID: id, at: $1) }
        let cancelled = harness.frames(first, containing: #""status":"cancelled""#)
        #expect(cancelled.count == 1)
        #expect(cancelled.first?.contains(#""status":"cancelled","remainingQty":"1.00""#) == true)
        #expect(cancelled.first?.contains(#""reason":"user""#) == true)
        #expect(harness.clients[first]!.account.openOrders.isEmpty)
        #expect(harness.disagreements(first, key: "KEY").isEmpty)
    }

    @Test("a market order is pushed as new, then fills, then the position and the balance")
    func marketOrderPushes() throws {
        var harness = RoxomHarness(configuration: keyed)
        harness.connect(first, headers: RoxomHarness.hmac())
        let before = harness.received[first]?.count ?? 0
        harness.act { $0.placeOrder(key: "KEY", side: .sell, quantity: FixedDecimal("2.5")!, at: $1) }
        let pushes = (harness.received[first] ?? []).dropFirst(before).filter { !$0.hasPrefix(#"{"topic""#) }
        #expect(pushes.first?.contains(#""status":"new""#) == true)
        #expect(pushes.first?.contains(#""orderType":"market","orderSize":"2.50","limitPrice":null"#) == true)
        let fills = pushes.filter { $0.contains(#""fillPx":""#) }
        #expect(!fills.isEmpty)
        #expect(fills.last?.contains(#""status":"filled","remainingQty":"0.00","executedQty":"2.50""#) == true)
        #expect(fills.allSatisfy { $0.contains(#""entryPositionId":"00000000-"#) })
        let position = try #require(pushes.first { $0.hasPrefix(#"{"type":"position","data":[{"id":"#) })
        #expect(position.contains(#""side":"short","entryAmount":"2.500","exitAmount":"0.000","size":"2.500","tradeMode":"isolated","openDate":"#))
        #expect(position.contains(#""leverage":"10.0""#) && position.contains(#""status":"normal""#))
        let balance = try #require(pushes.last)
        #expect(balance.hasPrefix(#"{"type":"balance","data":{"accountId":"#))
        #expect(balance.contains(#""balanceBefore":"1.00000000""#) && balance.contains(#""updateType":"ordersettle""#))
        #expect(harness.clients[first]!.account.positions.first?.side == .short)
        #expect(harness.disagreements(first, key: "KEY").isEmpty)

        // Closing it: an exit on the same position id, then status closed with a closeDate.
        harness.act { $0.placeOrder(key: "KEY", side: .buy, quantity: FixedDecimal("2.5")!, at: $1) }
        let closed = try #require(harness.frames(first, containing: #""type":"position""#).last)
        #expect(closed.contains(#""exitAmount":"2.500","size":"0.000""#) && closed.contains(#""status":"closed""#))
        #expect(!closed.contains(#""closeDate":null"#))
        #expect(harness.clients[first]!.account.positions.first?.side == .flat)
        #expect(harness.disagreements(first, key: "KEY").isEmpty)
    }

    @Test("leverage changes, cancel-all and rejections reach the account's connections")
    func otherOrderEntry() throws {
        var harness = RoxomHarness(configuration: keyed)
        harness.connect(first, headers: RoxomHarness.hmac())
        harness.act { $0.placeOrder(key: "KEY", side: .buy, quantity: FixedDecimal("1")!, at: $1) }
        harness.act { $0.setLeverage(key: "KEY", leverage: 5, at: $1) }
        #expect(harness.frames(first, containing: #""type":"position""#).last?.contains(#""leverage":"5.0""#) == true)
        #expect(harness.clients[first]!.account.leverageBySymbol[symbol] == FixedDecimal("5.0"))
        let pushed = harness.received[first]?.count ?? 0
        harness.act { $0.setLeverage(key: "KEY", leverage: 500, at: $1) }
        #expect(harness.received[first]?.dropFirst(pushed).allSatisfy { $0.hasPrefix(#"{"topic""#) } ?? true)

        let bid = try #require(harness.simulator.market.exchange.bestBidAsk().bid)
        for offset in [1_000, 2_000] as [Int64] {
            harness.act { $0.placeOrder(key: "KEY", side: .buy, quantity: FixedDecimal("0.3")!, kind: .limit(FixedDecimal(mantissa: bid.units - offset, scale: 2)), at: $1) }
        }
        #expect(harness.clients[first]!.account.openOrders.count == 2)
        harness.act { $0.cancelAllOrders(key: "KEY", at: $1) }
        #expect(harness.frames(first, containing: #""status":"cancelled""#).count == 2)
        #expect(harness.clients[first]!.account.openOrders.isEmpty)

        harness.act { $0.placeOrder(key: "KEY", side: .buy, quantity: FixedDecimal("0.05")!, at: $1) }
        #expect(harness.last(first).contains(#""status":"rejected","remainingQty":"0.00","executedQty":"0.00""#))
        #expect(harness.last(first).contains(#""reason":"invalid quantity""#))
        harness.act { $0.placeOrder(key: "KEY", side: .buy, quantity: FixedDecimal("1")!, kind: .limit(FixedDecimal("5000.10")!), at: $1) }
        #expect(harness.last(first).contains(#""reason":"invalid price""#))
        harness.act { $0.placeOrder(key: "KEY", side: .buy, quantity: FixedDecimal("50000")!, at: $1) }
        #expect(harness.last(first).contains(#""reason":"insufficient balance""#))
        let count = harness.received[first]?.count
        harness.act { $0.placeOrder(key: "NOBODY", side: .buy, quantity: FixedDecimal("1")!, at: $1) }
        #expect(harness.received[first]?.count == count)
        #expect(harness.disagreements(first, key: "KEY").isEmpty)
    }

    @Test("private pushes reach every connection of the account, subscribed or not, and no one else's")
    func privateFanOut() {
        var harness = RoxomHarness()
        harness.connect(first, headers: [HTTPHeader(name: "X-API-KEY", value: "a")])
        harness.connect(second, headers: [HTTPHeader(name: "X-API-KEY", value: "a")], subscriptions: [])
        harness.connect(third, headers: [HTTPHeader(name: "X-API-KEY", value: "b")], subscriptions: [])
        harness.act { $0.placeOrder(key: "a", side: .buy, quantity: FixedDecimal("1")!, at: $1) }
        let orders = harness.frames(first, containing: #"{"type":"order""#)
        #expect(!orders.isEmpty)
        #expect(harness.frames(second, containing: #"{"type":"order""#) == orders)
        #expect(harness.received[third] == nil)
        #expect(harness.disagreements(second, key: "a").filter { !$0.hasPrefix("balance") }.isEmpty)
    }

    @Test("the client fed the simulator's frames ends with the exchange's account after orders rest, fill from the market and close")
    func clientAgreesWithExchange() throws {
        var harness = RoxomHarness(configuration: keyed)
        harness.connect(first, headers: RoxomHarness.hmac())
        for second in stride(from: Int64(2), through: 40, by: 2) {
            harness.advance(to: .seconds(second))
            let (bid, ask) = harness.simulator.market.exchange.bestBidAsk()
            switch second % 8 {
            case 0: harness.act { $0.placeOrder(key: "KEY", side: .buy, quantity: FixedDecimal("0.7")!, at: $1) }
            case 2: harness.act { $0.placeOrder(key: "KEY", side: .sell, quantity: FixedDecimal("1.2")!, kind: .limit(FixedDecimal(mantissa: ask!.units, scale: 2)), at: $1) }
            case 4: harness.act { $0.placeOrder(key: "KEY", side: .buy, quantity: FixedDecimal("0.4")!, kind: .limit(FixedDecimal(mantissa: bid!.units, scale: 2)), at: $1) }
            default: harness.act { $0.placeOrder(key: "KEY", side: .sell, quantity: FixedDecimal("0.3")!, at: $1) }
            }
        }
        harness.advance(to: .seconds(60))
        let fromMarket = harness.frames(first, containing: #""orderType":"limit""#).filter { $0.contains(#""fillPx":""#) }
        #expect(!fromMarket.isEmpty)
        let problems = harness.disagreements(first, key: "KEY")
        #expect(problems.isEmpty, "\(problems)")
    }

    @Test("with account activity an account trades by itself and the client keeps up with it")
    func accountActivity() {
        var configuration = keyed
        configuration.accountActivity = AccountActivity.Configuration(interval: .seconds(1))
        var harness = RoxomHarness(configuration: configuration)
        harness.connect(first, headers: RoxomHarness.hmac())
        harness.advance(to: .seconds(120))
        #expect(harness.frames(first, containing: #""status":"new""#).count > 20)
        #expect(harness.frames(first, containing: #""type":"position""#).count > 5)
        let problems = harness.disagreements(first, key: "KEY")
        #expect(problems.isEmpty, "\(problems)")
    }

    @Test("a depth subscriber that applies the snapshot and then every delta holds the exchange's published book")
    func depthReconstruction() {
        var harness = RoxomHarness()
        harness.connect(first, headers: [], subscriptions: [RoxomChannel(name: "depth", symbol: symbol)])
        harness.connect(second, headers: [HTTPHeader(name: "X-API-KEY", value: "a")], subscriptions: [])
        var bids: [Int64: Int64] = [:]
        var asks: [Int64: Int64] = [:]
        var snapshots = 0
        var deltas = 0
        func apply(_ levels: [Venues.BookLevel], to book: inout [Int64: Int64]) {
            for level in levels {
                let price = RoxomSimulator.exact(level.price, scale: 2) ?? -1
                let lots = RoxomSimulator.exact(level.size, scale: 1) ?? -1
                if lots <= 0 { book.removeValue(forKey: price) } else { book[price] = lots }
            }
        }
        var agreed = true
        for second in 1...30 {
            harness.advance(to: .seconds(Int64(second)))
            // Trades of a simulated account move the book too.
            if second % 5 == 0 { harness.act { $0.placeOrder(key: "a", side: second % 10 == 0 ? .buy : .sell, quantity: FixedDecimal("3")!, at: $1) } }
            for event in harness.events[first] ?? [] {
                switch event {
                case .bookSnapshot(let book):
                    snapshots += 1
                    bids = [:]
                    asks = [:]
                    apply(book.bids, to: &bids)
                    apply(book.asks, to: &asks)
                case .bookDelta(let delta):
                    deltas += 1
                    apply(delta.bids, to: &bids)
                    apply(delta.asks, to: &asks)
                default:
                    continue
                }
            }
            harness.events[first] = []
            let depth = harness.simulator.configuration.market.publishedDepth
            let exchange = harness.simulator.market.exchange
            let wantBids = exchange.depth(.buy, levels: depth).map { [$0.price.units, $0.quantity.lots] }
            let wantAsks = exchange.depth(.sell, levels: depth).map { [$0.price.units, $0.quantity.lots] }
            let haveBids = bids.sorted { $0.key > $1.key }.prefix(depth).map { [$0.key, $0.value] }
            let haveAsks = asks.sorted { $0.key < $1.key }.prefix(depth).map { [$0.key, $0.value] }
            agreed = agreed && haveBids == wantBids && haveAsks == wantAsks
        }
        #expect(agreed)
        #expect(snapshots >= 1)
        #expect(deltas > 100)
    }

    @Test("a liquidation by the market closes the position, cancels the resting order and is pushed as such")
    func liquidation() throws {
        var harness = RoxomHarness(configuration: keyed)
        harness.connect(first, headers: RoxomHarness.hmac())
        harness.act { $0.setLeverage(key: "KEY", leverage: 50, at: $1) }
        harness.act { $0.placeOrder(key: "KEY", side: .buy, quantity: FixedDecimal("5")!, at: $1) }
        let bid = try #require(harness.simulator.market.exchange.bestBidAsk().bid)
        harness.act { $0.placeOrder(key: "KEY", side: .buy, quantity: FixedDecimal("1")!, kind: .limit(FixedDecimal(mantissa: bid.units - 20_000, scale: 2)), at: $1) }
        let account = try #require(harness.simulator.account(key: "KEY"))
        let liquidationPrice = try #require(harness.simulator.market.exchange.position(of: account)?.liquidationPrice)
        // The market takes the mark through the liquidation price (what the generator does in a crash).
        _ = harness.simulator.market.apply { exchange, now in exchange.updateMarkPrice(Price(units: liquidationPrice.units - 25), at: now) }
        #expect(harness.simulator.market.exchange.position(of: account)?.quantity == 0)
        harness.advance(to: harness.now + .milliseconds(100))
        #expect(harness.frames(first, containing: #""reason":"liquidation""#).count == 1)
        #expect(harness.frames(first, containing: #""status":"closed""#).count == 1)
        #expect(harness.frames(first, containing: #""updateType":"liquidation""#).count == 1)
        #expect(harness.clients[first]!.account.positions.first?.side == .flat)
        let problems = harness.disagreements(first, key: "KEY")
        #expect(problems.isEmpty, "\(problems)")
    }

    @Test("funding moves the balance with updateType funding and the position's margin")
    func funding() {
        var spec = InstrumentSpec.roxomUS500BTC
        spec.fundingIntervalNanos = 10_000_000_000
        var configuration = keyed
        configuration.market = MarketDataConfig(instrument: spec, startPrice: Price(units: 500_000))
        var harness = RoxomHarness(configuration: configuration)
        harness.connect(first, headers: RoxomHarness.hmac())
        harness.act { $0.placeOrder(key: "KEY", side: .buy, quantity: FixedDecimal("20")!, at: $1) }
        harness.advance(to: .seconds(45))
        let fundings = harness.frames(first, containing: #""updateType":"funding""#)
        #expect(fundings.count >= 2)
        let problems = harness.disagreements(first, key: "KEY")
        #expect(problems.isEmpty, "\(problems)")
    }

    @Test("the same seed and the same calls give the same frames, byte for byte")
    func determinism() {
        func run() -> [String] {
            var configuration = RoxomSimulator.Configuration()
            configuration.accountActivity = AccountActivity.Configuration(interval: .milliseconds(700))
            var harness = RoxomHarness(seed: 11, configuration: configuration)
            harness.connect(first, headers: [HTTPHeader(name: "X-API-KEY", value: "a")])
            harness.connect(second, headers: [], subscriptions: [RoxomChannel(name: "trade", symbol: symbol), RoxomChannel(name: "ticker", symbol: symbol)])
            harness.advance(to: .seconds(10))
            harness.act { $0.placeOrder(key: "a", side: .buy, quantity: FixedDecimal("1")!, at: $1) }
            harness.advance(to: .seconds(30))
            return (harness.received[first] ?? []) + ["--"] + (harness.received[second] ?? [])
        }
        let one = run()
        let two = run()
        let same = one == two
        #expect(same)
        #expect(one.count > 100)
        #expect(one.contains { $0.hasPrefix(#"{"topic":"ticker.US500-BTC","type":"snapshot""#) })
        #expect(one.contains { $0.hasPrefix(#"{"topic":"trade.US500-BTC","type":"snapshot""#) })
    }
}

