import TapeCore
import TapeFormat
import Venues

/// What replay needs of each venue: which one a tape names, its default instruments, its client.
extension VenueName {
    /// The venue a tape header names, or an error that lists the ones there are.
    public init(header: TapeHeader, tape: String) throws(ReplayError) {
        guard let venue = VenueName(rawValue: header.venue.lowercased()) else {
            throw ReplayError(
                .unknownVenue, place: tape,
                "the tape is from venue '\(header.venue)', which has no client to replay it into",
                remedy: "replay tapes of \(VenueName.allCases.map(\.rawValue).joined(separator: ", ")); 'tape cat' shows any tape's frames"
            )
        }
        self = venue
    }

    /// The venue whose host a connection URL names (`wss://mds.qfex.com` → qfex), if any.
    /// Lets a tape that holds two venues' connections (the demo) give each its own client.
    public init?(url: String) {
        let lowered = url.lowercased()
        guard let venue = VenueName.allCases.first(where: { lowered.contains($0.rawValue) }) else { return nil }
        self = venue
    }

    /// Instruments assumed when neither the configuration nor the tape's labels name any: the
    /// symbols of the venue's documented examples.
    public var defaultSymbols: [String] {
        switch self {
        case .digitex: ["BTCUSD-PERP"]
        case .qfex: ["AAPL-USD", "SP500-USD", "PLTR-USD", "US100-USD", "META-USD", "GOOG-USD"]
        case .roxom: ["US500-BTC", "US100-BTC", "GOLD-BTC", "OIL-BTC", "USDT-BTC"]
        case .notional: ["BTC", "ETH"]
        case .satori: ["ETH-USD", "BTC-USD"]
        }
    }

    /// A new client for one connection. `drives` is false for replay (the tape holds the
    /// outbound side; the client only observes) and true for verify (the client acts as live).
    func makeClient(symbols: [String], notionalUser: String, drives: Bool) -> any VenueClient {
        let instruments = symbols.map { Instrument(symbol: $0) }
        switch self {
        case .digitex:
            var digitex = instruments
            if let index = digitex.firstIndex(where: { $0.symbol == "BTCUSD-PERP" }) {
                digitex[index] = Instrument(symbol: "BTCUSD-PERP", tickSize: 5, lotSize: 1)
            }
            return DigitexClient(configuration: .init(token: nil, instruments: digitex, drivesConnection: drives))
        case .qfex:
            return QFEXClient(configuration: .init(credentials: nil, instruments: instruments, drivesConnection: drives))
        case .roxom:
            return RoxomClient(configuration: .init(instruments: instruments, drivesConnection: drives))
        case .notional:
            // No channels to subscribe on connect: a tape's subscriptions are requests on it (verify checks them).
            return NotionalClient(configuration: .init(user: notionalUser, coins: symbols, channels: [], drivesConnection: drives))
        case .satori:
            return SatoriClient(configuration: .init(instruments: instruments, drivesConnection: drives))
        }
    }
}
