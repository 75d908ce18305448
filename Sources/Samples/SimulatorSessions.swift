import Exchange
import Simulators
import TapeCore
import Venues

/// Short, realistic sessions of our venue clients with the venue simulators, on virtual time: the
/// source of `recordings/<venue>-session.tape` (tools/make-recordings). Each one authenticates,
/// subscribes to market data, trades (orders resting, filling, cancelled), changes leverage, loses
/// its connection and reconnects, then closes. The frames are those a client-side recorder writes,
/// already redacted by the venue's rules; the same seed gives the same frames on every machine.
public enum SimulatorSessions {
    /// A recorded session: the venue, where the client connected, and the frames.
    public struct Recording: Sendable {
        public var venue: VenueName
        public var endpoints: [String]
        public var frames: [Frame]
        /// Unix time at the session's start, for the tape header (the simulator's clock).
        public var wallClockStartNanoseconds: Int64
        /// The instruments traded, for the tape header's `symbols` label (replay reads it).
        public var symbols: [String]
        /// The account a Notional tape streams, for the header's `user` label (replay reads it).
        public var user: String? = nil

        /// The tape header's labels: where the session came from and what replay needs.
        public var labels: [String: String] {
            var labels = [
                "recorded-from": "the \(venue.rawValue) simulator, seed 7, on virtual time",
                "regenerate-with": "tools/make-recordings", "symbols": symbols.joined(separator: ","),
            ]
            labels["user"] = user
            return labels
        }
    }

    /// 2026-11-02T09:30:00Z: the simulated market's wall clock at its time zero.
    static let utcNanosAtZero: Int64 = 1_793_611_800 * 1_000_000_000
    /// The credentials the scripts use; the recordings must not contain them.
    public static let secrets = ["tapedeck-recording-token", "tapedeck-recording-secret"]

    /// Redacts payloads and handshakes by the venue's rules, as `tape record` does.
    static func redacted(_ frames: [Frame], venue: VenueName) -> [Frame] {
        let rules = venue.redactionRules
        return frames.map { frame in
            var frame = frame
            switch frame.kind {
            case .text: frame.payload = rules.redact(frame.payload)
            case .opened: frame.payload = ConnectionOpened(payload: frame.payload).map { rules.redact($0).payload } ?? frame.payload
            default: break
            }
            return frame
        }
    }
}

/// The steps every session script shares.
extension LoopbackSession {
    /// The network drops `lost`; as `tape record` does, the gap is noted on the tape and half a
    /// second later `next` connects with a new client (made then: a signature may carry the time).
    mutating func reconnect(
        _ lost: ConnectionID, as next: ConnectionID, url: String, target: String = "/",
        headers: (Timestamp) -> [HTTPHeader] = { _ in [] }, client makeClient: (Timestamp) -> Client
    ) {
        drop(lost, reason: "connection reset by peer")
        annotate(lost, "connection \(lost) lost: connection reset by peer; reconnecting in 0.5 s (attempt 1)")
        run(until: now + .milliseconds(500))
        connect(next, client: makeClient(now), url: url, target: target, headers: headers(now))
    }

    /// The clients close their connections normally, and the close handshakes run out.
    mutating func finish(_ connections: [ConnectionID]) {
        for connection in connections {
            perform(on: connection) { _, _ in [.close(CloseInfo(code: 1000, reason: "recording done"))] }
        }
        run(until: now + .seconds(1))
    }
}

// MARK: - Digitex

extension SimulatorSessions {
    static let digitexURL = "ws://127.0.0.1:7401/"

