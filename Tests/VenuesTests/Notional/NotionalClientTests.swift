import Foundation
import TapeCore
import Testing
@testable import Venues

@Suite("Notional")
struct NotionalClientTests {
    static let user = "0x742d35cc6634c0532925a3b844bc9e7595f0beb"

    private func client() -> NotionalClient {
        var client = NotionalClient(configuration: .init(user: Self.user, coins: ["BTC", "ETH"], drivesConnection: false))
        _ = client.connected(at: .zero)
        return client
    }

    private func isRequest(_ line: [UInt8]) -> Bool { String(decoding: line, as: UTF8.self).hasPrefix(#"{"method""#) }

    private func events(_ actions: [ClientAction]) -> [VenueEvent] {
        actions.compactMap { if case .emit(let event) = $0 { event } else { nil } }
    }

    @Test("every documented message decodes and every request re-encodes byte for byte")
    func examples() throws {
        var decoder = NotionalDecoder()
        var inbound = 0, requests = 0
        for line in try SharedExamples.lines("notional", "docs_examples.jsonl") {
            if isRequest(line) {
                requests += 1
                guard case .success(let command) = NotionalCommand.decode(line) else { Issue.record("request"); continue }
                #expect(command.json.bytes == line)
            } else {
                inbound += 1
                if case .failure(let failure) = decoder.decode(line) { Issue.record("\(failure)") }
            }
        }
        #expect(inbound == 5 && requests == 3)
    }

    @Test("fills, order updates, refusals and asset data (the simulator's Hyperliquid shapes) update the account; strangers and malformed pushes do not")
    func userChannels() {
        var client = client()
        let u = Self.user
        let snapshot = #"{"channel":"userFills","data":{"isSnapshot":true,"user":"\#(u)","fills":[{"coin":"BTC","px":"50000.00","sz":"0.01","side":"A","time":1700000000000,"oid":7,"crossed":false,"fee":"0.1","tid":3}]}}"#
        let history = events(client.receivedFrame(Array(snapshot.utf8), at: .zero))
        #expect(history == [.fillHistory([Fill(symbol: "BTC", venueOrderID: "7", side: .sell, price: .of("50000.00"), quantity: .of("0.01"),
                                               isMaker: true, fee: .of("0.1"), tradeID: "3", venueTimeMillis: 1_700_000_000_000)])])
        let live = #"{"channel":"userFills","data":{"user":"\#(u)","fills":[{"coin":"BTC","px":"50001.00","sz":"0.02","side":"B","time":1700000000001,"oid":8,"crossed":true,"fee":"0.2","tid":4}]}}"#
        guard case .orderFilled(let fill)? = events(client.receivedFrame(Array(live.utf8), at: .zero)).first else { Issue.record("no fill"); return }
        #expect(fill.side == .buy && fill.isMaker == false && fill.quantity == .of("0.02"))

        let open = #"{"channel":"orderUpdates","data":[{"order":{"coin":"ETH","side":"B","limitPx":"2000.00","sz":"0.5","oid":9,"timestamp":1700000000000,"origSz":"1","cloid":"0xc1"},"status":"open","statusTimestamp":1700000000002}]}"#
        _ = client.receivedFrame(Array(open.utf8), at: .zero)
        let order = client.account.openOrders.first
        #expect(order?.venueOrderID == "9" && order?.clientOrderID == "0xc1" && order?.status == .partiallyFilled)
        #expect(order?.quantity == .of("0.5") && order?.originalQuantity == 1 && order?.venueTimeMillis == 1_700_000_000_002)
        let cancelled = open.replacingOccurrences(of: #""status":"open""#, with: #""status":"marginCanceled""#)
        guard case .orderUpdated(let ended)? = events(client.receivedFrame(Array(cancelled.utf8), at: .zero)).first else { Issue.record("no update"); return }
        #expect(ended.status == .cancelled)
        #expect(client.account.openOrders.isEmpty)

        let refused = #"{"channel":"userOrderRejections","data":{"user":"\#(u)","rejections":[{"coin":"BTC","side":"B","limitPx":"1.00","sz":"900","cloid":null,"error":"Insufficient margin to place order. asset=0","time":1}]}}"#
        #expect(events(client.receivedFrame(Array(refused.utf8), at: .zero))
            == [.venueError(VenueError(code: "rejected", message: "buy 900 BTC at 1.00: Insufficient margin to place order. asset=0"))])
        let asset = #"{"channel":"activeAssetData","data":{"user":"\#(u)","coin":"BTC","leverage":{"type":"cross","value":20},"maxTradeSzs":["1","1"],"availableToTrade":["1","1"],"markPx":"50000.00"}}"#
        #expect(events(client.receivedFrame(Array(asset.utf8), at: .zero)) == [.leverageChanged(symbol: "BTC", leverage: 20)])
        #expect(client.account.leverageBySymbol["BTC"] == 20)
        let moved = asset.replacingOccurrences(of: #""markPx":"50000.00""#, with: #""markPx":"50100.00""#)
        #expect(events(client.receivedFrame(Array(moved.utf8), at: .zero)).isEmpty, "the same leverage again is not news")

        let before = client.account
        for stranger in [live.replacingOccurrences(of: u, with: "0xabc"), asset.replacingOccurrences(of: #""coin":"BTC""#, with: #""coin":"DOGE""#),
                         open.replacingOccurrences(of: #""coin":"ETH""#, with: #""coin":"DOGE""#)] {
            let emitted = events(client.receivedFrame(Array(stranger.utf8), at: .zero))
            guard emitted.count == 1, case .anomaly = emitted[0] else { Issue.record("\(stranger) gave \(emitted)"); continue }
        }
        for bad in [live.replacingOccurrences(of: #""side":"B""#, with: #""side":"X""#), open.replacingOccurrences(of: #""sz":"0.5""#, with: #""sz":"2""#),
                    asset.replacingOccurrences(of: #""value":20"#, with: #""value":0"#), #"{"channel":"orderUpdates","data":{}}"#] {
            let emitted = events(client.receivedFrame(Array(bad.utf8), at: .zero))
            guard emitted.count == 1, case .unrecognised = emitted[0] else { Issue.record("\(bad) gave \(emitted)"); continue }
        }
        #expect(client.account == before)
    }

    @Test("both account-summary schemas give the same position and balance")
    func bothSchemas() throws {
        let lines = try SharedExamples.lines("notional", "docs_examples.jsonl")
        var old = client()
        _ = old.receivedFrame(lines[2], at: .zero)
        var new = client()
        _ = new.receivedFrame(lines[3], at: .zero)
        #expect(old.schema == .v1Numbers && new.schema == .v2Strings)
        for client in [old, new] {
            let position = try #require(client.account.positionsBySymbol["BTC"])
            #expect(position.side == .long && position.size == .of("0.1") && position.entryPrice == 50000)
            #expect(position.margin == 1000 && position.unrealisedPnL == 50 && position.leverage == 5)
            #expect(client.account.balancesByAsset["USDC"]?.total == 10000)
        }
        #expect(old.account.positionsBySymbol["BTC"]?.liquidationPrice == 45000)
        #expect(new.account.positionsBySymbol["BTC"]?.liquidationPrice == nil, "v2 sends liquidationPx null")
        #expect(old.account.balancesByAsset["USDC"]?.available == 9000)
        #expect(new.account.balancesByAsset["USDC"]?.available == 10000, "hold 0")
    }

    @Test("subscribe is answered by subscriptionResponse; a position missing from the next summary is closed")
    func flow() throws {
        let lines = try SharedExamples.lines("notional", "docs_examples.jsonl")
        var client = NotionalClient(configuration: .init(user: Self.user, coins: ["BTC"]))
        let connect = client.connected(at: .zero)
        #expect(connect == [.scheduleTimer(.heartbeat, at: .seconds(30)), .send(.text, lines[0])])
        #expect(events(client.receivedFrame(lines[1], at: .zero)) == [.commandAccepted(.number(1))])
        _ = client.receivedFrame(lines[2], at: .zero)
        let empty = #"{"channel":"accountSummary","data":{"user":"\#(Self.user)","summary":{"accountValue":10000.00,"assets":[{"coin":"USDC","total":10000.00,"available":9000.00}],"positions":{}}}}"#
        let closed = events(client.receivedFrame(Array(empty.utf8), at: .zero))
        #expect(closed == [.positionUpdated(Position(symbol: "BTC", side: .flat, size: 0, leverage: 5))])
        #expect(client.timerFired(.heartbeat, at: .seconds(30)) == [.send(.text, lines[4]), .scheduleTimer(.heartbeat, at: .seconds(60))])
        #expect(events(client.receivedFrame(lines[5], at: .zero)) == [.heartbeat])
        #expect(events(client.receivedFrame(lines[6], at: .zero)) == [.venueError(VenueError(code: "error", message: "Invalid message format"))])
    }

    @Test("a v2 summary reports only what changed; held coins it leaves out close, in coin order")
    func summaryChanges() {
        var client = client()
        func summary(_ positions: String, total: String = "100") -> [UInt8] {
            Array(#"{"channel":"accountSummary","data":{"user":"\#(Self.user)","summary":{"balances":[{"coin":"USDC","total":"\#(total)","hold":"1"}],"assetPositions":[\#(positions)]}}}"#.utf8)
        }
        let eth = #"{"position":{"coin":"ETH","szi":"-2","leverage":{"type":"cross","value":"4"}}}"#
        let btc = #"{"position":{"coin":"BTC","szi":"1","leverage":{"type":"cross","value":"3"}}}"#
        let first = events(client.receivedFrame(summary(eth + "," + btc), at: .zero))
        #expect(first.count == 3, "the balance, then both positions: \(first)")
        #expect(events(client.receivedFrame(summary(btc + "," + eth), at: .zero)) == [], "nothing changed")
        let closed = events(client.receivedFrame(summary("", total: "90"), at: .zero))
        #expect(closed == [
            .balanceUpdated(Balance(asset: "USDC", total: 90, available: 89)),
            .positionUpdated(Position(symbol: "BTC", side: .flat, size: 0, leverage: 3)),
            .positionUpdated(Position(symbol: "ETH", side: .flat, size: 0, leverage: 4)),
        ])
        #expect(client.account.positions.map(\.side) == [.flat, .flat])
        #expect(events(client.receivedFrame(summary(""), at: .zero)) == [.balanceUpdated(Balance(asset: "USDC", total: 100, available: 99))])
    }

    @Test("a summary for another user or an untraded coin is an anomaly, not applied")
    func anomalies() throws {
        let lines = try SharedExamples.lines("notional", "docs_examples.jsonl")
        var other = NotionalClient(configuration: .init(user: "0xabc", coins: ["BTC"], drivesConnection: false))
        _ = other.connected(at: .zero)
        guard case .anomaly(let wrongUser) = events(other.receivedFrame(lines[2], at: .zero)).first else { Issue.record("user"); return }
        #expect(wrongUser.received == "accountSummary for \(Self.user)")
        var ethOnly = NotionalClient(configuration: .init(user: Self.user, coins: ["ETH"], drivesConnection: false))
        _ = ethOnly.connected(at: .zero)
        guard case .anomaly(let coin) = events(ethOnly.receivedFrame(lines[3], at: .zero)).first else { Issue.record("coin"); return }
        #expect(coin.kind == .unknownSymbol && coin.received == "position in BTC")
        #expect(ethOnly.account.positionsBySymbol.isEmpty && ethOnly.account.balancesByAsset.isEmpty)
    }

    /// 2,000 seeded mutants (modest: debug on 2 cores); invariants as for Digitex.
    @Test("2,000 seeded mutations never crash and never leave the state inconsistent")
    func mutations() throws {
        let examples = try SharedExamples.lines("notional", "docs_examples.jsonl").filter { !isRequest($0) }
        var random = SeededRandom(seed: Mutator.seed(0x0071_0A1))
        var client = client()
        for round in 0..<Mutator.rounds {
            let mutant = Mutator.mutate(examples[Int(random.next() % UInt64(examples.count))], using: &random)
            let before = client.account
            let emitted = events(client.receivedFrame(mutant, at: .zero))
            #expect(client.invariantViolations().isEmpty, "mutant \(round): \(String(decoding: mutant, as: UTF8.self))")
            if emitted.count == 1, case .unrecognised = emitted[0] { #expect(client.account == before) }
        }
    }
}

@Suite("Notional client acknowledgements")
struct NotionalAcknowledgementTests {
    @Test("an unsubscribe is accepted by its subscriptionResponse like a subscribe; an unasked one is an anomaly")
    func unsubscribeAck() {
        let user = "0x742d35cc6634c0532925a3b844bc9e7595f0beb0"
        var client = NotionalClient(configuration: .init(user: user, coins: ["BTC"], channels: []))
        _ = client.connected(at: .zero)
        _ = client.submit(.subscribe(type: "accountSummary", user: user), at: .zero)
        _ = client.submit(.unsubscribe(type: "accountSummary", user: user), at: .zero)
        func response(_ method: String) -> [VenueEvent] {
            let text = #"{"channel":"subscriptionResponse","data":{"method":"\#(method)","subscription":{"type":"accountSummary","user":"\#(user)"}}}"#
            return client.receivedFrame(Array(text.utf8), at: .zero).compactMap { if case .emit(let event) = $0 { event } else { nil } }
        }
        #expect(response("subscribe") == [.commandAccepted(.number(1))])
        #expect(response("unsubscribe") == [.commandAccepted(.number(2))])
        let third = response("unsubscribe")
        guard case .anomaly(let anomaly) = third.first else { Issue.record("\(third)"); return }
        #expect(anomaly.kind == .answerToUnknownRequest)
    }
}
