import TapeCore
@testable import Venues

/// Drives a QFEX client with doc lines as a tape would: requests (objects with `params` or
/// `channels`) are outbound, everything else inbound.
struct QFEXHarness {
    static let docSymbols = ["AAPL-USD", "SP500-USD", "PLTR-USD", "US100-USD", "META-USD", "GOOG-USD"]

    var client: QFEXClient
    var events: [VenueEvent] = []
    var clock: Int64 = 1_000

    init(symbols: [String] = QFEXHarness.docSymbols) {
        client = QFEXClient(configuration: .init(
            credentials: nil, instruments: symbols.map { Instrument(symbol: $0) }, drivesConnection: false))
        record(client.handle(Frame(time: .milliseconds(clock), direction: .inbound, connection: ConnectionID(0), kind: .opened, payload: [])))
    }

    static func isRequest(_ line: [UInt8]) -> Bool {
        var scanner = JSONScanner()
        guard let document = try? scanner.scan(line) else { return false }
        return document.withRoot { root in root["type"] != nil && (root["params"] != nil || root["channels"] != nil) }
    }

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

    mutating func authenticate() {
        feed(#"{"type":"auth","params":{"api_key":"YOUR_API_KEY"}}"#)
        feed(#"{"type":"auth","result":"success"}"#)
    }

    private mutating func record(_ actions: [ClientAction]) {
        for action in actions {
            if case .emit(let event) = action { events.append(event) }
        }
    }

    var anomalies: [Anomaly] {
        events.compactMap { if case .anomaly(let anomaly) = $0 { anomaly } else { nil } }
    }

    var unrecognised: [UnrecognisedFrame] {
        events.compactMap { if case .unrecognised(let frame) = $0 { frame } else { nil } }
    }

    static let ack = #"{"order_response":{"order_id":"5b309929-206f-40ec-804d-cbe46e81afc1","symbol":"AAPL-USD","status":"ACK","quantity":1.0,"price":200.0,"take_profit":0.0,"stop_loss":0.0,"side":"BUY","type":"LIMIT","time_in_force":"GFD","user_id":"0020ce8e-eaee-480e-8d7f-b9241d756ee5","client_order_id":"","quantity_remaining":1.0}}"#
}
