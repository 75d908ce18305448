import TapeCore
import Testing
@testable import Venues

/// The account shortcut (`NotionalShortcuts`) must read an `accountSummary` (v2) or
/// `activeAssetData` push exactly as the general path does, or decline it.
@Suite("Notional account shortcut")
struct NotionalShortcutsTests {
    /// Pushes as the simulator writes them: a summary with a long position, and the asset data.
    static let simulatorFrames = [
        #"{"channel":"accountSummary","data":{"user":"0x5eed00000000000000000000000000000000cafe","summary":{"crossMaintenanceMargin":"98.43772","accountBalance":"99999.0155","availableMargin":"99802.1155","crossMarginSummary":{"totalUnrealizedPnL":"-0.2456","accountValue":"99998.7699","collateralValue":"99999.0155","crossMarginRatio":"50.7929","totalMarginUsed":"196.90","crossAccountLeverage":"0.01"},"balances":[{"coin":"USDC","hold":"196.90","segregated":"0","total":"99999.0155","borrowed":"0"}],"assetPositions":[{"type":"oneWay","position":{"coin":"BTC","cumFunding":{"allTime":"0.00","sinceChange":"0.00","sinceOpen":"0.00"},"entryPx":"98450.00","leverage":{"type":"cross","value":"10"},"liquidationPx":"93527.50","marginUsed":"196.90","maxLeverage":"50","positionValue":"1968.7544","returnOnEquity":"-0.0012","szi":"0.02","unrealizedPnl":"-0.2456","hasTpsl":false}}],"borrowedUsdc":"0.00","debtPersisted":"0.00","borrowApr":"0.0000","pendingWithdrawalsCount":0,"time":87905}}}"#,
        #"{"channel":"activeAssetData","data":{"user":"0x5eed00000000000000000000000000000000cafe","coin":"BTC","leverage":{"type":"cross","value":10},"maxTradeSzs":["10.138","10.158"],"availableToTrade":["998021.155","998021.155"],"markPx":"98437.72"}}"#,
    ]

    private func shortcut(_ text: String) -> NotionalMessage? {
        Array(text.utf8).withUnsafeBufferPointer(NotionalShortcuts.decode)
    }

    private func disagreement(_ text: String) -> String? { NotionalShortcuts.disagreement(Array(text.utf8)) }