    /// Digitex: auth, orderbook/trades/index, a resting limit order cancelled, a market order
    /// filled, a leverage change (orders and contracts re-ided), a conditional order, a dropped
    /// connection and a reconnect that resynchronises with getTraderStatus, then a close-out.
    public static func digitex(seed: UInt64 = 7) -> Recording {
        var market = DigitexSimulator.Configuration().market
        market.utcNanosAtZero = utcNanosAtZero
        let simulator = DigitexSimulator(seed: seed, configuration: DigitexSimulator.Configuration(market: market))
        var session = LoopbackSession<DigitexSimulator, DigitexClient>(dialect: simulator, configuration: .init(seed: seed))
        let symbol = "BTCUSD-PERP"
        let client = DigitexClient(configuration: .init(token: secrets[0]))
        let channels = ["\(symbol)@orderbook_5", "\(symbol)@trades", "\(symbol)@index"]

        func submit(_ command: DigitexCommand, on connection: ConnectionID) {
            session.perform(on: connection) { client, now in client.submit(command, at: now) }
        }
        func order(_ id: String, _ side: Venues.Side, _ quantity: Int64, limit: FixedDecimal? = nil) -> DigitexOrderRequest {
            DigitexOrderRequest(symbol: symbol, clOrdId: id, type: limit == nil ? .market : .limit,
                                timeInForce: limit == nil ? .immediateOrCancel : .goodTillCancelled, side: side, price: limit, quantity: FixedDecimal(quantity))
        }
        /// A price `ticks` ticks (5 USD each) below the best bid, in USD.
        func belowBid(_ ticks: Int64) -> FixedDecimal {
            let bid = session.dialect.market.exchange.bestBidAsk().bid?.units ?? 0
            return FixedDecimal(bid / 10_000 / 5 * 5 - ticks * 5)
        }

        let first = ConnectionID(0), second = ConnectionID(1)
        session.connect(first, client: client, url: digitexURL)
        session.run(until: .milliseconds(1_200))
        submit(.subscribe(channels), on: first)
        session.run(until: .seconds(2))
        submit(.getTraderStatus(symbol: symbol), on: first)
        session.run(until: .seconds(3))
        submit(.placeOrder(order("rec-1", .buy, 5, limit: belowBid(20))), on: first)
        session.run(until: .seconds(5))
        submit(.placeOrder(order("rec-2", .buy, 10)), on: first)
        session.run(until: .seconds(7))
        submit(.changeLeverageAll(symbol: symbol, leverage: 10), on: first)
        session.run(until: .seconds(9))
        submit(.placeConditionalOrder(DigitexConditionalOrderRequest(
            actionId: "rec-stop-1", triggerPriceType: "LAST_PRICE", condition: .lessOrEqual,
            triggerPrice: belowBid(40), order: order("rec-3", .sell, 10), mayIncreasePosition: false
        )), on: first)
        session.run(until: .seconds(11))
        submit(.cancelOrder(symbol: symbol, clOrdId: "rec-1"), on: first)
        session.run(until: .seconds(13))
        session.reconnect(first, as: second, url: digitexURL) { _ in client }
        session.run(until: .milliseconds(13_700))
        submit(.subscribe(channels), on: second)
        submit(.getTraderStatus(symbol: symbol), on: second)
        session.run(until: .seconds(15))
        submit(.placeOrder(order("rec-4", .sell, 4)), on: second)
        session.run(until: .seconds(17))
        submit(.cancelConditionalOrder(symbol: symbol, actionId: nil, allForTrader: true), on: second)
        submit(.closePosition(symbol: symbol, type: .market, price: nil), on: second)
        session.run(until: .seconds(19))
        session.finish([second])
        return Recording(venue: .digitex, endpoints: [digitexURL], frames: redacted(session.frames, venue: .digitex),
                         wallClockStartNanoseconds: utcNanosAtZero + 1_000_000_000, symbols: [symbol])
    }
}

// MARK: - QFEX

extension SimulatorSessions {
    static let qfexTradeURL = "ws://127.0.0.1:7402/"
    static let qfexMarketURL = "ws://127.0.0.1:7402/mds"

