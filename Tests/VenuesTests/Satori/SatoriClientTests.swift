import Foundation
import TapeCore
import Testing
@testable import Venues

@Suite("Satori")
struct SatoriClientTests {
    private func client() -> SatoriClient {
        var client = SatoriClient(configuration: .init(instruments: [Instrument(symbol: "ETH-USD")], drivesConnection: false))
        _ = client.connected(at: .zero)
        return client
    }

    private func isRequest(_ line: [UInt8]) -> Bool { String(decoding: line, as: UTF8.self).contains(#""apiKey""#) }

    private func feed(_ client: inout SatoriClient, _ lines: [[UInt8]]) -> [VenueEvent] {
        lines.flatMap { line in
            client.handle(Frame(time: .zero, direction: isRequest(line) ? .outbound : .inbound, connection: ConnectionID(0), kind: .text, payload: line))
        }.compactMap { if case .emit(let event) = $0 { event } else { nil } }
    }

    @Test("every documented message decodes; worked-example requests re-encode byte for byte, templates equivalently")
    func examples() throws {
        var decoder = SatoriDecoder()
        var inbound = 0, requests = 0
        for (file, line) in try SharedExamples.allLines("satori") {
            if isRequest(line) {
                requests += 1
                guard case .success(let subscription) = SatoriSubscription.decode(line) else { Issue.record("\(file)"); continue }
                if file.hasPrefix("flow_") {
                    #expect(subscription.json.bytes == line, "\(file)")
                } else {
                    // Templates order their members differently and use the number 2 for signType.
                    #expect(subscription.signType == .number(2))
                    #expect(SatoriSubscription.decode(subscription.json.bytes) == .success(subscription))
                }
            } else {
                inbound += 1
                if case .failure(let failure) = decoder.decode(line) { Issue.record("\(file): \(failure)") }
            }
        }
        #expect(inbound == 6 && requests == 7)
    }

    @Test("position flow: subscribe, ack, NEW position with the doc's size, entry and margin")
    func positionFlow() throws {
        var client = client()
        let events = feed(&client, try SharedExamples.lines("satori", "flow_api_position.jsonl"))
        #expect(events.first == .commandAccepted(.number(1)))
        let position = try #require(client.account.positionsBySymbol["ETH-USD"])
        #expect(position.side == .long && position.size == .of("0.06") && position.entryPrice == .of("2300.045"))
        #expect(position.margin == .of("39.890168"))
        let close = #"{"data":{"changeType":"CLOSE","currentQuantity":"0.06","direction":"LONG","positionId":4796701,"symbol":"ETH-USD"},"event":"api_position","success":true}"#
        _ = feed(&client, [Array(close.utf8)])
        #expect(client.account.positionsBySymbol["ETH-USD"]?.side == .flat)
        let stray = #"{"data":{"changeType":"REDUCE","currentQuantity":"0.01","direction":"LONG","positionId":99,"symbol":"ETH-USD"},"event":"api_position","success":true}"#
        guard case .anomaly(let anomaly) = feed(&client, [Array(stray.utf8)]).first else { Issue.record("no anomaly"); return }
        #expect(anomaly.kind == .updateForUnknownPosition)
        #expect(client.invariantViolations().isEmpty)
    }

    @Test("order flow: NEW, then TRADE priced from the notional, then CANCELED of the rest")
    func orderFlow() throws {
        var client = client()
        _ = feed(&client, try SharedExamples.lines("satori", "flow_api_entrust.jsonl"))
        let open = try #require(client.account.openOrders.first)
        #expect(open.venueOrderID == "180632923" && open.clientOrderID == "1725870680532" && open.side == .buy && open.quantity == .of("0.02"))
        let trade = #"{"data":{"changeType":"TRADE","clientOrderId":"1725870680532","currentEntrustId":180632923,"dealAmount":"20.00","dealQuantity":"0.01","direction":"LONG","isClose":false,"isMarket":false,"price":"2000","quantity":"0.02","symbol":"ETH-USD","feeAmt":"0.01","isTaker":false},"event":"api_entrust","success":true}"#
        let traded = feed(&client, [Array(trade.utf8)])
        #expect(traded.first == .orderFilled(Fill(
            symbol: "ETH-USD", venueOrderID: "180632923", clientOrderID: "1725870680532", side: .buy, price: 2000,
            quantity: .of("0.01"), isMaker: true, fee: .of("0.01"))))
        #expect(client.account.openOrders.first?.quantity == .of("0.01"))
        let cancel = trade.replacingOccurrences(of: "TRADE", with: "CANCELED")
        _ = feed(&client, [Array(cancel.utf8)])
        #expect(client.account.openOrders.isEmpty)
    }

    @Test("account flow: balance is available + frozen; a smaller logId is stale and dropped")
    func accountFlow() throws {
        var client = client()
        _ = feed(&client, try SharedExamples.lines("satori", "flow_api_account.jsonl"))
        #expect(client.account.balancesByAsset["USD"]?.total == .of("999999.370367"))
        let newer = #"{"data":{"availableAmount":"1","coinId":4,"frozenAmount":"0","logId":5,"symbol":"USD"},"event":"api_account","success":true}"#
        let older = #"{"data":{"availableAmount":"2","coinId":4,"frozenAmount":"0","logId":3,"symbol":"USD"},"event":"api_account","success":true}"#
        _ = feed(&client, [Array(newer.utf8)])
        guard case .anomaly(let stale) = feed(&client, [Array(older.utf8)]).first else { Issue.record("stale applied"); return }
        #expect(stale.kind == .staleUpdate)
        #expect(client.account.balancesByAsset["USD"]?.total == 1)
    }

    @Test("an api_trade push (our simulator's shape) is a public trade with the taker's side; a bad one is unrecognised")
    func tradePush() {
        var client = client()
        let push = #"{"data":{"amount":"3516.5","contractPairId":1,"direction":"SHORT","price":"3516.5","quantity":"1","symbol":"ETH-USD","time":1700000000000,"tradeId":42},"event":"api_trade","success":true}"#
        #expect(feed(&client, [Array(push.utf8)]) == [.trades([Trade(symbol: "ETH-USD", price: .of("3516.5"), quantity: 1, side: .sell,
                                                                       tradeID: "42", venueTimeMillis: 1_700_000_000_000)])])
        let before = client.account
        for bad in [push.replacingOccurrences(of: "SHORT", with: "FLAT"), push.replacingOccurrences(of: #""quantity":"1""#, with: #""quantity":"-1""#)] {
            let events = feed(&client, [Array(bad.utf8)])
            guard events.count == 1, case .unrecognised = events[0] else { Issue.record("\(bad) gave \(events)"); continue }
        }
        #expect(client.account == before)
    }

    @Test("redaction hides the api key and signature of every subscribe")
    func redaction() throws {
        let line = try SharedExamples.lines("satori", "flow_api_account.jsonl")[0]
        let redacted = String(decoding: SatoriRedaction.rules.redact(line), as: UTF8.self)
        #expect(redacted.contains(#""apiKey":"<redacted:api_key>""#) && redacted.contains(#""signature":"<redacted:signature>""#))
        #expect(!redacted.contains("st_fq6c"))
    }

    /// 2,000 seeded mutants (modest: debug on 2 cores); invariants as for Digitex.
    @Test("2,000 seeded mutations never crash and never leave the state inconsistent")
    func mutations() throws {
        let examples = try SharedExamples.allLines("satori").map(\.line).filter { !isRequest($0) }
        var random = SeededRandom(seed: Mutator.seed(0x5A7_0121))
        var client = client()
        for round in 0..<Mutator.rounds {
            let mutant = Mutator.mutate(examples[Int(random.next() % UInt64(examples.count))], using: &random)
            let before = client.account
            let emitted = feed(&client, [mutant])
            #expect(client.invariantViolations().isEmpty, "mutant \(round): \(String(decoding: mutant, as: UTF8.self))")
            if emitted.count == 1, case .unrecognised = emitted[0] { #expect(client.account == before) }
        }
    }
}
