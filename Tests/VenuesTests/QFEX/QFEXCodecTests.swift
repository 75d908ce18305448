import Foundation
import Testing
import TapeCore
@testable import Venues

@Suite("QFEX codec")
struct QFEXCodecTests {
    @Test("every documented server message decodes, in both shapes and from every source")
    func everyInboundExampleDecodes() throws {
        var decoder = QFEXDecoder()
        var count = 0
        for (file, line) in try SharedExamples.allLines("qfex") where !QFEXHarness.isRequest(line) {
            count += 1
            if case .failure(let failure) = decoder.decode(line) {
                Issue.record("\(file): \(String(decoding: line, as: UTF8.self)): \(failure)")
            }
        }
        #expect(count == 32, "32 server messages across the QFEX example files")
    }

    @Test("every documented request decodes and re-encodes byte for byte")
    func everyRequestRoundTrips() throws {
        var count = 0
        for (file, line) in try SharedExamples.allLines("qfex") where QFEXHarness.isRequest(line) {
            count += 1
            switch QFEXCommand.decode(line) {
            case .success(let command): #expect(command.json.bytes == line, "\(file): \(String(decoding: line, as: UTF8.self))")
            case .failure(let failure): Issue.record("\(file): \(failure)")
            }
        }
        #expect(count == 35, "35 request lines across the QFEX example files")
    }