    /// QFEX: a trade socket (HMAC auth, account channels, a limit order modified then cancelled, a
    /// market order filled, a leverage change) beside a market-data socket (bbo, trades, mark
    /// price); the trade socket drops and reconnects with a fresh nonce, then closes the position.
    public static func qfex(seed: UInt64 = 7) -> Recording {
        var market = QFEXSimulator.Configuration().market
        market.utcNanosAtZero = utcNanosAtZero
        let simulator = QFEXSimulator(seed: seed, configuration: QFEXSimulator.Configuration(market: market))
        var session = LoopbackSession<QFEXSimulator, QFEXClient>(dialect: simulator, configuration: .init(seed: seed))
        let symbol = "BTC-USD"
        let instruments = [Instrument(symbol: symbol)]

        func trader(nonce: String, at time: Timestamp) -> QFEXClient {
            let unixSeconds = (utcNanosAtZero + time.nanoseconds) / 1_000_000_000
            let credentials = QFEXCredentials.signed(publicKey: secrets[0], secretKey: secrets[1], nonce: nonce, unixSeconds: unixSeconds)
            return QFEXClient(configuration: .init(credentials: credentials, instruments: instruments))
        }
        func submit(_ command: QFEXCommand, on connection: ConnectionID) {
            session.perform(on: connection) { client, now in client.submit(command, at: now) }
        }
        func order(_ id: String, _ side: Venues.Side, _ lots: Int64, limit: FixedDecimal? = nil) -> QFEXOrderRequest {
            QFEXOrderRequest(symbol: symbol, side: side, orderType: limit == nil ? "MARKET" : "LIMIT", timeInForce: limit == nil ? "IOC" : "GTC",
                             quantity: FixedDecimal(mantissa: lots, scale: 3), price: limit ?? .zero, clientOrderID: id)
        }
        /// A price `dollars` below the best bid, in USD.
        func belowBid(_ dollars: Int64) -> FixedDecimal {
            FixedDecimal((session.dialect.market.exchange.bestBidAsk().bid?.units ?? 0) / 100 - dollars)
        }
        /// The exchange's id of an order placed with client order id `id`, as the client saw it.
        func orderID(_ id: String, on connection: ConnectionID) -> String {
            session.clients[connection]?.account.openOrders.first { $0.clientOrderID == id }?.venueOrderID ?? id
        }

        let trade = ConnectionID(0), feed = ConnectionID(1), retrade = ConnectionID(2)
        session.connect(trade, client: trader(nonce: "recording-nonce-1", at: session.now), url: qfexTradeURL)
        session.connect(feed, client: QFEXClient(configuration: .init(credentials: nil, instruments: instruments)), url: qfexMarketURL, target: "/mds")
        session.run(until: .milliseconds(1_200))
        submit(.subscribe(["orders", "positions", "balances", "fills"]), on: trade)
        submit(.subscribeMarketData(channels: ["bbo", "trade", "mark_price"], symbols: [symbol]), on: feed)
        session.run(until: .seconds(2))
        submit(.setUserLeverage(symbol: symbol, leverage: 20), on: trade)
        session.run(until: .seconds(3))
        submit(.addOrder(order("rec-1", .buy, 50, limit: belowBid(40))), on: trade)
        session.run(until: .seconds(5))
        submit(.modifyOrder(QFEXModifyRequest(orderID: orderID("rec-1", on: trade), symbol: symbol, side: .buy,
                                              quantity: FixedDecimal(mantissa: 80, scale: 3), price: belowBid(30))), on: trade)
        session.run(until: .seconds(6))
        submit(.addOrder(order("rec-2", .buy, 20)), on: trade)
        session.run(until: .seconds(8))
        submit(.cancelOrder(symbol: symbol, id: .clientOrderID("rec-1")), on: trade)
        session.run(until: .seconds(10))
        session.reconnect(trade, as: retrade, url: qfexTradeURL) { trader(nonce: "recording-nonce-2", at: $0) }
        session.run(until: .milliseconds(10_700))
        submit(.subscribe(["orders", "positions", "balances", "fills"]), on: retrade)
        submit(.getUserOrders(limit: nil, offset: nil), on: retrade)
        session.run(until: .seconds(12))
        submit(.addOrder(order("rec-3", .sell, 20)), on: retrade)
        session.run(until: .seconds(14))
        session.finish([retrade, feed])
        return Recording(venue: .qfex, endpoints: [qfexTradeURL, qfexMarketURL], frames: redacted(session.frames, venue: .qfex),
                         wallClockStartNanoseconds: utcNanosAtZero + 1_000_000_000, symbols: [symbol])
    }
}

// MARK: - Roxom

extension SimulatorSessions {
    static let roxomURL = "ws://127.0.0.1:7403/ws"

