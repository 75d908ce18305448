import Foundation
import NIOCore
import TapeCore
import TapeNet
import Venues

/// Everything `tape record` must know to drive one venue: how to build its client from the
/// credentials, what to subscribe to by default, and which sockets to open. Adding a venue to
/// `tape record` is one of these and a case in `VenueRecording.Venue`.
struct RecordableVenue {
    /// Symbols subscribed to when the user names none.
    var defaultSymbols: [String]
    /// Trading-socket channels subscribed to when the user names none, for the symbols chosen.
    var defaultChannels: (_ symbols: [String]) -> [String]
    /// The environment variables read, for --help (PREFIX is --credentials-env).
    var credentialsHelp: String
    /// Opens the trading (or only) socket: authenticates and subscribes to `channels`.
    var openTrading: (Context) -> EventLoopFuture<OpenSocket>
    /// The market-data socket, for venues that split trading and market data.
    var marketData: MarketData?
    /// What is missing from the credentials for this venue (nil: nothing); PREFIX is the
    /// variables' prefix, to name them.
    var credentialsProblem: (_ credentials: VenueRecording.Credentials, _ prefix: String) -> String? = { _, _ in nil }

    struct MarketData {
        /// The market-data URL next to a trading URL (used unless --market-url says otherwise).
        var defaultURL: (_ trading: WebSocketURL) -> WebSocketURL
        var defaultChannels: [String]
        /// Opens the market-data socket and subscribes to `channels` for `symbols`.
        var open: (Context) -> EventLoopFuture<OpenSocket>
    }

    /// What opening a socket needs: the user's choices and the recording's plumbing.
    struct Context {
        var url: WebSocketURL
        var credentials: VenueRecording.Credentials
        var channels: [String]
        var symbols: [String]
        var tls: ClientTLS
        var tape: VenueTape
        var group: EventLoopGroup
        var backoff: ReconnectBackoff
        var onEvent: @Sendable (VenueEvent) -> Void
        var onNote: @Sendable (String) -> Void

        /// A socket kept open (reconnecting) for a client made by `makeClient`, set up by `setUp`;
        /// `headers` are made for each attempt (a venue may sign the handshake).
        func open<Client: VenueClient>(
            _ makeClient: @escaping @Sendable () -> Client, headers: @escaping @Sendable () -> [HTTPHeader] = { [] },
            setUp: @escaping @Sendable (inout Client, Timestamp) -> [ClientAction]
        ) -> EventLoopFuture<ReconnectingVenueConnection<Client>> {
            ReconnectingVenueConnection.connect(
                to: url, makeHeaders: headers, tls: tls, backoff: backoff, tape: tape, group: group, makeClient: makeClient, setUp: setUp,
                onEvent: onEvent, onNote: onNote)
        }
    }

    /// An open socket as the command holds it, whatever its client.
    struct OpenSocket: Sendable {
        var close: @Sendable () -> Void
        var closed: EventLoopFuture<Void>
        /// Places a Digitex order on it (the demo's trades); nil for other venues.
        var placeDigitexOrder: (@Sendable (DigitexOrderRequest) -> Void)?

        init<Client>(_ connection: ReconnectingVenueConnection<Client>, placeDigitexOrder: (@Sendable (DigitexOrderRequest) -> Void)? = nil) {
            close = { connection.close() }
            closed = connection.closed
            self.placeDigitexOrder = placeDigitexOrder
        }
    }
}

extension RecordableVenue {
    /// Digitex: one socket for everything; the token authenticates (`auth` command).
    static var digitex: RecordableVenue {
        RecordableVenue(
            defaultSymbols: ["BTCUSD-PERP"],
            defaultChannels: { symbols in symbols.flatMap { ["\($0)@orderbook_5", "\($0)@trades", "\($0)@index"] } },
            credentialsHelp: "PREFIX_TOKEN",
            openTrading: { context in
                let configuration = DigitexClient.Configuration(token: context.credentials.token, instruments: context.symbols.map { Instrument(symbol: $0) })
                let channels = context.channels
                return context.open({ DigitexClient(configuration: configuration) }, setUp: { $0.submit(.subscribe(channels), at: $1) })
                    .map { connection in
                        OpenSocket(connection) { order in connection.perform { $0.submit(.placeOrder(order), at: $1) } }
                    }
            },
            marketData: nil
        )
    }

