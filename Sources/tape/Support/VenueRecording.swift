import Foundation
import NIOCore
import TapeCore
import TapeFormat
import TapeNet
import Venues

/// A venue driven live over its sockets (trading, and market data where the venue splits them),
/// every frame recorded (redacted) on one tape, each socket reconnecting with backoff when the venue
/// drops it. `tape record` and `tape demo` use it; what differs per venue is in `RecordableVenue`.
final class VenueRecording {
    enum Venue: String, CaseIterable {
        case digitex, qfex, roxom, notional, satori

        var recordable: RecordableVenue {
            switch self {
            case .digitex: .digitex
            case .qfex: .qfex
            case .roxom: .roxom
            case .notional: .notional
            case .satori: .satori
            }
        }
    }

    /// What the user asked for; nil fields take the venue's defaults.
    struct Request {
        var url: WebSocketURL
        var credentials: Credentials
        var symbols: [String]?
        var channels: [String]?
        /// The market-data socket's URL, for venues that have one (nil: next to `url`).
        var marketURL: WebSocketURL?
        var marketChannels: [String]?
        /// False: record the trading socket only.
        var marketData = true
    }

    /// The sockets opened, by name ("trading", "market data"), with their URLs.
    let sockets: [(name: String, url: WebSocketURL)]
    private let open: [RecordableVenue.OpenSocket]

    private init(sockets: [(name: String, url: WebSocketURL)], open: [RecordableVenue.OpenSocket]) {
        self.sockets = sockets
        self.open = open
    }

    /// Places an order on the trading socket (Digitex only; the demo's trades).
    var placeOrder: (@Sendable (DigitexOrderRequest) -> Void)? { open.first?.placeDigitexOrder }

    /// Closes every socket (no more reconnects).
    func close() { open.forEach { $0.close() } }

    /// Completes when every socket is closed (by `close`, or given up on).
    func closed(on loop: EventLoop) -> EventLoopFuture<Void> {
        EventLoopFuture.andAllComplete(open.map(\.closed), on: loop)
    }

    /// Completes when any socket has ended for good.
    func anyClosed(on loop: EventLoop) -> EventLoopFuture<Void> {
        let promise = loop.makePromise(of: Void.self)
        let first = OnceFlag()
        for socket in open {
            socket.closed.whenComplete { _ in if first.setFirst() { promise.succeed() } }
        }
        return promise.futureResult
    }

    /// Connects every socket of the venue (authenticating and subscribing) and records them on
    /// `tape`. Throws when a first connection fails (already open sockets are closed).
    static func start(
        venue: Venue, request: Request, tls: ClientTLS, tape: VenueTape, group: EventLoopGroup,
        backoff: ReconnectBackoff = ReconnectBackoff(), onEvent: @escaping @Sendable (VenueEvent) -> Void = { _ in },
        onNote: @escaping @Sendable (String) -> Void = { _ in }
    ) throws -> VenueRecording {
        let recordable = venue.recordable
        let symbols = request.symbols ?? recordable.defaultSymbols
        var context = RecordableVenue.Context(
            url: request.url, credentials: request.credentials, channels: request.channels ?? recordable.defaultChannels(symbols),
            symbols: symbols, tls: tls, tape: tape, group: group, backoff: backoff, onEvent: onEvent, onNote: onNote)
        var sockets = [(name: "trading", url: request.url)]
        var open = [try recordable.openTrading(context).wait()]
        if request.marketData, let market = recordable.marketData {
            context.url = request.marketURL ?? market.defaultURL(request.url)
            context.channels = request.marketChannels ?? market.defaultChannels
            sockets.append((name: "market data", url: context.url))
            do {
                open.append(try market.open(context).wait())
            } catch {
                open.forEach { $0.close() }
                throw error
            }
        }
        return VenueRecording(sockets: sockets, open: open)
    }

    /// Credentials come from the environment, never from the command line (argv is visible to
    /// every user of the machine and lands in shell history).
    struct Credentials {
        var token: String?
        var apiKey: String?
        var secret: String?
        /// The account's address (Notional streams an account by it; not a secret).
        var address: String?
        /// A shell command that prints the signature of the argument it is given (Satori signs each
        /// subscription with secp256k1; the key stays with the command, never with Tapedeck).
        var signer: String?

        static func fromEnvironment(prefix: String) -> Credentials {
            let environment = ProcessInfo.processInfo.environment
            return Credentials(
                token: environment["\(prefix)_TOKEN"], apiKey: environment["\(prefix)_API_KEY"],
                secret: environment["\(prefix)_SECRET"], address: environment["\(prefix)_ADDRESS"],
                signer: environment["\(prefix)_SIGNER"]
            )
        }
    }
}
