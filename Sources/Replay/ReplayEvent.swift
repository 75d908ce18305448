import TapeCore
import Venues

/// One event a venue client emitted during a replay, with where on the tape it came from.
public struct ReplayEvent: Hashable, Sendable {
    /// Position in the replay's event stream, from 0.
    public var sequence: Int
    /// The tape frame that caused it; nil when a timer fired.
    public var frame: Int?
    /// Virtual time when it was emitted.
    public var time: Timestamp
    public var connection: ConnectionID
    public var event: VenueEvent

    public init(sequence: Int, frame: Int?, time: Timestamp, connection: ConnectionID, event: VenueEvent) {
        self.sequence = sequence
        self.frame = frame
        self.time = time
        self.connection = connection
        self.event = event
    }

    /// The event's case name (`orderUpdated`, `anomaly`, …), as summaries and filters use it.
    public var type: String { EventType.name(of: event) }

    /// The canonical JSON line (no newline): `{"seq","frame","time","connection","type","event"}`.
    public var jsonLine: String {
        var bytes: [UInt8] = []
        appendJSON(to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    func appendJSON(to bytes: inout [UInt8]) {
        func raw(_ text: StaticString) { text.withUTF8Buffer { bytes.append(contentsOf: $0) } }
        raw(#"{"seq":"#)
        CanonicalJSON.appendDigits(Int64(sequence), to: &bytes)
        raw(#","frame":"#)
        if let frame { CanonicalJSON.appendDigits(Int64(frame), to: &bytes) } else { raw("null") }
        raw(#","time":"#)
        CanonicalJSON.appendDigits(time.nanoseconds, to: &bytes)
        raw(#","connection":"#)
        CanonicalJSON.appendDigits(Int64(connection.rawValue), to: &bytes)
        raw(#","type":""#)
        EventType.staticNames[EventType.index(of: event)].withUTF8Buffer { bytes.append(contentsOf: $0) }
        raw(#"","event":"#)
        CanonicalJSON.appendPayload(of: event, to: &bytes)
        bytes.append(UInt8(ascii: "}"))
    }
}

/// Names and indexes the cases of `VenueEvent` without reflection (summaries count every event).
public enum EventType {
    /// Every case name, in declaration order; `index(of:)` points into it.
    public static let names = [
        "authenticated", "authenticationFailed", "tradingStatusChanged", "commandAccepted", "commandRejected",
        "commandRefused", "commandUnanswered", "orderUpdated", "orderFilled", "positionUpdated", "balanceUpdated",
        "leverageChanged", "leverageTiers", "fillHistory", "instruments", "fundingPaid", "positionLiquidated",
        "conditionalOrderUpdated", "bookSnapshot", "bookDelta", "trades", "ticker", "price", "fundingRate", "candle",
        "publicLiquidations", "subscriptions", "venueError", "heartbeat", "unrecognised", "anomaly",
    ]

    public static func name(of event: VenueEvent) -> String { names[index(of: event)] }

    /// The same names as static strings, for writing without allocating.
    static let staticNames: [StaticString] = [
        "authenticated", "authenticationFailed", "tradingStatusChanged", "commandAccepted", "commandRejected",
        "commandRefused", "commandUnanswered", "orderUpdated", "orderFilled", "positionUpdated", "balanceUpdated",
        "leverageChanged", "leverageTiers", "fillHistory", "instruments", "fundingPaid", "positionLiquidated",
        "conditionalOrderUpdated", "bookSnapshot", "bookDelta", "trades", "ticker", "price", "fundingRate", "candle",
        "publicLiquidations", "subscriptions", "venueError", "heartbeat", "unrecognised", "anomaly",
    ]

    public static func index(of event: VenueEvent) -> Int {
        switch event {
        case .authenticated: 0
        case .authenticationFailed: 1
        case .tradingStatusChanged: 2
        case .commandAccepted: 3
        case .commandRejected: 4
        case .commandRefused: 5
        case .commandUnanswered: 6
        case .orderUpdated: 7
        case .orderFilled: 8
        case .positionUpdated: 9
        case .balanceUpdated: 10
        case .leverageChanged: 11
        case .leverageTiers: 12
        case .fillHistory: 13
        case .instruments: 14
        case .fundingPaid: 15
        case .positionLiquidated: 16
        case .conditionalOrderUpdated: 17
        case .bookSnapshot: 18
        case .bookDelta: 19
        case .trades: 20
        case .ticker: 21
        case .price: 22
        case .fundingRate: 23
        case .candle: 24
        case .publicLiquidations: 25
        case .subscriptions: 26
        case .venueError: 27
        case .heartbeat: 28
        case .unrecognised: 29
        case .anomaly: 30
        }
    }

    /// The case's payload, or nil for a case without one (then `"event"` is `null`).
    static func payload(of event: VenueEvent) -> Any? {
        let mirror = Mirror(reflecting: event)
        return mirror.children.first?.value
    }
}