    /// QFEX: a trading socket (auth signed with the API key and secret; orders, positions,
    /// balances, fills) and a public market-data socket (wss://mds.qfex.com: books, trades,
    /// funding, mark price).
    static var qfex: RecordableVenue {
        RecordableVenue(
            defaultSymbols: ["BTC-USD"],
            defaultChannels: { _ in ["orders", "positions", "balances", "fills"] },
            credentialsHelp: "PREFIX_API_KEY and PREFIX_SECRET",
            openTrading: { context in
                let credentials = context.credentials
                let instruments = context.symbols.map { Instrument(symbol: $0) }
                let channels = context.channels
                // Each socket signs afresh: a nonce and a time of its own (the venue refuses a replayed signature).
                let makeClient: @Sendable () -> QFEXClient = {
                    let signed = credentials.apiKey.map { key in
                        QFEXCredentials.signed(publicKey: key, secretKey: credentials.secret ?? "", nonce: UUID().uuidString,
                                               unixSeconds: Int64(Date().timeIntervalSince1970))
                    }
                    return QFEXClient(configuration: .init(credentials: signed, instruments: instruments))
                }
                return context.open(makeClient, setUp: { $0.submit(.subscribe(channels), at: $1) }).map { OpenSocket($0) }
            },
            marketData: MarketData(
                // wss://trade.qfex.com → wss://mds.qfex.com; elsewhere (a simulator) the same server's /mds.
                defaultURL: { trading in
                    var url = trading
                    if url.host.hasPrefix("trade.") {
                        url.host = "mds." + url.host.dropFirst("trade.".count)
                    } else {
                        url.target = "/mds"
                    }
                    return url
                },
                defaultChannels: ["level2", "trade", "funding", "mark_price"],
                open: { context in
                    let instruments = context.symbols.map { Instrument(symbol: $0) }
                    let (channels, symbols) = (context.channels, context.symbols)
                    return context.open({ QFEXClient(configuration: .init(credentials: nil, instruments: instruments)) },
                                        setUp: { $0.submit(.subscribeMarketData(channels: channels, symbols: symbols), at: $1) })
                        .map { OpenSocket($0) }
                }
            )
        )
    }
}

extension RecordableVenue {
    /// Roxom: one socket; the API key and secret sign the upgrade request (HMAC of the time in
    /// ms, made afresh for each socket); private pushes come to any authenticated socket, and the
    /// depth book per symbol.
    static var roxom: RecordableVenue {
        RecordableVenue(
            defaultSymbols: ["US500-BTC"],
            defaultChannels: { symbols in ["orders", "balance", "positions"] + symbols.flatMap { ["depth.\($0)", "trade.\($0)"] } },
            credentialsHelp: "PREFIX_API_KEY and PREFIX_SECRET",
            openTrading: { context in
                let credentials = context.credentials
                let client = RoxomClient(configuration: .init(
                    instruments: context.symbols.map { Instrument(symbol: $0) },
                    subscriptions: context.channels.map(RoxomChannel.init(channelArgument:))
                ))
                let headers: @Sendable () -> [HTTPHeader] = {
                    guard let key = credentials.apiKey else { return [] }
                    return RoxomAuthentication.hmacHeaders(apiKey: key, secret: credentials.secret ?? "",
                                                           timestampMillis: Int64(Date().timeIntervalSince1970 * 1_000))
                }
                // The client subscribes on connect (its configuration), on every socket.
                return context.open({ client }, headers: headers, setUp: { _, _ in [] }).map { OpenSocket($0) }
            },
            marketData: nil
        )
    }
}

extension RoxomChannel {
    /// `depth.US500-BTC` → depth for that symbol; `orders` → the account channel.
    init(channelArgument text: String) {
        if let dot = text.firstIndex(of: ".") {
            self.init(name: String(text[..<dot]), symbol: String(text[text.index(after: dot)...]))
        } else {
            self.init(name: text)
        }
    }
}