    @Test("the commented request blocks decode once their // comments are stripped")
    func commentedBlocks() throws {
        let text = try SharedExamples.text("qfex", "docs_repo.NOT_JSON_blocks.txt")
        let blocks = text.components(separatedBy: "### NOT VALID JSON").dropFirst()
        var commands: [QFEXCommand] = []
        for block in blocks {
            let body = block[block.firstIndex(of: "{")!...]
            let json = body.split(separator: "\n").map { line in line.components(separatedBy: "//")[0] }
                .joined(separator: "\n").components(separatedBy: "=== from")[0]
            guard case .success(let command) = QFEXCommand.decode(Array(json.utf8)) else {
                Issue.record("block did not decode: \(json)")
                continue
            }
            commands.append(command)
        }
        #expect(commands == [
            .addOrder(QFEXOrderRequest(symbol: "AAPL-USD", side: .buy, orderType: "LIMIT", timeInForce: "GFD", quantity: 1, price: 200, takeProfit: 0, stopLoss: 0)),
            .getAvailableLeverageLevels(limit: 10, offset: 0),
            .getUserLeverage(limit: 10, offset: 0),
        ])
    }

    @Test("the v4 envelope and the single-key response give the same kind of balance and position")
    func bothShapes() throws {
        var decoder = QFEXDecoder()
        let envelopes = try SharedExamples.lines("qfex", "asyncapi_v4_envelope_examples.jsonl")
        guard case .success(.balances(let balances)) = decoder.decode(envelopes[0]),
              case .success(.positions(let positions)) = decoder.decode(envelopes[1]) else {
            Issue.record("envelopes did not decode to balances and positions")
            return
        }
        #expect(balances == [Balance(
            asset: "USD", total: .of("99.80721"), available: .of("99.80721"), orderMargin: 0, positionMargin: 0,
            realisedPnL: .of("-898.65735"), unrealisedPnL: 0)])
        #expect(positions.first?.symbol == "PLTR-USD" && positions.first?.side == .flat && positions.first?.leverage == 20)
        #expect(positions.first?.venueTimeMillis == 1_746_762_440_505)
        let single = try SharedExamples.lines("qfex", "flow_subscribe_positions_docs.jsonl")[3]
        guard case .success(.positions(let other)) = decoder.decode(single) else { Issue.record("position_response"); return }
        #expect(other.first?.symbol == "AAPL-USD" && other.first?.leverage == 20)
    }

    @Test("market data keeps quoted decimals exact and reads RFC 3339 nanosecond times")
    func marketData() throws {
        var decoder = QFEXDecoder()
        let bbo = try SharedExamples.lines("qfex", "docs_repo.all.jsonl")[2]
        guard case .success(.book(let book)) = decoder.decode(bbo) else { Issue.record("bbo"); return }
        #expect(book.bids == [BookLevel(price: .of("10101.10"), size: .of("0.45054140"))])
        #expect(book.sequence == 30_272_539)
        #expect(book.venueTimeMillis == 1_756_977_999_545)
        #expect(QFEXMarketDecoding.millis("2025-09-04T09:26:39Z") == 1_756_977_999_000)
        #expect(QFEXMarketDecoding.millis("2025-09-04T09:26:39.5+02:00") == nil, "only UTC is read")
        let array = Array(("[" + String(decoding: bbo, as: UTF8.self) + "," + String(decoding: bbo, as: UTF8.self) + "]").utf8)
        guard case .success(.batch(let batch)) = decoder.decode(array) else { Issue.record("array frame"); return }
        #expect(batch.count == 2)
    }

    @Test("RFC 3339 times read to the millisecond Foundation's formatter gives, with any fraction; anything else is refused")
    func times() {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        var random = SeededRandom(seed: 31)
        for _ in 0..<2_000 {
            let seconds = Int64(random.next(below: 4_102_444_800))
            let whole = formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
            let fraction = String((0..<Int(random.next(below: 10))).map { _ in Character(String(random.next(below: 10))) })
            let millis = Int64((fraction + "000").prefix(3))!
            let zone = random.next(below: 2) == 0 ? "Z" : "+00:00"
            let text = whole.dropLast() + (fraction.isEmpty ? "" : "." + fraction) + zone
            #expect(QFEXMarketDecoding.millis(String(text)) == seconds * 1_000 + millis, "\(text)")
        }
        let good = "2025-09-04T09:26:39.545Z"
        #expect(QFEXMarketDecoding.millis(good) == 1_756_977_999_545)
        for (index, character) in good.enumerated() where character.isNumber {
            var broken = Array(good)
            broken[index] = "/"
            #expect(QFEXMarketDecoding.millis(String(broken)) == nil, "\(String(broken))")
        }
        for bad in ["2025-13-04T09:26:39Z", "2025-09-00T09:26:39Z", "2025-09-04T09:26:39", "2025-09-04T09:26:39.5", "2025-09-04T09:26:39.5z",
                    "2025-09-04T09:26:39Z ", "2025-09-04 09:26:39Z", "2025-09-04T09:26:39.5+00:0", "2025-09-04T09:26:39.5-00:00"] {
            #expect(QFEXMarketDecoding.millis(bad) == nil, "\(bad)")
        }
    }

    @Test("HMAC-SHA256 matches RFC 4231 and signs nonce:unix_ts")
    func signing() {
        let digest = SHA256.hmac(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8))
        #expect(SHA256.hex(digest) == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        #expect(SHA256.hex(SHA256.hash([])) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        let credentials = QFEXCredentials.signed(publicKey: "pub", secretKey: "secret", nonce: "n-1", unixSeconds: 1_700_000_000)
        #expect(QFEXCommand.authenticate(credentials).json.text
            == #"{"type":"auth","params":{"hmac":{"public_key":"pub","nonce":"n-1","unix_ts":1700000000,"signature":"1340ec509bc5890804ba69179ec62c164dddef1d8a8bd75a8d63220fb7e9e0e0"}}}"#)
    }

    @Test("auth replies in both documented forms")
    func authForms() {
        var decoder = QFEXDecoder()
        #expect(decoder.decode(Array(#"{"type":"auth","result":"success"}"#.utf8)) == .success(.authenticated(true, detail: "success")))
        #expect(decoder.decode(Array(#"{"authenticated":true}"#.utf8)) == .success(.authenticated(true, detail: nil)))
        #expect(decoder.decode(Array(#"{"authenticated":false}"#.utf8)) == .success(.authenticated(false, detail: nil)))
        #expect(decoder.decode(Array(#"{"type":"auth","result":"invalid api key"}"#.utf8)) == .success(.authenticated(false, detail: "invalid api key")))
    }
}
