import Testing
@testable import Venues

@Suite("Digitex codec")
struct DigitexCodecTests {
    @Test("every documented server message decodes, in every example file")
    func everyInboundExampleDecodes() throws {
        var decoder = DigitexDecoder()
        var count = 0
        for (file, line) in try SharedExamples.allLines("digitex") where !DigitexHarness.isRequest(line) {
            count += 1
            guard case .success = decoder.decode(line) else {
                Issue.record("\(file): \(String(decoding: line, as: UTF8.self)) did not decode: \(decoder.decode(line))")
                continue
            }
        }
        #expect(count >= 45, "the example files hold at least 45 server messages")
    }

    @Test("every documented request decodes and re-encodes byte for byte, except the schematic template")
    func everyRequestRoundTrips() throws {
        var requests = 0
        for (file, line) in try SharedExamples.allLines("digitex") where DigitexHarness.isRequest(line) {
            let text = String(decoding: line, as: UTF8.self)
            switch DigitexCommand.decode(line) {
            case .success(let request):
                requests += 1
                #expect(request.command.json(id: request.id).text == text, "\(file)")
            case .failure(let failure):
                // trading_ws line 1 is the doc's "methodName" template, not a message.
                #expect(failure.reason == .unknownMessage("request methodName"), "\(file): \(text)")
            }
        }
        #expect(requests == 24, "24 request lines in the example files, all but the template decode")
    }

    @Test("a public order book decodes to exact levels, best first")
    func orderBook() throws {
        var decoder = DigitexDecoder()
        let line = try SharedExamples.lines("digitex", "public_channel_pushes.jsonl")[0]
        guard case .success(.orderBook(let book)) = decoder.decode(line) else { Issue.record("not a book"); return }
        #expect(book.symbol == "BTCUSD-PERP")
        #expect(book.bids.first == BookLevel(price: 9840, size: 53914))
        #expect(book.asks.count == 5)
        #expect(book.asks.last == BookLevel(price: 9865, size: 40374))
        #expect(book.venueTimeMillis == 1_591_295_037_813)
    }

    @Test("each private channel is found from its name's bytes, and no other name finds one")
    func privateChannelNames() {
        for channel in DigitexChannel.allCases {
            let found = Array(channel.rawValue.utf8).withUnsafeBufferPointer { DigitexChannelName($0).privateChannel }
            #expect(found == channel)
        }
        for other in ["trades", "orderbook_5", "orderStatu", "orderStatusX", "OrderStatus", ""] {
            let found = Array(other.utf8).withUnsafeBufferPointer { DigitexChannelName($0).privateChannel }
            #expect(found == nil, "\(other)")
        }
    }

    @Test("the vocabulary words matched on bytes mean what the String parsers say")
    func vocabularyWordTables() {
        func agrees<T: Equatable>(_ words: [(StaticString, T)], _ parse: (String) -> T) -> Bool {
            words.allSatisfy { word, value in parse("\(word)") == value }
        }
        #expect(agrees(DigitexVocabulary.sideWords, DigitexVocabulary.side))
        #expect(agrees(DigitexVocabulary.positionSideWords, DigitexVocabulary.positionSide))
        #expect(agrees(DigitexVocabulary.orderTypeWords, DigitexVocabulary.orderType))
        #expect(agrees(DigitexVocabulary.timeInForceWords, DigitexVocabulary.timeInForce))
        #expect(agrees(DigitexVocabulary.statusWords, DigitexVocabulary.status))
        #expect(DigitexVocabulary.statusWords.count == 9, "every status the parser names")
    }

