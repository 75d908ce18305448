import Replay
import TapeCore
import TapeFormat
import Venues

/// A tape replayed into its venue's client, kept for assertions: every event, the final state,
/// the digest. Every `expect…` throws a `TapeAssertionFailure` that names the frame and time, so
/// the same calls work in Swift Testing (`try`) and XCTest (a throwing test method).
///
///     let tape = try ReplayedTape.recording("digitex-market-order-fill.tape")
///     try tape.expectNoAnomalies()
///     try tape.expectPosition("BTCUSD-PERP", side: .long, size: 10)
public struct ReplayedTape: Sendable {
    public let path: String
    public let result: ReplayResult
    /// Every event, in order.
    public let events: [ReplayEvent]

    public var state: ReplayState { result.state }
    public var digest: String { result.digest ?? "" }
    public var venue: VenueName { result.venue }

    /// Replays the tape at `path` (checking invariants after every frame). A damaged tape fails.
    public init(path: String, configuration: ReplayConfiguration = ReplayConfiguration(checksInvariantsEveryFrame: true)) throws {
        var events: [ReplayEvent] = []
        let result = try Replayer.run(tape: path, configuration: configuration) { events.append($0) }
        if let stop = result.stop {
            throw TapeAssertionFailure("the tape \(path) is damaged: replay \(stop)", frame: stop.frame)
        }
        self.path = path
        self.result = result
        self.events = events
    }

    /// Replays `name` from the calling package's `recordings/` folder.
    public static func recording(_ name: String, configuration: ReplayConfiguration = ReplayConfiguration(checksInvariantsEveryFrame: true),
                                 file: StaticString = #filePath) throws -> ReplayedTape {
        try ReplayedTape(path: Recordings.path(name, file: file), configuration: configuration)
    }

    // MARK: Looking

    /// Events of one type (`"orderFilled"`, see `EventType.names`).
    public func events(ofType type: String) -> [ReplayEvent] { events.filter { $0.type == type } }

    /// The events a frame caused.
    public func events(ofFrame frame: Int) -> [ReplayEvent] { events.filter { $0.frame == frame } }

    /// The state right after frame `number` (replays the tape again up to it).
    public func state(afterFrame number: Int) throws -> ReplayState {
        let reader = try Replayer.open(path)
        var session = try Replayer.session(for: reader, configuration: result.configuration)
        var cursor = reader.cursor(fromFrame: 0)
        while let recorded = try cursor.next(), recorded.number <= number {
            session.apply(recorded.frame, number: recorded.number)
            if recorded.number == number { return session.state }
        }
        throw TapeAssertionFailure("the tape has \(reader.frameCount) frames, no frame \(number)")
    }

    // MARK: Expecting

    /// The first event that satisfies `predicate`; fails naming the frames searched.
    @discardableResult
    public func expectEvent(_ what: String, where predicate: (ReplayEvent) -> Bool) throws -> ReplayEvent {
        if let event = events.first(where: predicate) { return event }
        throw TapeAssertionFailure("expected \(what), but none of the \(events.count) events of \(span) matches")
    }

    /// Fails at the first event that satisfies `predicate`, naming its frame and time.
    public func expectNoEvent(_ what: String, where predicate: (ReplayEvent) -> Bool) throws {
        guard let event = events.first(where: predicate) else { return }
        throw TapeAssertionFailure("expected no \(what), but got \(event.type) \(CanonicalJSON.string(event.event))",
                                   frame: event.frame, time: event.time)
    }

    /// Counts events of a type.
    public func expectCount(_ type: String, _ count: Int) throws {
        let matching = events(ofType: type)
        guard matching.count != count else { return }
        let last = matching.last
        throw TapeAssertionFailure("expected \(count) \(type) events, got \(matching.count)\(last.map { " (the last" + " from frame \($0.frame.map(String.init) ?? "timer"))" } ?? "")",
                                   time: last?.time)
    }

    /// No anomaly and no unrecognised frame.
    public func expectNoAnomalies() throws {
        try expectNoEvent("anomaly or unrecognised frame") {
            if case .anomaly = $0.event { return true }
            if case .unrecognised = $0.event { return true }
            return false
        }
    }

    /// The clients' invariants held after every frame (when checked every frame) and at the end.
    public func expectInvariantsHold() throws {
        guard let first = result.session.violations.first else { return }
        throw TapeAssertionFailure("invariant broken: \(first) (\(result.session.violations.count) in all)")
    }

    /// The final position in `symbol` has this side and size (and entry price, when given).
    public func expectPosition(_ symbol: String, side: PositionSide, size: FixedDecimal, entryPrice: FixedDecimal? = nil) throws {
        let position = state.position(symbol)
        let actual = position.map { "\($0.side) \($0.size)" + ($0.entryPrice.map { " @ \($0)" } ?? "") } ?? "no position"
        let matches = position.map { $0.side == side && $0.size == size && (entryPrice == nil || $0.entryPrice == entryPrice) } ?? (side == .flat && size.isZero)
        guard !matches else { return }
        let last = lastEvent { if case .positionUpdated(let p) = $0.event { return p.symbol == symbol }; return false }
        throw TapeAssertionFailure(
            "expected position \(symbol) \(side) \(size)\(entryPrice.map { " @ \($0)" } ?? ""), but it is \(actual)"
                + (last == nil ? " (no positionUpdated event for it)" : "; it was last updated"),
            frame: last?.frame, time: last?.time)
    }

    /// The final balance of `asset` totals `total`.
    public func expectBalance(_ asset: String, total: FixedDecimal) throws {
        let balance = state.balance(asset)
        guard balance?.total != total else { return }
        let last = lastEvent { if case .balanceUpdated(let b) = $0.event { return b.asset == asset }; return false }
        throw TapeAssertionFailure(
            "expected balance \(asset) \(total), but it is \(balance.map { "\($0.total)" } ?? "absent")" + (last == nil ? "" : "; last updated"),
            frame: last?.frame, time: last?.time)
    }

    /// The final number of open orders.
    public func expectOpenOrders(_ count: Int) throws {
        let orders = state.openOrders
        guard orders.count != count else { return }
        let last = lastEvent { if case .orderUpdated = $0.event { return true }; return false }
        throw TapeAssertionFailure("expected \(count) open orders, found \(orders.count): \(orders.map(\.venueOrderID).joined(separator: ", ")); last order update",
                                   frame: last?.frame, time: last?.time)
    }

    /// The digest equals `expected` (pin a tape's behaviour: any change in events or state fails).
    public func expectDigest(_ expected: String) throws {
        guard digest != expected else { return }
        throw TapeAssertionFailure("the replay's digest is \(digest), expected \(expected): events or final state changed",
                                   remedy: "compare 'tape replay --events' output with a known good build")
    }

    private func lastEvent(_ predicate: (ReplayEvent) -> Bool) -> ReplayEvent? { events.last(where: predicate) }

    private var span: String {
        "frames 0–\(max(0, result.session.lastFrame)) (t=0 … \(state.time) s)"
    }
}
