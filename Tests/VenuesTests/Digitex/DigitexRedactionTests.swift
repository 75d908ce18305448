import TapeCore
import Testing
@testable import Venues

@Suite("Digitex redaction")
struct DigitexRedactionTests {
    @Test("the auth token becomes a placeholder and the frame still decodes as auth")
    func authToken() throws {
        let frame = try SharedExamples.lines("digitex", "slate_ws_extras.jsonl")[3]
        let redacted = DigitexRedaction.rules.redact(frame)
        #expect(String(decoding: redacted, as: UTF8.self) == #"{"id":2,"method":"auth","params":{"type":"token","value":"<redacted:token>"}}"#)
        guard case .success(let request) = DigitexCommand.decode(redacted) else { Issue.record("redacted frame no longer decodes"); return }
        #expect(request.command == .authenticate(token: "<redacted:token>"))
        #expect(DigitexRedaction.rules.redact(redacted) == redacted, "redaction is idempotent")
    }

    @Test("frames without secrets are returned byte for byte")
    func othersUntouched() throws {
        for (file, line) in try SharedExamples.allLines("digitex") where !String(decoding: line, as: UTF8.self).contains(#""method":"auth""#) {
            #expect(DigitexRedaction.rules.redact(line) == line, "\(file)")
        }
        let notAuth = Array(#"{"id":3,"method":"placeOrder","params":{"value":"keep"}}"#.utf8)
        #expect(DigitexRedaction.rules.redact(notAuth) == notAuth, "only the auth request's value is a secret")
    }

    @Test("a replayed redacted auth still drives the session to authenticated")
    func redactedReplays() throws {
        var harness = DigitexHarness()
        let lines = try SharedExamples.lines("digitex", "seq_auth_ok_trading_available.jsonl").map(DigitexRedaction.rules.redact)
        harness.feed(lines)
        #expect(harness.client.isAuthenticated)
    }
}
