import Foundation
@testable import Replay
import Samples
import TapeCore
import TapeFormat
import TapeTesting
import Testing
@testable import Venues

@Suite("Canonical JSON")
struct CanonicalJSONTests {
    /// Every event of every venue's examples and of a synthetic session, encoded both ways.
    @Test("the hand-written event encoders give the bytes of the reflective walk")
    func handWrittenMatchesMirror() throws {
        var events: [VenueEvent] = []
        for venue in VenueName.allCases {
            var session = ReplaySession(venue: venue, symbols: venue.defaultSymbols)
            let lines = try Fixtures.allExamples(venue.rawValue).flatMap { file in
                try Data(contentsOf: URL(fileURLWithPath: file)).split(separator: UInt8(ascii: "\n")).map { Array($0) }
            }
            for (number, frame) in SequenceTape.frames(venue: venue, lines: lines).enumerated() {
                session.apply(frame, number: number) { if case .event(let event) = $0 { events.append(event.event) } }
            }
        }
        var synthetic = SyntheticSession(seed: 3)
        var digitex = ReplaySession(venue: .digitex, symbols: ["BTCUSD-PERP"])
        for number in 0..<2_000 {
            digitex.apply(synthetic.next(), number: number) { if case .event(let event) = $0 { events.append(event.event) } }
        }
        var mismatches: [String] = []
        var covered = Set<String>()
        for event in events {
            var fast: [UInt8] = []
            CanonicalJSON.appendPayload(of: event, to: &fast)
            var reflected: [UInt8] = []
            CanonicalJSON.append(EventType.payload(of: event) as Any, to: &reflected)
            covered.insert(EventType.name(of: event))
            if fast != reflected { mismatches.append(String(decoding: fast, as: UTF8.self) + " ≠ " + String(decoding: reflected, as: UTF8.self)) }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(3))")
        let handWritten: Set = ["bookSnapshot", "bookDelta", "trades", "ticker", "price", "fundingRate", "balanceUpdated", "positionUpdated",
                                "orderFilled", "heartbeat", "orderUpdated", "commandAccepted", "commandUnanswered", "tradingStatusChanged", "subscriptions", "anomaly",
                                "fillHistory", "leverageChanged", "venueError", "authenticationFailed", "commandRejected"]
        #expect(handWritten.isSubset(of: covered), "not covered: \(handWritten.subtracting(covered).sorted())")
    }

    @Test("strings escape quotes, backslashes and control characters wherever they stand, and keep other text as it is")
    func stringEscapes() {
        #expect(CanonicalJSON.string("") == #""""#)
        #expect(CanonicalJSON.string("plain BTCUSD-PERP") == #""plain BTCUSD-PERP""#)
        #expect(CanonicalJSON.string("\"a\\b\"") == #""\"a\\b\"""#)
        #expect(CanonicalJSON.string("\n\r\tx\u{01}\u{1f}") == #""\n\r\tx\u0001\u001f""#)
        #expect(CanonicalJSON.string("é ✓ 𝄞\u{7f}") == "\"é ✓ 𝄞\u{7f}\"")
        #expect(CanonicalJSON.string("end\n") == #""end\n""#)
    }

    @Test("the hand-written encoders of rarer events give the bytes of the reflective walk, with and without their optionals")
    func rarerEvents() {
        let liquidation = Liquidation(symbol: "S", positionSide: .long, price: FixedDecimal(mantissa: 125, scale: 1), quantity: 2,
                                      terminatedOrderIDs: ["a", "b\"c"], balanceChange: FixedDecimal(mantissa: -5, scale: 2), venueTimeMillis: 7)
        let bare = Liquidation(symbol: "S", positionSide: nil, price: nil, quantity: nil, terminatedOrderIDs: [], balanceChange: nil, venueTimeMillis: nil)
        let events: [VenueEvent] = [
            .commandRefused(reason: "not connected: \"x\""),
            .instruments([Instrument(symbol: "A", tickSize: FixedDecimal(mantissa: 5, scale: 1), lotSize: nil), Instrument(symbol: "B")]),
            .instruments([]),
            .leverageTiers([LeverageTier(symbol: "A", leverage: 10, initialMargin: FixedDecimal(mantissa: 1, scale: 1), maintenanceMargin: nil, maxPosition: 1000)]),
            .fundingPaid(FundingPayment(symbol: "A", amount: FixedDecimal(mantissa: -12, scale: 3), perContract: nil, rate: FixedDecimal(mantissa: 1, scale: 4), venueTimeMillis: 9)),
            .fundingPaid(FundingPayment(symbol: "A", amount: 0, perContract: 1, rate: nil, venueTimeMillis: nil)),
            .positionLiquidated(liquidation), .positionLiquidated(bare), .publicLiquidations([liquidation, bare]), .publicLiquidations([]),
            .candle(Candle(symbol: "A", interval: "1m", openTimeSeconds: 60, open: 1, high: 2, low: FixedDecimal(mantissa: 5, scale: 1), close: 1, volume: 0)),
            .candle(Candle(symbol: "A", interval: "1h", openTimeSeconds: nil, open: 1, high: 1, low: 1, close: 1, volume: 3)),
        ]
        for event in events {
            var fast: [UInt8] = []
            CanonicalJSON.appendPayload(of: event, to: &fast)
            var reflected: [UInt8] = []
            CanonicalJSON.append(EventType.payload(of: event) as Any, to: &reflected)
            #expect(String(decoding: fast, as: UTF8.self) == String(decoding: reflected, as: UTF8.self))
        }
    }

