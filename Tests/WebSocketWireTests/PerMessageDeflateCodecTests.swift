import Testing
@testable import WebSocketWire

@Suite("permessage-deflate codec and negotiation")
struct PerMessageDeflateCodecTests {
    @Test("messages deflated with context takeover inflate back in order, and repeats get smaller")
    func roundTripWithContext() throws {
        let deflater = PerMessageDeflater(noContextTakeover: false)
        let inflater = PerMessageInflater(noContextTakeover: false)
        let message = Array(#"{"ch":"orderbook_5","data":{"symbol":"BTCUSD-PERP","bids":[[9840,53914]]}}"#.utf8)
        var sizes: [Int] = []
        for _ in 0..<3 {
            let compressed = deflater.deflate(message)
            sizes.append(compressed.count)
            #expect(try inflater.inflate(compressed) == message)
        }
        #expect(sizes[1] < sizes[0], "the second copy refers back into the shared window")
    }

    @Test("without context takeover each message stands alone")
    func roundTripWithoutContext() throws {
        let deflater = PerMessageDeflater(noContextTakeover: true, windowBits: 9)
        let message = Array(repeating: UInt8(ascii: "a"), count: 5_000) + [0, 1, 2]
        let first = deflater.deflate(message)
        let second = deflater.deflate(message)
        #expect(first == second)
        // A fresh inflater reads the second message alone.
        #expect(try PerMessageInflater(noContextTakeover: true).inflate(second) == message)
        #expect(try PerMessageInflater(noContextTakeover: true).inflate(deflater.deflate([])) == [])
    }

    @Test("a server accepts the first offer it can honour and declines what zlib cannot do")
    func serverNegotiation() {
        let plain = PerMessageDeflateParameters.accept(offers: "permessage-deflate; client_max_window_bits")
        #expect(plain?.description == "permessage-deflate")
        let both = PerMessageDeflateParameters.accept(offers: "permessage-deflate; server_no_context_takeover; client_no_context_takeover")
        #expect(both?.description == "permessage-deflate; server_no_context_takeover; client_no_context_takeover")
        let fallback = PerMessageDeflateParameters.accept(offers: "permessage-deflate; server_max_window_bits=8, permessage-deflate; server_max_window_bits=10")
        #expect(fallback?.serverMaxWindowBits == 10)
        #expect(PerMessageDeflateParameters.accept(offers: "x-webkit-deflate-frame") == nil)
        #expect(PerMessageDeflateParameters.accept(offers: "permessage-deflate; bogus") == nil)
        #expect(PerMessageDeflateParameters.accept(offers: "permessage-deflate; server_no_context_takeover; server_no_context_takeover") == nil)
    }

    @Test("a client reads the server's answer")
    func clientReadsResponse() {
        let response = PerMessageDeflateParameters.parseResponse("permessage-deflate; client_max_window_bits=12; server_no_context_takeover")
        #expect(response?.clientMaxWindowBits == 12)
        #expect(response?.serverNoContextTakeover == true)
        #expect(PerMessageDeflateParameters.parseResponse("") == nil)
    }
}

@Suite("permessage-deflate across a conversation")
struct PerMessageDeflateConversationTests {
    @Test("a sequence of small, empty and megabyte messages shares one window both ways")
    func conversation() throws {
        let messages: [[UInt8]] = [
            Array(#"{"id":1,"method":"auth"}"#.utf8), [0, 1, 2, 0, 255], [],
            (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 131) },
            Array(String(repeating: #"{"ch":"orderbook_5"}"#, count: 200).utf8),
        ]
        let deflater = PerMessageDeflater(noContextTakeover: false)
        let inflater = PerMessageInflater(noContextTakeover: false)
        for (index, message) in messages.enumerated() {
            #expect(try inflater.inflate(deflater.deflate(message)) == message, "message \(index)")
        }
    }
}

@Suite("permessage-deflate empty messages")
struct PerMessageDeflateEmptyMessageTests {
    @Test("an empty message is sent as one 0x00 byte, and an empty payload inflates to nothing without harm")
    func emptyMessages() throws {
        let deflater = PerMessageDeflater(noContextTakeover: false)
        _ = deflater.deflate(Array("warm up the window".utf8))
        #expect(deflater.deflate([]) == [0x00])
        let inflater = PerMessageInflater(noContextTakeover: false)
        #expect(try inflater.inflate([]) == [])
        #expect(try inflater.inflate(PerMessageDeflater(noContextTakeover: false).deflate(Array("after".utf8))) == Array("after".utf8))
    }
}