    @Test("channel names with and without the symbol prefix decode alike")
    func channelPrefix() {
        var decoder = DigitexDecoder()
        let short = decoder.decode(Array(#"{"ch":"trades","data":{"symbol":"BTCUSD-PERP","trades":[{"px":9845,"qty":75,"ts":1}]}}"#.utf8))
        let long = decoder.decode(Array(#"{"ch":"BTCUSD-PERP@trades","data":{"symbol":"BTCUSD-PERP","trades":[{"px":9845,"qty":75,"ts":1}]}}"#.utf8))
        #expect(short == long)
        guard case .success(.trades(let trades)) = long else { Issue.record("not trades"); return }
        #expect(trades == [Trade(symbol: "BTCUSD-PERP", price: 9845, quantity: 75, side: nil, tradeID: nil, venueTimeMillis: 1)])
    }

    @Test("the channel after the symbol is what follows the last @, wherever it stands")
    func channelAfterSymbol() {
        // Every length up to three words, an @ at every place (none, one, two), against the plain search.
        for length in 0...24 {
            for first in -1..<length {
                for second in [-1, length - 1, length / 2] where second == -1 || second > first && second < length {
                    var bytes = Array(repeating: UInt8(ascii: "x"), count: length)
                    if first >= 0 { bytes[first] = UInt8(ascii: "@") }
                    if second >= 0 { bytes[second] = UInt8(ascii: "@") }
                    let expected = bytes.lastIndex(of: UInt8(ascii: "@")).map { Array(bytes[($0 + 1)...]) } ?? bytes
                    let found = bytes.withUnsafeBufferPointer { Array(DigitexChannelName.afterSymbol($0)) }
                    #expect(found == expected, "\(String(decoding: bytes, as: UTF8.self))")
                }
            }
        }
    }

    @Test("the ticker, index and funding info keep their decimals exactly")
    func publicDecimals() throws {
        var decoder = DigitexDecoder()
        let lines = try SharedExamples.lines("digitex", "public_channel_pushes.jsonl")
        guard case .success(.ticker(let ticker)) = decoder.decode(lines[4]) else { Issue.record("not a ticker"); return }
        #expect(ticker.fundingRate == .of("0.0003"))
        #expect(ticker.lastPrice == 9400)
        guard case .success(.index(let prices)) = decoder.decode(lines[6]) else { Issue.record("not an index"); return }
        #expect(prices.map(\.kind) == [.mark, .fair, .spot])
        #expect(prices.map(\.symbol) == [".DGTXBTCUSD", ".DGTXBTCUSD", ".DGTXBTCUSD"])
    }

    @Test("the doc's funding push decodes once its '...omitted...' placeholders are removed")
    func fundingBlock() throws {
        let text = try SharedExamples.text("digitex", "trading_ws.NOT_JSON_blocks.txt")
        let block = try #require(text.components(separatedBy: "### ").first { $0.contains("\"funding\"") })
        let json = String(block[block.firstIndex(of: "{")!...])
        var decoder = DigitexDecoder()
        guard case .failure(let failure) = decoder.decode(Array(json.utf8)), case .notJSON = failure.reason else {
            Issue.record("the verbatim block is not JSON and must be reported as such")
            return
        }
        let repaired = json.replacingOccurrences(of: #",\s*\{\s*\.\.\.omitted\.\.\.\s*\}"#, with: "", options: .regularExpression)
        guard case .success(.account(.funding, let push)) = decoder.decode(Array(repaired.utf8)) else {
            Issue.record("repaired funding block did not decode")
            return
        }
        #expect(push.value.payout == .of("-1.86"))
        #expect(push.value.contracts.map(\.contractId) == [614_339_945])
        #expect(push.value.contracts[0].isFunding)
    }

    @Test("the generic error template with a bare error_code is reported as not JSON")
    func errorTemplate() throws {
        var decoder = DigitexDecoder()
        let bad = Array(#"{"ch":"error","data":{"code":error_code,"msg":"error message"}}"#.utf8)
        guard case .failure(let failure) = decoder.decode(bad) else { Issue.record("decoded a template"); return }
        #expect(failure.raw == bad)
        guard case .notJSON = failure.reason else { Issue.record("reason \(failure.reason)"); return }
    }

    @Test("error answers carry the documented meaning of their code")
    func errorMeanings() {
        var decoder = DigitexDecoder()
        let result = decoder.decode(Array(#"{"id":1,"status":"error","code":3003,"msg":"contract not found"}"#.utf8))
        #expect(result == .success(.failed(id: 1, VenueError(code: "3003", message: "contract not found", meaning: "Contract not found"))))
        #expect(DigitexErrorCodes.meanings[27] == "Not enough balance")
    }

    @Test("text ping and pong are heartbeats, not JSON errors")
    func heartbeats() {
        var decoder = DigitexDecoder()
        #expect(decoder.decode(Array("ping".utf8)) == .success(.ping))
        #expect(decoder.decode(Array("pong".utf8)) == .success(.pong))
    }
}