    /// Roxom: HMAC authentication in the upgrade headers, the account channels, the depth book, trades and the ticker,
    /// orders placed through the simulator's stand-in for Roxom's REST API (a resting limit order
    /// later cancelled, market orders filled), a leverage change, a dropped connection and a
    /// reconnect with fresh headers, then a close.
    public static func roxom(seed: UInt64 = 7) -> Recording {
        var market = RoxomSimulator.Configuration().market
        market.utcNanosAtZero = utcNanosAtZero
        let simulator = RoxomSimulator(seed: seed, configuration: RoxomSimulator.Configuration(market: market))
        var session = LoopbackSession<RoxomSimulator, RoxomClient>(dialect: simulator, configuration: .init(seed: seed))
        let symbol = "US500-BTC", key = secrets[0]
        let client = RoxomClient(configuration: .init(
            instruments: [Instrument(symbol: symbol, tickSize: FixedDecimal(mantissa: 25, scale: 2), lotSize: FixedDecimal(mantissa: 1, scale: 1))],
            subscriptions: [RoxomChannel(name: "orders"), RoxomChannel(name: "balance"), RoxomChannel(name: "positions"),
                            RoxomChannel(name: "depth", symbol: symbol), RoxomChannel(name: "trade", symbol: symbol),
                            RoxomChannel(name: "ticker", symbol: symbol)]
        ))
        func headers(at now: Timestamp) -> [HTTPHeader] {
            RoxomAuthentication.hmacHeaders(apiKey: key, secret: secrets[1], timestampMillis: (utcNanosAtZero + now.nanoseconds) / 1_000_000)
        }
        func place(_ side: Venues.Side, tenths: Int64, _ kind: RoxomOrderKind = .market, id: String) {
            session.act { roxom, now in roxom.placeOrder(key: key, side: side, quantity: FixedDecimal(mantissa: tenths, scale: 1), kind: kind, clientOrderID: id, at: now) }
        }
        /// `points` index points below the best bid.
        func belowBid(_ points: Int64) -> FixedDecimal {
            FixedDecimal(mantissa: (session.dialect.market.exchange.bestBidAsk().bid?.units ?? 0) - points * 100, scale: 2)
        }

        let first = ConnectionID(0), second = ConnectionID(1)
        session.connect(first, client: client, url: roxomURL, target: "/ws", headers: headers(at: session.now))
        session.run(until: .seconds(2))
        place(.buy, tenths: 20, .limit(belowBid(5)), id: "rec-1")
        session.run(until: .seconds(3))
        place(.buy, tenths: 10, id: "rec-2")
        session.run(until: .seconds(5))
        session.act { roxom, now in roxom.setLeverage(key: key, leverage: 20, at: now) }
        session.run(until: .seconds(6))
        for id in session.dialect.openOrderIDs(key: key) {
            session.act { roxom, now in roxom.cancelOrder(key: key, orderID: id, at: now) }
        }
        session.run(until: .seconds(8))
        session.reconnect(first, as: second, url: roxomURL, target: "/ws", headers: headers) { _ in client }
        session.run(until: .seconds(10))
        place(.sell, tenths: 10, id: "rec-3")
        session.run(until: .seconds(12))
        session.finish([second])
        return Recording(venue: .roxom, endpoints: [roxomURL], frames: redacted(session.frames, venue: .roxom),
                         wallClockStartNanoseconds: utcNanosAtZero + 1_000_000_000, symbols: [symbol])
    }
}

// MARK: - Notional

extension SimulatorSessions {
    static let notionalURL = "ws://127.0.0.1:7404/"
    /// The account the Notional session streams (an address is public; Notional has no authentication).
    public static let notionalUser = "0x5eed00000000000000000000000000000000cafe"

    /// Notional: the account streamed by address on every account channel (summary, fills, order
    /// updates, refusals, asset data; permessage-deflate is the socket's business, not the tape's),
    /// orders through the simulator's stand-in for Notional's REST API
    /// (a resting order cancelled, market orders filled), a leverage change, the client's 30 s
    /// ping, a dropped connection and a reconnect, then a close. Notional documents no public
    /// market-data channel, so there is none.
    public static func notional(seed: UInt64 = 7) -> Recording {
        var market = NotionalSimulator.Configuration().market
        market.utcNanosAtZero = utcNanosAtZero
        let simulator = NotionalSimulator(seed: seed, configuration: NotionalSimulator.Configuration(market: market))
        var session = LoopbackSession<NotionalSimulator, NotionalClient>(dialect: simulator, configuration: .init(seed: seed))
        let user = notionalUser
        let channels = ["accountSummary", "userFills", "orderUpdates", "userOrderRejections", "activeAssetData"]
        let client = NotionalClient(configuration: .init(user: user, coins: ["BTC"], channels: channels))
        func place(buy: Bool, thousandths: Int64, limit: FixedDecimal? = nil, id: String) {
            session.act { notional, now in
                notional.placeOrder(user: user, isBuy: buy, size: FixedDecimal(mantissa: thousandths, scale: 3), limitPrice: limit, cloid: id, at: now)
            }
        }
        /// `dollars` below the best bid.
        func belowBid(_ dollars: Int64) -> FixedDecimal {
            FixedDecimal((session.dialect.market.exchange.bestBidAsk().bid?.units ?? 0) / 100 - dollars)
        }

        let first = ConnectionID(0), second = ConnectionID(1)
        session.connect(first, client: client, url: notionalURL)
        session.run(until: .seconds(2))
        place(buy: true, thousandths: 50, limit: belowBid(30), id: "0x00000000000000000000000000000001")
        session.run(until: .seconds(3))
        place(buy: true, thousandths: 20, id: "0x00000000000000000000000000000002")
        session.run(until: .seconds(5))
        session.act { notional, now in notional.setLeverage(user: user, leverage: 20, at: now) }
        session.run(until: .seconds(7))
        for oid in session.dialect.openOrderIDs(user: user) {
            session.act { notional, now in notional.cancelOrder(user: user, oid: oid, at: now) }
        }
        // Quiet for over 30 s: the client pings and the venue answers.
        session.run(until: .seconds(40))
        session.reconnect(first, as: second, url: notionalURL) { _ in client }
        session.run(until: .seconds(42))
        place(buy: false, thousandths: 20, id: "0x00000000000000000000000000000003")
        session.run(until: .seconds(44))
        session.finish([second])
        return Recording(venue: .notional, endpoints: [notionalURL], frames: redacted(session.frames, venue: .notional),
                         wallClockStartNanoseconds: utcNanosAtZero + 1_000_000_000, symbols: ["BTC"], user: user)
    }
}

