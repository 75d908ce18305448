import Simulators
import TapeCore
import TapeFormat
import Venues

/// Tapes of simulated sessions: a venue's client subscribed to its public feed on the venue's
/// simulator, on virtual time (`LoopbackSession`: the frames a client-side recorder writes).
/// Unlike the documented examples cycled, prices, sizes and times move, so the tape compresses
/// like real traffic and its raw read rate is a fair baseline. Notional's API has no public
/// market-data channel: its tape is an account's, holding a position while the mark moves.
enum SimulatedTape {
    static let venues: [VenueName] = [.digitex, .qfex, .roxom, .satori, .notional]

    /// Writes `count` frames of `venue`'s session to `path`; the header names the symbol.
    static func write(_ venue: VenueName, path: String, count: Int) throws {
        switch venue {
        case .digitex:
            let symbol = "BTCUSD-PERP"
            var session = LoopbackSession<DigitexSimulator, DigitexClient>(dialect: DigitexSimulator(seed: seed), configuration: .init(seed: seed))
            session.connect(feed, client: DigitexClient(configuration: .init(token: "bench-token")), url: "ws://127.0.0.1:7401/")
            session.run(until: .milliseconds(1_200))
            session.perform(on: feed) { client, now in
                client.submit(.subscribe(["\(symbol)@orderbook_5", "\(symbol)@trades", "\(symbol)@index"]), at: now)
            }
            try record(&session, venue: venue, symbol: symbol, count: count, path: path)
        case .qfex:
            let symbol = QFEXSimulator.Configuration().market.instrument.symbol
            var session = LoopbackSession<QFEXSimulator, QFEXClient>(dialect: QFEXSimulator(seed: seed), configuration: .init(seed: seed))
            let client = QFEXClient(configuration: .init(credentials: nil, instruments: [Instrument(symbol: symbol)]))
            session.connect(feed, client: client, url: "ws://127.0.0.1:7402/mds", target: "/mds")
            session.run(until: .milliseconds(1_200))
            session.perform(on: feed) { client, now in
                client.submit(.subscribeMarketData(channels: ["bbo", "level2", "trade", "mark_price"], symbols: [symbol]), at: now)
            }
            try record(&session, venue: venue, symbol: symbol, count: count, path: path)
        case .roxom:
            let symbol = RoxomSimulator.Configuration().symbol
            var session = LoopbackSession<RoxomSimulator, RoxomClient>(dialect: RoxomSimulator(seed: seed), configuration: .init(seed: seed))
            let channels = ["depth", "level1", "trade", "ticker"].map { RoxomChannel(name: $0, symbol: symbol) }
            let client = RoxomClient(configuration: .init(instruments: [Instrument(symbol: symbol)], subscriptions: channels))
            let headers = RoxomAuthentication.hmacHeaders(apiKey: "bench-key", secret: "bench-secret", timestampMillis: 0)
            session.connect(feed, client: client, url: "ws://127.0.0.1:7403/ws", target: "/ws", headers: headers)
            try record(&session, venue: venue, symbol: symbol, count: count, path: path)
        case .satori:
            let pair = "ETH-USD"
            var session = LoopbackSession<SatoriSimulator, SatoriClient>(dialect: SatoriSimulator(seed: seed), configuration: .init(seed: seed))
            let signature = "0x" + String(repeating: "5e", count: 64) + "1b"
            let trades = SatoriSubscription(event: "api_trade", pair: pair, apiKey: "bench-key", signature: signature, timestampMillis: 0)
            let client = SatoriClient(configuration: .init(instruments: [Instrument(symbol: pair)], subscriptions: [trades]))
            session.connect(feed, client: client, url: "ws://127.0.0.1:7405/")
            try record(&session, venue: venue, symbol: pair, count: count, path: path)
        case .notional:
            let coin = "BTC", user = "0x5eed00000000000000000000000000000000cafe"
            var session = LoopbackSession<NotionalSimulator, NotionalClient>(dialect: NotionalSimulator(seed: seed), configuration: .init(seed: seed))
            let channels = ["accountSummary", "userFills", "orderUpdates", "userOrderRejections", "activeAssetData"]
            session.connect(feed, client: NotionalClient(configuration: .init(user: user, coins: [coin], channels: channels)), url: "ws://127.0.0.1:7404/")
            session.run(until: .seconds(2))
            // A position, so that every move of the mark changes the account's summary.
            session.act { notional, now in
                notional.placeOrder(user: user, isBuy: true, size: FixedDecimal(mantissa: 20, scale: 3), limitPrice: nil,
                                    cloid: "0x00000000000000000000000000000001", at: now)
            }
            try record(&session, venue: venue, symbol: coin, count: count, path: path, labels: ["user": user])
        }
    }

    private static let seed: UInt64 = 11
    private static let feed = ConnectionID(0)

    /// Runs the session until it holds `count` frames and writes the first `count`.
    private static func record<Dialect, Client>(
        _ session: inout LoopbackSession<Dialect, Client>, venue: VenueName, symbol: String, count: Int, path: String,
        labels: [String: String] = [:]
    ) throws {
        var until = session.now + .seconds(1)
        while session.frames.count < count {
            let before = session.frames.count
            session.run(until: until)
            until = until + .seconds(10)
            // A feed that stopped (a refused subscription, a closed connection) would loop forever.
            precondition(session.frames.count > before || until < .seconds(60), "\(venue.rawValue): the simulated feed sends nothing")
        }
        var options = TapeWriter.Options()
        options.overwrite = true
        let header = TapeHeader(venue: venue.rawValue, wallClockStartNanoseconds: 0, labels: labels.merging(["symbols": symbol]) { $1 })
        let writer = try TapeWriter(path: path, header: header, options: options)
        for frame in session.frames.prefix(count) { try writer.append(frame) }
        try writer.close()
    }
}
