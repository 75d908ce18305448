import TapeCore
import Testing
@testable import Venues

/// Bad, unexpected and contradicting frames: typed events, state kept, never a crash.
@Suite("Digitex bad input")
struct DigitexRobustnessTests {
    private func tradedHarness() throws -> DigitexHarness {
        var harness = DigitexHarness()
        harness.authenticate()
        harness.feed(try SharedExamples.lines("digitex", "seq_trader_status.jsonl"))
        return harness
    }

    @Test("an unknown channel becomes a typed unrecognised event and changes nothing")
    func unknownChannel() throws {
        var harness = try tradedHarness()
        let before = harness.client.account
        let raw = #"{"ch":"somethingNew","data":{"symbol":"BTCUSD-PERP"}}"#
        let events = harness.feed(raw)
        #expect(events == [.unrecognised(UnrecognisedFrame(reason: .unknownMessage("somethingNew"), raw: Array(raw.utf8)))])
        #expect(harness.client.account == before)
    }

    @Test("malformed JSON and wrongly typed fields name the reason and keep the raw bytes")
    func malformed() throws {
        var harness = try tradedHarness()
        let before = harness.client.account
        harness.feed(#"{"ch":"orderFilled","data":{"symbol":"BTCUSD-PERP""#)
        harness.feed(#"{"ch":"orderStatus","data":{"symbol":"BTCUSD-PERP","clOrdId":"x","qty":"ten"}}"#)
        harness.feed(#"{"ch":"orderStatus","data":{"symbol":"BTCUSD-PERP","clOrdId":"x","qty":-5}}"#)
        harness.feed(#"{"ch":"orderStatus","data":{"symbol":"BTCUSD-PERP","clOrdId":"x","qty":50,"origQty":20,"orderSide":"BUY"}}"#)
        let reasons = harness.unrecognised.map(\.reason)
        #expect(reasons.count == 4)
        guard case .notJSON(let error) = reasons[0] else { Issue.record("\(reasons[0])"); return }
        #expect(error.reason == .unexpectedEnd)
        #expect(Array(reasons.dropFirst()) == [.badField("qty", in: "orderStatus"), .badField("qty", in: "orderStatus"), .badField("qty", in: "orderStatus")])
        #expect(harness.unrecognised[1].raw == Array(#"{"ch":"orderStatus","data":{"symbol":"BTCUSD-PERP","clOrdId":"x","qty":"ten"}}"#.utf8))
        #expect(harness.client.account == before)
    }

    @Test("a fill for an unknown order is an anomaly with both sides; no fill is emitted")
    func fillForUnknownOrder() throws {
        var harness = try tradedHarness()
        let fill = try SharedExamples.lines("digitex", "seq_place_market_order_accept_fill.jsonl")[2]
        harness.feed([fill])
        #expect(harness.fills.isEmpty)
        let anomaly = try #require(harness.anomalies.first)
        #expect(anomaly.kind == .fillForUnknownOrder)
        #expect(anomaly.expected == "no open order in chain c61533a0113c416b")
        #expect(anomaly.received == "fill of clOrdId c61533a0113c416b [10@12250], 0 left")
        #expect(anomaly.raw == fill)
        #expect(harness.client.account.openOrders.map(\.venueOrderID) == ["00e5cd4c246e43d3"], "open orders untouched")
    }

    @Test("a position for a symbol the client does not trade is an anomaly and is not applied")
    func unknownSymbol() throws {
        var harness = try tradedHarness()
        let before = harness.client.account
        harness.feed(#"{"ch":"traderBalance","data":{"symbol":"ETHUSD-PERP","traderBalance":1,"positionContracts":3,"positionType":"SHORT"}}"#)
        #expect(harness.anomalies.map(\.kind) == [.unknownSymbol])
        #expect(harness.anomalies.first?.received == "traderBalance for ETHUSD-PERP")
        #expect(harness.client.account == before)
    }

    @Test("after a snapshot, a contract whose predecessor is unknown is an anomaly")
    func contractChainBreak() throws {
        var harness = try tradedHarness()
        harness.feed(#"{"ch":"funding","data":{"symbol":"BTCUSD-PERP","payout":-1,"contracts":[{"contractId":5,"oldContractId":4,"qty":25,"positionType":"LONG"}]}}"#)
        #expect(harness.anomalies.map(\.kind) == [.contractChainBroken])
        #expect(harness.events.contains(.fundingPaid(FundingPayment(symbol: "BTCUSD-PERP", amount: -1, perContract: nil, rate: nil, venueTimeMillis: nil))))
    }

    @Test("a liquidation terminates the named orders and reports the balance change")
    func liquidation() throws {
        var harness = try tradedHarness()
        harness.feed(#"{"ch":"position","data":{"symbol":"BTCUSD-PERP","liquidatedContracts":[{"contractId":9,"oldContractId":678924872,"isLiquidation":1,"qty":0}],"terminatedOrders":["00e5cd4c246e43d3"],"traderBalanceIncrement":-612.055,"traderBalance":104049.3477,"positionContracts":0,"markPx":11654.9973}}"#)
        #expect(harness.anomalies.isEmpty)
        #expect(harness.client.account.openOrders.isEmpty)
        #expect(harness.client.contracts.isEmpty)
        #expect(harness.client.account.positionsBySymbol["BTCUSD-PERP"]?.side == .flat)
        let liquidation = harness.events.compactMap { if case .positionLiquidated(let value) = $0 { value } else { nil } }.first
        #expect(liquidation?.balanceChange == .of("-612.055"))
        #expect(liquidation?.terminatedOrderIDs == ["00e5cd4c246e43d3"])
    }

    @Test("binary frames are unexpected on a text-only API")
    func binary() {
        var harness = DigitexHarness()
        let actions = harness.client.handle(.init(time: .zero, direction: .inbound, connection: .init(0), kind: .binary, payload: [1, 2]))
        #expect(actions == [.emit(.unrecognised(UnrecognisedFrame(reason: .unexpectedFrame("binary"), raw: [1, 2])))])
    }

    /// 2,000 mutants (a modest count: the default run is a debug build on 2 shared cores). Each is fed
    /// to a client that holds a full snapshot plus an open order. Invariants checked after every frame:
    /// - `invariantViolations()` is empty (open orders open with 0 < qty ≤ origQty, positions flat iff
    ///   size 0, non-negative sizes, contracts live and stored under their id);
    /// - a frame reported as unrecognised left the account exactly as it was.
    @Test("2,000 seeded mutations of the examples never crash and never leave the state inconsistent")
    func mutations() throws {
        let examples = try SharedExamples.allLines("digitex").map(\.line)
        var random = SeededRandom(seed: Mutator.seed(0xD161_7E70))
        var harness = try tradedHarness()
        var unrecognisedCount = 0
        for round in 0..<Mutator.rounds {
            if round % 200 == 0 { harness = try tradedHarness() }
            let example = examples[Int(random.next() % UInt64(examples.count))]
            let mutant = Mutator.mutate(example, using: &random)
            let before = harness.client.account
            let events = harness.feed([mutant])
            let violations = harness.client.invariantViolations()
            #expect(violations.isEmpty, "mutant \(round): \(String(decoding: mutant, as: UTF8.self)) → \(violations)")
            if events.count == 1, case .unrecognised = events[0] {
                unrecognisedCount += 1
                #expect(harness.client.account == before, "mutant \(round) was rejected but changed the state")
            }
        }
        // Both paths must be exercised: mutants that are rejected and mutants that get applied.
        #expect(unrecognisedCount > Mutator.rounds / 10 && unrecognisedCount < Mutator.rounds * 95 / 100)
    }
}
