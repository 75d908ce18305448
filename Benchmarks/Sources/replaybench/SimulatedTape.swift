import Simulators
import TapeCore
import TapeFormat
import Venues

/// Tapes of simulated market-data sessions: a venue's client subscribed to its public feed on the
/// venue's simulator, on virtual time (`LoopbackSession`: the frames a client-side recorder
/// writes). Unlike the documented examples cycled, prices, sizes and times move, so the tape
/// compresses like real traffic and its raw read rate is a fair baseline.
enum SimulatedTape {
    /// The venues whose simulator publishes market data. Notional's does not: its API has no
    /// public market-data channel, only an account's.
    static let venues: [VenueName] = [.digitex, .qfex, .roxom, .satori]

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
            preconditionFailure("the Notional simulator publishes no market data")
        }
    }

    private static let seed: UInt64 = 11
    private static let feed = ConnectionID(0)

    /// Runs the session until it holds `count` frames and writes the first `count`.
    private static func record<Dialect, Client>(
        _ session: inout LoopbackSession<Dialect, Client>, venue: VenueName, symbol: String, count: Int, path: String
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
        let header = TapeHeader(venue: venue.rawValue, wallClockStartNanoseconds: 0, labels: ["symbols": symbol])
        let writer = try TapeWriter(path: path, header: header, options: options)
        for frame in session.frames.prefix(count) { try writer.append(frame) }
        try writer.close()
    }
}
