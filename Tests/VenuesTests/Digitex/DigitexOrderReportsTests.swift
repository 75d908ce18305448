import TapeCore
import Testing
@testable import Venues

/// The order-report shortcut (`DigitexOrderReports`, through `DigitexShortcuts`) must read an
/// `orderStatus` or `orderFilled` frame exactly as the general path does, or decline it.
@Suite("Digitex order-report shortcut")
struct DigitexOrderReportsTests {
    private func shortcut(_ frame: [UInt8]) -> DigitexMessage? { frame.withUnsafeBufferPointer(DigitexShortcuts.decode) }
    private func shortcut(_ text: String) -> DigitexMessage? { shortcut(Array(text.utf8)) }
    private func disagreement(_ text: String) -> String? { DigitexShortcuts.disagreement(Array(text.utf8)) }

    /// Every documented order report.
    private func examples() throws -> [[UInt8]] {
        var reports: [[UInt8]] = []
        for (_, line) in try SharedExamples.allLines("digitex") where isOrderReport(line) && !reports.contains(line) {
            reports.append(line)
        }
        return reports
    }

    private func isOrderReport(_ line: [UInt8]) -> Bool {
        [#"{"ch":"orderStatus""#, #"{"ch":"orderFilled""#].contains { line.starts(with: Array($0.utf8)) }
    }

    /// A report with the given members in `data` (after the order's own).
    private func report(_ members: String, channel: String = "orderFilled") -> String {
        #"{"ch":"\#(channel)","data":{"symbol":"BTCUSD-PERP","clOrdId":"c1","origClOrdId":"o1","qty":0,"origQty":10,\#(members)}}"#
    }

    @Test("it reads every documented order report, as the general path does")
    func everyExample() throws {
        let reports = try examples()
        #expect(reports.count >= 4)
        for frame in reports {
            let text = String(decoding: frame, as: UTF8.self)
            #expect(shortcut(frame) != nil, "declined \(text)")
            #expect(DigitexShortcuts.disagreement(frame) == nil)
        }
        // The fill's trade, contract and summary came through, not only the order.
        guard case .account(.orderFilled, let push)? = shortcut(reports.first { $0.starts(with: Array(#"{"ch":"orderFilled""#.utf8)) } ?? []) else {
            Issue.record("no orderFilled example read")
            return
        }
        #expect(push.value.marketTrades.count == 1 && push.value.contracts.count == 1 && push.value.account.traderBalance != nil)
    }

    @Test("fields it does not read are stepped over, whatever they hold")
    func unreadFields() {
        let frames = [
            report(#""traderId":94889,"fundingVolume":24.5,"big":123456789012345678901234567890,"exp":1.5e-3,"#
                + #""flags":[true,false,null,[],{}],"nested":{"a":[{"b":"c"}],"d":-0.25},"empty":"""#),
            report(#""contracts":[{"contractId":7,"qty":3,"traderId":1,"exitVolume":245400,"fundingCount":1,"isIncrease":1}],"#
                + #""marketTrades":[{"px":12250,"qty":10,"paidPx":2450,"leverage":5,"isMaker":0}],"orderSide":"SELL""#),
            report(#""contracts":null,"marketTrades":null,"orderSide":null,"positionType":"","leverage":null"#, channel: "orderStatus"),
            report(#" "orderStatus" : "SOMETHING_NEW" , "orderType" : "STOP" , "timeInForce" : "GTX" , "isMaker" : 2 "#),
        ]
        for text in frames {
            #expect(shortcut(text) != nil, "declined \(text)")
            #expect(disagreement(text) == nil)
        }
        // The trade without a side is on the order's side.
        guard case .account(_, let push)? = shortcut(frames[1]) else { return }
        #expect(push.value.marketTrades.first?.side == .sell && push.value.marketTrades.first?.isMaker == false)
        #expect(push.value.contracts.first?.isIncrease == true)
    }

    @Test("it declines what the general path reads differently or refuses, and the general path still reports it")
    func declines() throws {
        let declined = [
            // Read differently: quoted numbers, a fraction where an integer goes, an escape, a repeated field.
            report(#""px":"12250""#),
            report(#""timestamp":1597736006705.0"#),
            report(#""orderSide":"B\u0055Y""#),
            report(#""pnl":1,"pnl":2"#),
            report(#""contracts":[{"contractId":7,"qty":1,"qty":2}]"#),
            // Nested deeper than the shortcut follows.
            report(#""deep":"# + String(repeating: "[", count: 17) + String(repeating: "]", count: 17)),
            // Refused by the general path.
            report(#""orderSide":"UP""#),
            report(#""positionType":"SIDEWAYS""#),
            report(#""droppedQty":-1"#),
            report(#""contracts":[{"qty":1}]"#),
            report(#""contracts":[{"contractId":null,"qty":1}]"#),
            report(#""marketTrades":[{"px":1}]"#),
            report(#""marketTrades":{}"#),
            report(#""extra":[1,]"#),
            report(#""extra":tru"#),
            #"{"ch":"orderFilled","data":{"symbol":"BTCUSD-PERP","clOrdId":"c1","qty":11,"origQty":10}}"#,
            #"{"ch":"orderFilled","data":{"symbol":"BTCUSD-PERP","qty":1}}"#,
        ]
        for text in declined {
            #expect(shortcut(text) == nil, "read \(text)")
        }
        let refused = declined[6...].map { DigitexShortcuts.general(Array($0.utf8)) }
        for (text, result) in zip(declined[6...], refused) {
            if case .success = result { Issue.record("the general path read \(text)") }
        }
        guard case .success(.account(_, let push)) = DigitexShortcuts.general(Array(declined[0].utf8)) else {
            Issue.record("quoted price not read")
            return
        }
        #expect(push.value.orders.first?.price == FixedDecimal("12250"))
    }

    @Test("keys in another order than the last frame's, near misses of its keys, or other values read as on their own")
    func keyOrder() {
        let frames = [
            report(#""px":1,"paidPx":2,"orderSide":"BUY","contracts":[{"contractId":1,"qty":1,"entryPx":3}]"#),
            report(#""paidPx":2,"px":1,"orderSide":"BUY","contracts":[{"qty":1,"contractId":1,"entryPx":3}]"#),
            // Where "px" and "contractId" stood: longer keys that start the same, and one that only ends the same.
            report(#""pxType":1,"paidPx":2,"orderSide":"BUY","contracts":[{"contractIdx":1,"contractId":1,"qty":1}]"#),
            report(#""xpx":1,"px":5,"orderSide":"SELL","contracts":[{"contractId":2,"qty":1,"contractId":3}]"#),
            report(#""px":1,"paidPx":2,"orderSide":"BUY","contracts":[{"contractId":1,"qty":1,"entryPx":3}]"#),
            // The same keys, other values (read by the last frame's template), then one value that does not read.
            report(#""px":12.5,"paidPx":0,"orderSide":"SELL","contracts":[{"contractId":100,"qty":7,"entryPx":null}]"#),
            report(#""px":12.5,"paidPx":0,"orderSide":"SELL","contracts":[{"contractId":null,"qty":7,"entryPx":null}]"#),
        ]
        // One memory across the frames, as a client decodes them; each frame as on its own.
        var memory = DigitexShortcuts.Memory()
        for text in frames {
            let frame = Array(text.utf8)
            #expect(DigitexShortcuts.disagreement(frame, memory: &memory) == nil)
            let learnt = frame.withUnsafeBufferPointer { DigitexShortcuts.decode($0, memory: &memory) }
            #expect(learnt == shortcut(frame), "\(text)")
        }
        #expect(shortcut(frames[2]) != nil && shortcut(frames[3]) == nil && shortcut(frames[5]) != nil && shortcut(frames[6]) == nil)
    }

    @Test("random mutations of order reports: the shortcut agrees with the general path or declines")
    func mutations() throws {
        let seeds = try examples()
        // Learnt from every frame before, as a client's decoder does: guesses both right and wrong.
        var memory = DigitexShortcuts.Memory()
        let read = ShortcutMutations.run(seeds, seed: 0x4F52_4445, disagreement: { DigitexShortcuts.disagreement($0, memory: &memory) }) {
            shortcut($0) != nil
        }
        #expect(read > 500, "many mutants keep the plain shape and are read by the shortcut")
    }
}

@Suite("JSON key table")
struct JSONKeyTableTests {
    /// Names as venues write them: short ones, long ones, one the prefix of another.
    enum Field: String, CaseIterable {
        case px, pxType, qty, side, symbol, clOrdId, origClOrdId, positionLiquidationVolume, fundingRate, nextFundingTime
    }

    static let table = JSONKeyTable<Field>()

    private func ordinal(_ key: String) -> Int? {
        Array(key.utf8).withUnsafeBufferPointer { Self.table.ordinal(of: $0) }
    }

    @Test("every field is found under its name, with its place among the cases; near misses are not")
    func lookups() {
        for (expected, field) in Field.allCases.enumerated() {
            #expect(ordinal(field.rawValue) == expected && Self.table.field(expected) == field, "\(field)")
            #expect(ordinal(field.rawValue + "x") == nil && ordinal(String(field.rawValue.dropLast())) == nil)
            #expect(ordinal(field.rawValue.uppercased()) == nil)
        }
        #expect(Self.table.count == Field.allCases.count)
        #expect(ordinal("") == nil)
        #expect(ordinal("traderId") == nil)
    }
}
