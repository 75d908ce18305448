import TapeCore
import Testing
@testable import Venues

@Suite("Roxom")
struct RoxomClientTests {
    static let symbols = ["US500-BTC", "US100-BTC", "GOLD-BTC", "OIL-BTC", "USDT-BTC"]

    private func client() -> RoxomClient {
        var client = RoxomClient(configuration: .init(instruments: Self.symbols.map { Instrument(symbol: $0) }, drivesConnection: false))
        _ = client.connected(at: .zero)
        return client
    }

    private func isRequest(_ line: [UInt8]) -> Bool { String(decoding: line, as: UTF8.self).hasPrefix(#"{"op""#) }

    private func events(_ actions: [ClientAction]) -> [VenueEvent] {
        actions.compactMap { if case .emit(let event) = $0 { event } else { nil } }
    }

    @Test("every documented message decodes and every request re-encodes byte for byte")
    func examples() throws {
        var decoder = RoxomDecoder()
        var inbound = 0, requests = 0
        for line in try SharedExamples.lines("roxom", "docs_examples.jsonl") {
            if isRequest(line) {
                requests += 1
                guard case .success(let command) = RoxomCommand.decode(line) else { Issue.record("request did not decode"); continue }
                #expect(command.json.bytes == line)
            } else {
                inbound += 1
                if case .failure(let failure) = decoder.decode(line) { Issue.record("\(failure)") }
            }
        }
        #expect(inbound == 7 && requests == 4)
    }

    @Test("level1, trade and ticker pushes (our simulator's shapes) become ticker and trade events; malformed ones are unrecognised")
    func marketPushes() {
        var client = client()
        let level1 = #"{"topic":"level1.US500-BTC","type":"snapshot","createdTime":1752621480000000000,"data":{"symbol":"US500-BTC","bid":["5000.25","1.5"],"ask":[],"timestamp":1752621480001000000}}"#
        #expect(events(client.receivedFrame(Array(level1.utf8), at: .zero)) == [.ticker(Ticker(
            symbol: "US500-BTC", bidPrice: .of("5000.25"), bidSize: .of("1.5"), venueTimeMillis: 1_752_621_480_001))])
        let trade = #"{"topic":"trade.US500-BTC","type":"snapshot","createdTime":1752621480000000000,"data":{"symbol":"US500-BTC","tradeId":"17","price":"5000.50","qty":"0.3","side":"sell","timestamp":1752621480000000000}}"#
        #expect(events(client.receivedFrame(Array(trade.utf8), at: .zero)) == [.trades([Trade(
            symbol: "US500-BTC", price: .of("5000.50"), quantity: .of("0.3"), side: .sell, tradeID: "17", venueTimeMillis: 1_752_621_480_000)])])
        let ticker = #"{"topic":"ticker.US500-BTC","type":"snapshot","createdTime":1752621480000000000,"data":{"symbol":"US500-BTC","lastPrice":"5000.50","bestBid":"5000.25","bestAsk":null,"markPrice":"5000.40","indexPrice":"5000.00","volume":"12.5","openInterest":"3.0","fundingRate":"0.00010000","nextFundingTime":1752624000000000000,"timestamp":1752621480000000000}}"#
        #expect(events(client.receivedFrame(Array(ticker.utf8), at: .zero)) == [.ticker(Ticker(
            symbol: "US500-BTC", lastPrice: .of("5000.50"), bidPrice: .of("5000.25"), markPrice: .of("5000.40"),
            fundingRate: .of("0.00010000"), nextFundingTimeMillis: 1_752_624_000_000, openInterest: .of("3.0"),
            volume24h: .of("12.5"), venueTimeMillis: 1_752_621_480_000))])
        let before = client.account
        for bad in [
            #"{"topic":"level1.US500-BTC","type":"snapshot","data":{"bid":["5000.25"],"ask":[]}}"#,
            #"{"topic":"level1.US500-BTC","type":"snapshot","data":{"bid":["5000.25","-1"],"ask":[]}}"#,
            #"{"topic":"trade.US500-BTC","type":"snapshot","data":{"qty":"0.3","side":"sell"}}"#,
            #"{"topic":"trade.US500-BTC","type":"snapshot","data":{"price":"1","qty":"0.3","side":"up"}}"#,
            #"{"topic":"candles.US500-BTC","type":"snapshot","data":{}}"#,
        ] {
            let emitted = events(client.receivedFrame(Array(bad.utf8), at: .zero))
            guard emitted.count == 1, case .unrecognised = emitted[0] else { Issue.record("\(bad) gave \(emitted)"); continue }
        }
        #expect(client.account == before)
    }

    @Test("a position push fills the position with exact decimals and ns times in ms")
    func position() throws {
        var client = client()
        _ = client.receivedFrame(try SharedExamples.lines("roxom", "docs_examples.jsonl")[1], at: .zero)
        let position = try #require(client.account.positionsBySymbol["US500-BTC"])
        #expect(position.side == .long && position.size == .of("0.500") && position.entryPrice == .of("50000.00"))
        #expect(position.liquidationPrice == 45000 && position.margin == .of("0.05") && position.leverage == 10)
        #expect(position.venueTimeMillis == 1_640_995_200_000)
    }

    @Test("an order seen as new, then partially filled, then cancelled: one fill, nothing left open")
    func orderLife() throws {
        var client = client()
        let lines = try SharedExamples.lines("roxom", "docs_examples.jsonl")
        let new = #"{"type":"order","data":{"orderId":"01981061-787c-7fd0-b707-18fa252f0d0b","symbol":"GOLD-BTC","status":"new","remainingQty":"1.00","executedQty":"0.00","side":"buy","orderType":"limit","orderSize":"1.00","limitPrice":"50200.00","clientOrderId":"my-order-123","timestamp":1752621480000000000}}"#
        _ = client.receivedFrame(Array(new.utf8), at: .zero)
        #expect(client.account.openOrders.count == 1)
        let partial = events(client.receivedFrame(lines[3], at: .zero))
        #expect(partial.first == .orderFilled(Fill(
            symbol: "GOLD-BTC", venueOrderID: "01981061-787c-7fd0-b707-18fa252f0d0b", clientOrderID: "my-order-123", side: .buy,
            price: .of("50125.50"), quantity: .of("0.50"), fee: .of("0.00002506"), venueTimeMillis: 1_752_621_480_060)))
        #expect(client.account.openOrders.first?.quantity == .of("0.50"))
        _ = client.receivedFrame(lines[2], at: .zero)
        #expect(client.account.openOrders.isEmpty)
        #expect(client.invariantViolations().isEmpty)
    }

    @Test("a cancel or fill of an order never seen is an anomaly, not applied")
    func unknownOrder() throws {
        var client = client()
        let lines = try SharedExamples.lines("roxom", "docs_examples.jsonl")
        let cancelled = events(client.receivedFrame(lines[2], at: .zero))
        let filled = events(client.receivedFrame(lines[3], at: .zero))
        guard case .anomaly(let first) = cancelled.first, case .anomaly(let second) = filled.first else {
            Issue.record("\(cancelled) \(filled)")
            return
        }
        #expect(first.kind == .cancelForUnknownOrder && second.kind == .fillForUnknownOrder)
        #expect(client.account.openOrders.isEmpty)
    }

    @Test("depth: the topic names the book, and negative delta sizes are removals")
    func depth() throws {
        var client = client()
        let lines = try SharedExamples.lines("roxom", "docs_examples.jsonl")
        guard case .bookDelta(let delta) = events(client.receivedFrame(lines[8], at: .zero)).first else { Issue.record("no delta"); return }
        #expect(delta.symbol == "GOLD-BTC")
        #expect(delta.asks == [BookLevel(price: .of("0.00089435"), size: 0)])
        guard case .bookSnapshot(let book) = events(client.receivedFrame(lines[7], at: .zero)).first else { Issue.record("no snapshot"); return }
        #expect(book.bids.count == 2 && book.bids[0] == BookLevel(price: .of("0.00089410"), size: .of("89.25")))
    }

    @Test("error 600010 means the handshake's authentication failed; balances keep their unit")
    func errorsAndBalance() throws {
        var client = client()
        let lines = try SharedExamples.lines("roxom", "docs_examples.jsonl")
        #expect(events(client.receivedFrame(lines[10], at: .zero)) == [.authenticationFailed(VenueError(
            code: "600010", message: "Authentication failed", meaning: "Authentication failed"))])
        _ = client.receivedFrame(lines[5], at: .zero)
        #expect(client.account.balancesByAsset["BTC"]?.total == .of("1.49950000"))
    }

    @Test("connect subscribes; the ack answers it; headers are signed and redacted")
    func live() {
        var client = RoxomClient(configuration: .init(
            instruments: [Instrument(symbol: "GOLD-BTC")], subscriptions: [RoxomChannel(name: "positions"), RoxomChannel(name: "depth", symbol: "GOLD-BTC")]))
        #expect(client.connected(at: .zero) == [.send(.text, Array(#"{"op":"subscribe","args":[{"channel":"positions"},{"channel":"depth","symbol":"GOLD-BTC"}]}"#.utf8))])
        #expect(events(client.receivedFrame(Array(#"{"event":"subscribe","success":true}"#.utf8), at: .zero)) == [.commandAccepted(.number(1))])
        let headers = RoxomAuthentication.hmacHeaders(apiKey: "key", secret: "secret", timestampMillis: 1_700_000_000_000)
        #expect(headers.map(\.name) == ["X-API-KEY", "X-API-TIMESTAMP", "X-API-SIGN"])
        #expect(Base64.encode(Array("foob".utf8)) == "Zm9vYg==" && Base64.encode(Array("foobar".utf8)) == "Zm9vYmFy")
        let redacted = RoxomRedaction.rules.redact(ConnectionOpened(url: "wss://ws.roxom.com/ws", headers: headers))
        #expect(redacted.headers.map(\.value) == ["<redacted:api_key>", "1700000000000", "<redacted:signature>"])
    }

    /// 2,000 seeded mutants (modest: debug on 2 cores); invariants as for Digitex.
    @Test("2,000 seeded mutations never crash and never leave the state inconsistent")
    func mutations() throws {
        let examples = try SharedExamples.lines("roxom", "docs_examples.jsonl").filter { !isRequest($0) }
        var random = SeededRandom(seed: Mutator.seed(0x70_C0))
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

@Suite("Roxom client acknowledgements")
struct RoxomAcknowledgementTests {
    @Test("a subscribe and an unsubscribe are each accepted by their own ack, in order; a third ack is an anomaly")
    func unsubscribeAck() {
        var client = RoxomClient(configuration: .init(instruments: [Instrument(symbol: "US500-BTC")]))
        _ = client.connected(at: .zero)
        let channel = RoxomChannel(name: "depth", symbol: "US500-BTC")
        _ = client.submit(.subscribe([channel]), at: .zero)
        _ = client.submit(.unsubscribe([channel]), at: .zero)
        func ack(_ op: String) -> [VenueEvent] {
            client.receivedFrame(Array(#"{"event":"\#(op)","args":[{"channel":"depth","symbol":"US500-BTC"}]}"#.utf8), at: .zero)
                .compactMap { if case .emit(let event) = $0 { event } else { nil } }
        }
        #expect(ack("subscribe") == [.commandAccepted(.number(1))])
        #expect(ack("unsubscribe") == [.commandAccepted(.number(2))])
        let third = ack("unsubscribe")
        guard case .anomaly(let anomaly) = third.first else { Issue.record("\(third)"); return }
        #expect(anomaly.kind == .answerToUnknownRequest)
    }
}
