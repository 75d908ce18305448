import TapeCore
@testable import Venues

/// Drives a Digitex client with doc lines the way the replay engine would drive it with a tape:
/// requests (objects with "method") are outbound frames, everything else inbound.
struct DigitexHarness {
    var client: DigitexClient
    var events: [VenueEvent] = []
    var actions: [ClientAction] = []
    var clock: Int64 = 1_000

    init(instruments: [Instrument] = [Instrument(symbol: "BTCUSD-PERP")], drivesConnection: Bool = false) {
        client = DigitexClient(configuration: .init(token: nil, instruments: instruments, drivesConnection: drivesConnection))
        record(client.handle(Frame(time: .milliseconds(clock), direction: .inbound, connection: ConnectionID(0), kind: .opened, payload: [])))
    }

    static func isRequest(_ line: [UInt8]) -> Bool {
        var scanner = JSONScanner()
        return (try? scanner.scan(line))?.withRoot { $0["method"] != nil } ?? false
    }

    /// Feeds lines in order; returns the events they caused.
    @discardableResult
    mutating func feed(_ lines: [[UInt8]]) -> [VenueEvent] {
        let before = events.count
        for line in lines {
            clock += 1
            let direction: Direction = Self.isRequest(line) ? .outbound : .inbound
            record(client.handle(Frame(time: .milliseconds(clock), direction: direction, connection: ConnectionID(0), kind: .text, payload: line)))
        }
        return Array(events[before...])
    }

    @discardableResult
    mutating func feed(_ text: String) -> [VenueEvent] {
        feed([Array(text.utf8)])
    }

    /// Makes the session authenticated and tradable, as the doc's auth sequence does.
    mutating func authenticate() {
        feed(#"{"id":2,"method":"auth","params":{"type":"token","value":"yourToken"}}"#)
        feed(#"{"ch":"tradingStatus","data":{"available":true}}"#)
    }

    private mutating func record(_ new: [ClientAction]) {
        actions += new
        for action in new {
            if case .emit(let event) = action { events.append(event) }
        }
    }

    var anomalies: [Anomaly] {
        events.compactMap { if case .anomaly(let anomaly) = $0 { anomaly } else { nil } }
    }

    var unrecognised: [UnrecognisedFrame] {
        events.compactMap { if case .unrecognised(let frame) = $0 { frame } else { nil } }
    }

    var fills: [Fill] {
        events.compactMap { if case .orderFilled(let fill) = $0 { fill } else { nil } }
    }
}

extension FixedDecimal {
    /// Test shorthand: a literal that must parse.
    static func of(_ text: String) -> FixedDecimal {
        guard let value = FixedDecimal(text) else { preconditionFailure("\(text) is not a decimal") }
        return value
    }
}