extension RecordableVenue {
    /// Notional: one socket, no authentication; the account is streamed by its address
    /// (PREFIX_ADDRESS, lower case), the client subscribes on connect and pings every 30 s.
    static var notional: RecordableVenue {
        RecordableVenue(
            defaultSymbols: ["BTC"],
            defaultChannels: { _ in ["accountSummary", "userFills", "orderUpdates", "userOrderRejections", "activeAssetData"] },
            credentialsHelp: "PREFIX_ADDRESS (the account's address: Notional has no authentication)",
            openTrading: { context in
                let configuration = NotionalClient.Configuration(
                    user: (context.credentials.address ?? "").lowercased(), coins: context.symbols, channels: context.channels)
                return context.open({ NotionalClient(configuration: configuration) }, setUp: { _, _ in [] }).map { OpenSocket($0) }
            },
            marketData: nil,
            credentialsProblem: { credentials, prefix in
                credentials.address == nil ? "\(prefix)_ADDRESS is not set: Notional streams an account by its address (0x…)" : nil
            }
        )
    }

    /// Satori: one socket; every subscription carries the API key and a secp256k1 signature of the
    /// time in ms. Tapedeck does not hold the private key: PREFIX_SIGNER is a command that prints
    /// the signature of the timestamp it is given as its last argument, run once per socket.
    static var satori: RecordableVenue {
        RecordableVenue(
            defaultSymbols: ["ETH-USD"],
            defaultChannels: { _ in ["api_account", "api_position", "api_entrust", "api_trade"] },
            credentialsHelp: "PREFIX_API_KEY and PREFIX_SIGNER (a command printing the signature of the ms timestamp it is given)",
            openTrading: { context in
                let (key, signer) = (context.credentials.apiKey ?? "", context.credentials.signer ?? "")
                let (channels, symbols) = (context.channels, context.symbols)
                let instruments = symbols.map { Instrument(symbol: $0) }
                let onNote = context.onNote
                // Signed afresh for every socket (a signature is valid for its timestamp's window only).
                let makeClient: @Sendable () -> SatoriClient = {
                    let millis = Int64(Date().timeIntervalSince1970 * 1_000)
                    let signature: String
                    do {
                        signature = try runSigner(signer, timestampMillis: millis)
                    } catch {
                        onNote("cannot sign the Satori subscriptions: \(error); the venue will refuse them")
                        signature = ""
                    }
                    let subscriptions = channels.flatMap { event in
                        // The account is per settlement currency; the others per pair.
                        event == "api_account"
                            ? [SatoriSubscription(event: event, symbol: "USD", apiKey: key, signature: signature, timestampMillis: millis)]
                            : symbols.map { SatoriSubscription(event: event, pair: $0, apiKey: key, signature: signature, timestampMillis: millis) }
                    }
                    return SatoriClient(configuration: .init(instruments: instruments, subscriptions: subscriptions))
                }
                return context.open(makeClient, setUp: { _, _ in [] }).map { OpenSocket($0) }
            },
            marketData: nil,
            credentialsProblem: { credentials, prefix in
                if credentials.apiKey == nil { return "\(prefix)_API_KEY is not set: Satori signs every subscription with the API key" }
                if credentials.signer == nil {
                    return "\(prefix)_SIGNER is not set: give a command that prints the secp256k1 signature (0x…) of the ms timestamp it is given"
                }
                return nil
            }
        )
    }

    /// Runs `command` (through /bin/sh) with the timestamp as its last argument and returns what
    /// it prints, trimmed. Runs at connect time only, on the socket's loop: a signer should be quick.
    private static func runSigner(_ command: String, timestampMillis: Int64) throws -> String {
        let process = Process()
        let output = Pipe()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "\(command) \(timestampMillis)"]
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw SignerFailure(status: process.terminationStatus) }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private struct SignerFailure: Error, CustomStringConvertible {
        var status: Int32
        var description: String { "the signer exited with status \(status)" }
    }
}