// MARK: - Satori

extension SimulatorSessions {
    static let satoriURL = "ws://127.0.0.1:7405/"

    /// Satori: signed subscriptions to the account, positions, orders and trades (signatures are the
    /// simulator's: it checks their shape; `redacted` replaces them on the tape), orders through
    /// the stand-in for Satori's REST API (a resting order cancelled, market orders filled), a
    /// leverage change, a dropped connection and a reconnect with fresh signatures, then a close.
    public static func satori(seed: UInt64 = 7) -> Recording {
        var market = SatoriSimulator.Configuration().market
        market.utcNanosAtZero = utcNanosAtZero
        let simulator = SatoriSimulator(seed: seed, configuration: SatoriSimulator.Configuration(market: market))
        var session = LoopbackSession<SatoriSimulator, SatoriClient>(dialect: simulator, configuration: .init(seed: seed))
        let pair = "ETH-USD", key = secrets[0]
        let signature = "0x" + String(repeating: "5e", count: 64) + "1b"
        func client(at now: Timestamp) -> SatoriClient {
            let millis = (utcNanosAtZero + now.nanoseconds) / 1_000_000
            let subscriptions = [
                SatoriSubscription(event: "api_account", symbol: "USD", apiKey: key, signature: signature, timestampMillis: millis),
                SatoriSubscription(event: "api_position", pair: pair, apiKey: key, signature: signature, timestampMillis: millis),
                SatoriSubscription(event: "api_entrust", pair: pair, apiKey: key, signature: signature, timestampMillis: millis),
                SatoriSubscription(event: "api_trade", pair: pair, apiKey: key, signature: signature, timestampMillis: millis),
            ]
            return SatoriClient(configuration: .init(
                instruments: [Instrument(symbol: pair, tickSize: FixedDecimal(mantissa: 1, scale: 1), lotSize: FixedDecimal(mantissa: 1, scale: 2))],
                subscriptions: subscriptions))
        }
        func place(_ side: Venues.Side, hundredths: Int64, limit: FixedDecimal? = nil, id: String) {
            session.act { satori, now in
                satori.placeOrder(key: key, side: side, quantity: FixedDecimal(mantissa: hundredths, scale: 2), price: limit, clientOrderID: id, at: now)
            }
        }
        /// `dollars` below the best bid.
        func belowBid(_ dollars: Int64) -> FixedDecimal {
            FixedDecimal((session.dialect.market.exchange.bestBidAsk().bid?.units ?? 0) / 1_000 - dollars)
        }

        let first = ConnectionID(0), second = ConnectionID(1)
        session.connect(first, client: client(at: session.now), url: satoriURL)
        session.run(until: .seconds(2))
        place(.buy, hundredths: 30, limit: belowBid(5), id: "rec-1")
        session.run(until: .seconds(3))
        place(.buy, hundredths: 10, id: "rec-2")
        session.run(until: .seconds(5))
        session.act { satori, now in satori.setLeverage(key: key, leverage: 20, at: now) }
        session.run(until: .seconds(6))
        for id in session.dialect.openEntrustIDs(key: key) {
            session.act { satori, now in satori.cancelOrder(key: key, entrustID: id, at: now) }
        }
        session.run(until: .seconds(8))
        session.reconnect(first, as: second, url: satoriURL) { client(at: $0) }
        session.run(until: .seconds(10))
        place(.sell, hundredths: 10, id: "rec-3")
        session.run(until: .seconds(12))
        session.finish([second])
        return Recording(venue: .satori, endpoints: [satoriURL], frames: redacted(session.frames, venue: .satori),
                         wallClockStartNanoseconds: utcNanosAtZero + 1_000_000_000, symbols: [pair])
    }
}