    @Test("an empty list is [] whatever its element type; only raw bytes are a string")
    func emptyLists() {
        #expect(CanonicalJSON.string([Fill]()) == "[]")
        #expect(CanonicalJSON.string([Instrument]()) == "[]")
        #expect(CanonicalJSON.string([UInt8]()) == #""""#)
        #expect(CanonicalJSON.string(Array("{}".utf8)) == #""{}""#)
        var fast: [UInt8] = []
        CanonicalJSON.appendPayload(of: .fillHistory([]), to: &fast)
        #expect(String(decoding: fast, as: UTF8.self) == "[]")
        let state = ReplayState(time: .zero, framesApplied: 0, connections: [
            ReplayState.Connection(id: ConnectionID(0), venue: "digitex", isConnected: true, account: AccountState()),
        ])
        #expect(state.canonicalLines.first?.contains(#""openOrders":[],"positions":[],"balances":[],"conditionalOrders":[],"leverage":{}"#) == true)
    }

    @Test("every order type, time in force and status encodes as the reflective walk does")
    func orderVocabulary() {
        let types: [OrderType] = [.market, .limit, .stopMarket, .stopLimit, .takeProfitMarket, .takeProfitLimit, .other("X\"y")]
        let times: [TimeInForce?] = [nil, .goodTillCancelled, .immediateOrCancel, .fillOrKill, .goodTillDate, .goodForDay, .goodTillFunding, .postOnly, .other("Z")]
        let statuses: [OrderStatus] = [.pending, .accepted, .partiallyFilled, .filled, .cancelled, .rejected, .expired, .terminated, .triggered, .modified, .other("W")]
        let kinds: [Anomaly.Kind] = [.fillForUnknownOrder, .cancelForUnknownOrder, .updateForUnknownOrder, .updateForUnknownPosition,
                                     .orderChainBroken, .contractChainBroken, .conditionalOrderUnknown, .unknownSymbol,
                                     .answerToUnknownRequest, .staleUpdate]
        var mismatches = 0
        for (index, status) in statuses.enumerated() {
            let order = Order(symbol: "S", venueOrderID: "v\(index)", side: index % 2 == 0 ? .buy : .sell, type: types[index % types.count],
                              timeInForce: times[index % times.count], price: FixedDecimal(mantissa: 125, scale: 1), quantity: 3, status: status)
            for event in [VenueEvent.orderUpdated(order), .commandAccepted(.order("o\(index)")), .commandUnanswered(.number(Int64(index))),
                          .tradingStatusChanged(available: index % 2 == 0), .subscriptions(["a", "b\(index)"]),
                          .anomaly(Anomaly(kind: kinds[index % kinds.count], expected: "e\n", received: "r", raw: [0x7B, 0xFF, 0x22]))] {
                var fast: [UInt8] = []
                CanonicalJSON.appendPayload(of: event, to: &fast)
                var reflected: [UInt8] = []
                CanonicalJSON.append(EventType.payload(of: event) as Any, to: &reflected)
                if fast != reflected { mismatches += 1 }
            }
        }
        #expect(mismatches == 0)
    }

    @Test("decimals are written exactly as their description, sign, zeros and scale included")
    func decimals() {
        var random = SeededRandom(seed: 11)
        var cases: [FixedDecimal] = [0, 1, -1, FixedDecimal(mantissa: 5, scale: 3), FixedDecimal(mantissa: -5, scale: 3),
                                     FixedDecimal(mantissa: 0, scale: 2), FixedDecimal(mantissa: .min, scale: 18), FixedDecimal(mantissa: .max, scale: 0)]
        for _ in 0..<2_000 {
            let mantissa = Int64(bitPattern: random.next()) >> (random.next() % 63)
            cases.append(FixedDecimal(mantissa: mantissa, scale: UInt8(random.next() % 19)))
        }
        let wrong = cases.filter { decimal in
            var bytes: [UInt8] = []
            CanonicalJSON.appendDecimal(decimal, to: &bytes)
            return bytes != Array("\"\(decimal.description)\"".utf8)
        }
        #expect(wrong.isEmpty, "\(wrong.prefix(3).map { "\($0.mantissa)e-\($0.scale)" })")
    }

    @Test("integers, strings with escapes, optionals, enums and dictionaries have one form")
    func forms() {
        #expect(CanonicalJSON.string(Int64.min) == "-9223372036854775808")
        #expect(CanonicalJSON.string(0) == "0")
        #expect(CanonicalJSON.string("a\"b\\c\nd\u{01}") == #""a\"b\\c\nd\u0001""#)
        #expect(CanonicalJSON.string(Optional<Int>.none as Any) == "null")
        #expect(CanonicalJSON.string(["b": 1, "a": 2, "c": 3]) == #"{"a":2,"b":1,"c":3}"#)
        // Per-symbol account state moved from Dictionary to SymbolMap; its text (and digests) did not change.
        let leverage: SymbolMap<FixedDecimal> = ["ETH": 5, "BTC": FixedDecimal("2.5")!]
        #expect(CanonicalJSON.string(leverage) == CanonicalJSON.string(["ETH": FixedDecimal(5), "BTC": FixedDecimal("2.5")!]))
        #expect(CanonicalJSON.string(leverage) == #"{"BTC":"2.5","ETH":"5"}"#)
        #expect(CanonicalJSON.string(RequestID.order("x")) == #"{"order":"x"}"#)
        #expect(CanonicalJSON.string(PositionSide.long) == #""long""#)
        #expect(CanonicalJSON.string(FixedDecimal("1.50")!) == #""1.50""# || CanonicalJSON.string(FixedDecimal("1.50")!) == #""1.5""#)
    }
}

@Suite("Event types")
struct EventTypeTests {
    @Test("the static names are the names")
    func staticNames() {
        #expect(EventType.staticNames.map { "\($0)" } == EventType.names)
    }
}