    @Test("it reads the documented v2 summary, the simulator's pushes and plain variants, as the general path does")
    func readsPlainPushes() throws {
        let documented = try SharedExamples.lines("notional", "docs_examples.jsonl")
            .map { String(decoding: $0, as: UTF8.self) }
            .filter { $0.hasPrefix(#"{"channel":"accountSummary""#) && $0.contains("assetPositions") }
        #expect(documented.count == 1)
        let variants = [
            // Several positions out of order (sorted on the way), a short, a flat one, numbers plain.
            #"{"channel":"accountSummary","data":{"summary":{"balances":[],"assetPositions":[{"position":{"coin":"ETH","szi":-2.5,"leverage":3}},{"position":{"coin":"BTC","szi":"0","liqPx":null,"liquidationPx":"1","leverage":null}}]},"user":"u"}}"#,
            // Both liquidation prices (the old name wins), a hold of null, v1 members beside v2 ones.
            #"{"channel":"accountSummary" , "data" : { "user" : "u" , "summary" : { "assets" : [ 1 ] , "balances" : [ { "coin" : "USDC" , "total" : 5 , "hold" : null } ] , "assetPositions" : [ { "position" : { "coin" : "BTC" , "szi" : "1" , "liqPx" : "2" , "liquidationPx" : "3" } } ] , "crossMarginSummary" : { } , "time" : null } } , "extra" : [ ] }"#,
            #"{"channel":"activeAssetData","data":{"user":"u","coin":"BTC","leverage":"7.5"}}"#,
            // A null cross-margin summary is none, as a missing one.
            #"{"channel":"accountSummary","data":{"user":"u","summary":{"balances":[],"assetPositions":[],"crossMarginSummary":null}}}"#,
            #"{"channel":"activeAssetData","data":{"leverage":{"value":2,"type":"isolated","value2":1},"coin":"ETH","user":"u"}}"#,
        ]
        for text in documented + Self.simulatorFrames + variants {
            #expect(shortcut(text) != nil, "declined \(text)")
            #expect(disagreement(text) == nil)
        }
        guard case .accountSummary(let summary)? = shortcut(variants[0]) else {
            Issue.record("the variant summary was not read")
            return
        }
        #expect(summary.positions.map(\.symbol) == ["BTC", "ETH"] && summary.positions.map(\.side) == [.flat, .short])
        #expect(summary.positions[1].size == FixedDecimal("2.5") && summary.positions[1].leverage == 3)
    }

    @Test("on every documented Notional message it agrees with the general path or declines")
    func everyExample() throws {
        for (file, line) in try SharedExamples.allLines("notional") {
            #expect(NotionalShortcuts.disagreement(line) == nil, "\(file)")
        }
    }

    @Test("it declines what the general path reads differently or refuses, and the general path still reports it")
    func declines() {
        let declined = [
            // Not the two channels, not the plain shape, or the v1 schema.
            #"{"channel":"userFills","data":{"user":"u","fills":[]}}"#,
            #"{"data":{"user":"u","coin":"BTC","leverage":2},"channel":"activeAssetData"}"#,
            #"{"channel":"accountSummary","data":{"user":"u","summary":{"accountValue":1,"assets":[]}}}"#,
            #"{"channel":"activeAssetData","data":{"user":"u","coin":"BTC","leverage":2},"data":{}}"#,
            #"{"channel":"activeAssetData","channel":"pong","data":{"user":"u","coin":"BTC","leverage":2}}"#,
            #"{"channel":"activeAssetData","data":{"user":"\u0075","coin":"BTC","leverage":2}}"#,
            #"{"channel":"accountSummary","data":{"user":"u","summary":{"balances":[],"balances":[],"assetPositions":[]}}}"#,
            #"{"channel":"activeAssetData","data":{"user":"u","coin":"BTC","leverage":2e1}}"#,
            // v2 without its position list (the general path reads none).
            #"{"channel":"accountSummary","data":{"user":"u","summary":{"balances":[],"crossMarginSummary":{}}}}"#,
            // Refused by the general path.
            #"{"channel":"accountSummary","data":{"user":"u","summary":{"balances":[{"coin":"USDC"}],"assetPositions":[]}}}"#,
            #"{"channel":"accountSummary","data":{"user":"u","summary":{"balances":[],"assetPositions":[{"position":{"coin":"BTC"}}]}}}"#,
            #"{"channel":"accountSummary","data":{"user":"u","summary":{"balances":[],"assetPositions":[{"position":{"coin":"BTC","szi":1,"leverage":true}}]}}}"#,
            #"{"channel":"accountSummary","data":{"user":"u","summary":{"balances":[],"assetPositions":[{"type":"oneWay"}]}}}"#,
            #"{"channel":"accountSummary","data":{"summary":{"balances":[],"assetPositions":[]}}}"#,
            #"{"channel":"activeAssetData","data":{"user":"u","coin":"BTC","leverage":0}}"#,
            #"{"channel":"activeAssetData","data":{"user":"u","coin":"BTC","leverage":null}}"#,
            #"{"channel":"activeAssetData","data":{"user":"u","coin":"BTC","leverage":{"type":"cross"}}}"#,
            #"{"channel":"activeAssetData","data":{"user":"u","leverage":2}}"#,
            #"{"channel":"activeAssetData","data":{"user":"u","coin":"BTC","leverage":2}} x"#,
        ]
        for text in declined {
            #expect(shortcut(text) == nil, "read \(text)")
        }
        var decoder = NotionalDecoder()
        for text in declined[9...] {
            if case .success = decoder.decodeGenerally(Array(text.utf8)) { Issue.record("the general path read \(text)") }
        }
        // Members in another order are still read, the general way.
        guard case .success(.activeAssetData(_, let coin, let leverage)) = decoder.decode(Array(declined[1].utf8)) else {
            Issue.record("asset data with channel last not read")
            return
        }
        #expect(coin == "BTC" && leverage == 2)
    }

    @Test("Strings kept from frame to frame: a push for another account or coin reads as on its own")
    func keptStrings() {
        let frames = [
            Self.simulatorFrames[0], Self.simulatorFrames[1],
            Self.simulatorFrames[0].replacingOccurrences(of: "cafe", with: "beef").replacingOccurrences(of: #""BTC""#, with: #""ETH""#),
            Self.simulatorFrames[1].replacingOccurrences(of: "cafe", with: "cafe0"),
            Self.simulatorFrames[1].replacingOccurrences(of: #""BTC""#, with: #""BT""#),
            Self.simulatorFrames[0].replacingOccurrences(of: #""USDC""#, with: #""""#),
            Self.simulatorFrames[0],
        ]
        var memory = NotionalShortcuts.Memory()
        for text in frames {
            let frame = Array(text.utf8)
            let kept = frame.withUnsafeBufferPointer { NotionalShortcuts.decode($0, memory: &memory) }
            #expect(kept != nil && kept == shortcut(text), "\(text)")
        }
    }

    @Test("random mutations of account pushes: the shortcut agrees with the general path or declines")
    func mutations() {
        let seeds = Self.simulatorFrames.map { Array($0.utf8) }
        // One memory across the mutants, as a client's decoder keeps: its Strings go stale often.
        var memory = NotionalShortcuts.Memory()
        let read = ShortcutMutations.run(seeds, seed: 0x4E4F_5449, disagreement: { NotionalShortcuts.disagreement($0, memory: &memory) }) {
            $0.withUnsafeBufferPointer(NotionalShortcuts.decode) != nil
        }
        #expect(read > 500, "many mutants keep the plain shape and are read by the shortcut")
    }
}
