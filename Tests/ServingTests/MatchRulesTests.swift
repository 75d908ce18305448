import Testing
import TapeCore
@testable import Serving

@Suite("Matching client frames against recorded ones")
struct MatchRulesTests {
    func compare(_ rules: MatchRules, _ recorded: String, _ received: String) -> MatchRules.Result {
        rules.compare(recorded: (.text, Array(recorded.utf8)), received: (.text, Array(received.utf8)))
    }

    @Test("exact matching wants the same bytes and says where they part")
    func exact() {
        let rules = MatchRules(comparison: .exact)
        #expect(compare(rules, #"{"a":1}"#, #"{"a":1}"#) == .match)
        #expect(compare(rules, #"{"a":1}"#, #"{"a": 1}"#) == .mismatch("the bytes differ from offset 5 (recorded 7 B, received 8 B)"))
    }

    @Test("JSON matching ignores key order and whitespace and compares numbers by value")
    func keyOrder() {
        let rules = MatchRules()
        #expect(compare(rules, #"{"op":"subscribe","args":[{"channel":"position"}],"px":1.50}"#,
                        #" { "px" : 1.5 , "args" : [ { "channel" : "position" } ], "op" : "subscribe" } "#) == .match)
    }

    @Test("ignored fields are left out at every depth, on both sides")
    func ignoredFields() {
        let recorded = #"{"id":1,"method":"placeOrder","params":{"clOrdId":"a1","px":9840,"legs":[{"nonce":5,"qty":1}]}}"#
        let received = #"{"method":"placeOrder","id":77,"params":{"px":9840,"legs":[{"qty":1}],"clOrdId":"zz"}}"#
        #expect(compare(MatchRules(ignoring: ["id", "clOrdId", "nonce"]), recorded, received) == .match)
        #expect(compare(MatchRules(), recorded, received) == .mismatch("$.id: recorded 1, received 77"))
        #expect(compare(MatchRules(ignoring: ["id", "clOrdId"]), recorded, received) == .mismatch("$.params.legs[0].nonce: missing from the client's frame"))
    }

    @Test("a difference is named by its path, type and values")
    func differences() {
        let rules = MatchRules()
        #expect(compare(rules, #"{"a":[1,{"b":"x"}]}"#, #"{"a":[1,{"b":"y"}]}"#) == .mismatch(#"$.a[1].b: recorded "x", received "y""#))
        #expect(compare(rules, #"{"a":[1,2]}"#, #"{"a":[1]}"#) == .mismatch("$.a: recorded 2 elements, received 1"))
        #expect(compare(rules, #"{"a":1}"#, #"{"a":"1"}"#) == .mismatch("$.a: recorded a number, received a string"))
        #expect(compare(rules, #"{"a":true}"#, #"{"a":false}"#) == .mismatch("$.a: recorded true, received false"))
        #expect(compare(rules, #"{"a":1}"#, #"{"a":1,"b":null}"#) == .mismatch("$.b: not in the recorded frame"))
        #expect(compare(rules, #"{"a":1,"c":2}"#, #"{"a":1,"b":2,"c":2}"#) == .mismatch("$.b: not in the recorded frame"))
        #expect(compare(rules, #"{"s":"a\u00e9"}"#, #"{"s":"aé"}"#) == .match)
    }

    @Test("a recorded frame that is not JSON is compared exactly; a client frame that is not JSON is a mismatch")
    func notJSON() {
        let rules = MatchRules()
        #expect(compare(rules, "ping", "ping") == .match)
        #expect(compare(rules, "ping", "pong") == .mismatch("the bytes differ from offset 1 (recorded 4 B, received 4 B)"))
        #expect(compare(rules, #"{"a":1}"#, #"{"a":1"#) == .mismatch("the recorded frame is JSON, the client's is not (invalid JSON at byte 6: the frame ends inside a value)"))
    }

    @Test("kinds must agree; any close matches a recorded close")
    func kinds() {
        let rules = MatchRules()
        #expect(rules.compare(recorded: (.text, [0x31]), received: (.binary, [0x31])) == .mismatch("recorded a text frame, received a binary frame"))
        #expect(rules.compare(recorded: (.close, [3, 232]), received: (.close, [3, 233, 0x62])) == .match)
    }

    @Test("the volatile fields cover ids, timestamps, nonces and signatures")
    func volatileFields() {
        let recorded = #"{"id":1,"clOrdId":"a","timestamp":1,"nonce":"x","signature":"s","op":"order"}"#
        let received = #"{"id":2,"clOrdId":"b","timestamp":2,"nonce":"y","signature":"t","op":"order"}"#
        #expect(compare(MatchRules(ignoring: MatchRules.volatileFields), recorded, received) == .match)
        #expect(compare(MatchRules(ignoring: MatchRules.volatileFields), recorded, #"{"op":"cancel"}"#) == .mismatch(#"$.op: recorded "order", received "cancel""#))
    }

    @Test("ignored field names are kept sorted and unique")
    func fieldsSorted() {
        #expect(MatchRules(ignoring: ["nonce", "id", "nonce"]).ignoredFields == ["id", "nonce"])
    }
}
