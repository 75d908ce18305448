import Foundation
import NIOCore
import TapeCore
import TapeFormat
import TapeNet
import Venues

/// A venue client driven live over a socket, with every frame recorded (redacted) on a tape.
/// `tape record` and `tape demo` use it; Digitex and QFEX are the venues it can drive so far.
final class VenueRecording {
    enum Venue: String, CaseIterable {
        case digitex, qfex
    }

    private let closeConnection: () -> Void
    private let closedFuture: EventLoopFuture<Void>
    /// Places an order (Digitex only; the demo's trades).
    let placeOrder: (@Sendable (DigitexOrderRequest) -> Void)?

    private init(close: @escaping () -> Void, closed: EventLoopFuture<Void>, placeOrder: (@Sendable (DigitexOrderRequest) -> Void)?) {
        closeConnection = close
        closedFuture = closed
        self.placeOrder = placeOrder
    }

    func close() { closeConnection() }
    var closed: EventLoopFuture<Void> { closedFuture }

    /// Connects, authenticates with the credentials given, subscribes to `channels`, and records.
    static func start(
        venue: Venue, url: WebSocketURL, credentials: Credentials, channels: [String], symbols: [String],
        tls: ClientTLS, recorder: TapeRecorder, redaction: Redaction, group: EventLoopGroup,
        onEvent: @escaping @Sendable (VenueEvent) -> Void = { _ in }
    ) throws -> VenueRecording {
        let connection = recorder.newConnection()
        let record: @Sendable (Direction, FrameKind, [UInt8]) -> Void = { direction, kind, payload in
            let redacted = kind == .opened
                ? (ConnectionOpened(payload: payload).map { redaction.opened($0).payload } ?? payload)
                : redaction.payload(direction, kind, payload)
            // A failed write shows in recorder.failure, which the run loop reports and stops on.
            try? recorder.record(direction, connection, kind, redacted)
        }
        let instruments = symbols.map { Instrument(symbol: $0) }
        switch venue {
        case .digitex:
            let client = DigitexClient(configuration: .init(token: credentials.token, instruments: instruments))
            let live = try LiveVenueConnection.connect(to: url, client: client, tls: tls, group: group, record: record, onEvent: onEvent).wait()
            live.perform { $0.submit(.subscribe(channels), at: $1) }
            return VenueRecording(close: { live.close() }, closed: live.closed) { order in
                live.perform { $0.submit(.placeOrder(order), at: $1) }
            }
        case .qfex:
            let signed = credentials.apiKey.map { key in
                QFEXCredentials.signed(publicKey: key, secretKey: credentials.secret ?? "", nonce: UUID().uuidString,
                                       unixSeconds: Int64(Date().timeIntervalSince1970))
            }
            let client = QFEXClient(configuration: .init(credentials: signed, instruments: instruments))
            let live = try LiveVenueConnection.connect(to: url, client: client, tls: tls, group: group, record: record, onEvent: onEvent).wait()
            live.perform { $0.submit(.subscribe(channels), at: $1) }
            return VenueRecording(close: { live.close() }, closed: live.closed, placeOrder: nil)
        }
    }

    /// Credentials come from the environment, never from the command line (argv is visible to
    /// every user of the machine and lands in shell history).
    struct Credentials {
        var token: String?
        var apiKey: String?
        var secret: String?

        static func fromEnvironment(prefix: String) -> Credentials {
            let environment = ProcessInfo.processInfo.environment
            return Credentials(
                token: environment["\(prefix)_TOKEN"], apiKey: environment["\(prefix)_API_KEY"],
                secret: environment["\(prefix)_SECRET"]
            )
        }
    }

    static func defaultChannels(_ venue: Venue, symbols: [String]) -> [String] {
        switch venue {
        case .digitex: symbols.flatMap { ["\($0)@orderbook_5", "\($0)@trades", "\($0)@index"] }
        case .qfex: ["orders", "positions", "balances", "fills"]
        }
    }

    static func defaultSymbols(_ venue: Venue) -> [String] {
        switch venue {
        case .digitex: ["BTCUSD-PERP"]
        case .qfex: ["BTC-USD"]
        }
    }
}
