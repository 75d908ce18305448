import TapeCore
import Testing
@testable import Venues

/// The shared driver contract, checked on every venue: a whole tape of the venue's examples through
/// `VenueClient.handle(_:)` gives identical actions and state when replayed twice, keeps the
/// invariants, and a close frame followed by `closed` disconnects once.
@Suite("Venue clients through the shared protocol")
struct VenueClientTests {
    private static func tape(_ venue: String, isRequest: ([UInt8]) -> Bool) throws -> [Frame] {
        var frames = [Frame(time: .seconds(1), direction: .inbound, connection: ConnectionID(0), kind: .opened, payload: [])]
        var time: Int64 = 2
        for (_, line) in try SharedExamples.allLines(venue) {
            frames.append(Frame(time: .seconds(time), direction: isRequest(line) ? .outbound : .inbound,
                                connection: ConnectionID(0), kind: .text, payload: line))
            time += 1
        }
        frames.append(Frame(time: .seconds(time), direction: .inbound, connection: ConnectionID(0), kind: .close, payload: CloseInfo(code: 1000).payload))
        frames.append(Frame(time: .seconds(time + 1), direction: .inbound, connection: ConnectionID(0), kind: .closed, payload: []))
        return frames
    }

    private static func replay<Client: VenueClient>(_ client: Client, _ frames: [Frame]) -> (actions: [ClientAction], account: AccountState, violations: [String]) {
        var client = client
        var actions: [ClientAction] = []
        var violations: [String] = []
        for frame in frames {
            actions += client.handle(frame)
            violations += client.invariantViolations()
        }
        #expect(!client.isConnected)
        // Disconnecting again must be a no-op, whatever the order of close frames on a tape.
        #expect(client.handle(Frame(time: .seconds(1_000_000), direction: .inbound, connection: ConnectionID(0), kind: .lost, payload: [])).isEmpty)
        return (actions, client.account, violations)
    }

    private static func check<Client: VenueClient>(_ make: () -> Client, _ frames: [Frame]) {
        let first = replay(make(), frames)
        let second = replay(make(), frames)
        #expect(first.actions == second.actions)
        #expect(first.account == second.account)
        #expect(first.violations.isEmpty, "\(first.violations)")
        #expect(first.actions.count >= frames.count / 2)
    }

    private static func text(_ line: [UInt8]) -> String { String(decoding: line, as: UTF8.self) }

    @Test("Digitex, QFEX, Roxom, Notional and Satori replay their examples identically twice")
    func replayTwice() throws {
        Self.check({ DigitexClient(configuration: .init(token: nil, drivesConnection: false)) },
                   try Self.tape("digitex", isRequest: DigitexHarness.isRequest))
        Self.check({ QFEXClient(configuration: .init(credentials: nil, instruments: QFEXHarness.docSymbols.map { Instrument(symbol: $0) }, drivesConnection: false)) },
                   try Self.tape("qfex", isRequest: QFEXHarness.isRequest))
        Self.check({ RoxomClient(configuration: .init(instruments: RoxomClientTests.symbols.map { Instrument(symbol: $0) }, drivesConnection: false)) },
                   try Self.tape("roxom", isRequest: { Self.text($0).hasPrefix(#"{"op""#) }))
        Self.check({ NotionalClient(configuration: .init(user: NotionalClientTests.user, coins: ["BTC"], drivesConnection: false)) },
                   try Self.tape("notional", isRequest: { Self.text($0).hasPrefix(#"{"method""#) }))
        Self.check({ SatoriClient(configuration: .init(instruments: [Instrument(symbol: "ETH-USD")], drivesConnection: false)) },
                   try Self.tape("satori", isRequest: { Self.text($0).contains(#""apiKey""#) }))
    }

    private static func rejects<Client: VenueClient>(_ client: Client, _ frames: [String]) {
        var client = client
        _ = client.connected(at: .zero)
        for text in frames + ["not json at all", #"{"half":"#, "42"] {
            let before = client.account
            let raw = Array(text.utf8)
            let actions = client.receivedFrame(raw, at: .seconds(1))
            guard actions.count == 1, case .emit(.unrecognised(let frame)) = actions[0] else {
                Issue.record("\(Client.self) did not report \(text) as unrecognised: \(actions)")
                continue
            }
            #expect(frame.raw == raw)
            #expect(client.account == before)
        }
    }

    @Test("unknown message types and garbage become typed unrecognised events on every venue")
    func unknownMessages() {
        Self.rejects(DigitexClient(configuration: .init(token: nil, drivesConnection: false)), [#"{"ch":"mystery","data":{}}"#, #"{"id":1}"#, "[]"])
        // (An empty JSON array is a valid, empty market-data batch for QFEX, so it is not listed there.)
        Self.rejects(QFEXClient(configuration: .init(credentials: nil, instruments: [], drivesConnection: false)),
                     [#"{"mystery_response":{}}"#, #"{"type":"mystery"}"#, #"{"channel":"v4_mystery","contents":[]}"#])
        Self.rejects(RoxomClient(configuration: .init(instruments: [], drivesConnection: false)),
                     [#"{"type":"mystery","data":{}}"#, #"{"topic":"trade.GOLD-BTC","type":"snapshot","data":{}}"#, #"{"event":"mystery"}"#, "[]"])
        Self.rejects(NotionalClient(configuration: .init(user: "0x1", coins: [], drivesConnection: false)),
                     [#"{"channel":"userFills","data":{}}"#, #"{"method":"mystery"}"#, "[]"])
        Self.rejects(SatoriClient(configuration: .init(instruments: [], drivesConnection: false)),
                     [#"{"event":"api_trade","data":{},"success":true}"#, #"{"data":{}}"#, "[]"])
    }
}
