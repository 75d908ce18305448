import Exchange
import TapeCore
import Venues

/// The generated market: public trades (`api_trade`) and what it does to traders' accounts.
extension SatoriSimulator {
    public mutating func advanceMarket(to now: Timestamp, maxSteps: Int) -> [SimulatorAction] {
        var actions: [SimulatorAction] = []
        var steps = 0
        while market.now < now && steps < maxSteps {
            let events = market.next()
            steps += 1
            actions += publish(events)
            if !traders.isEmpty {
                actions += reconcile(events)
                actions += runActivity()
            }
        }
        return actions
    }

    /// Public trades to every `api_trade` subscription, one push per trade.
    ///
    /// The docs' push example for trades was not captured; the shape is ours, in the venue's
    /// style: `{"data":{"amount","contractPairId","direction","price","quantity","symbol","time",
    /// "tradeId"},"event":"api_trade","success":true}`, `direction` the taker's (LONG buys), `time` in ms.
    mutating func publish(_ events: [MarketDataEvent]) -> [SimulatorAction] {
        let listeners = connections.filter { connection in sessions[connection]?.subscriptions.contains { $0.event == .trade } ?? false }
        guard !listeners.isEmpty else { return [] }
        var frames: [[UInt8]] = []
        for event in events {
            guard case .trade(let time, let id, let price, let quantity, let aggressor) = event else { continue }
            frames.append(JSONOutput.object([
                ("data", .object([
                    ("amount", .string(FixedDecimal(mantissa: price.units * quantity.lots, scale: 5).normalized.description)),
                    ("contractPairId", .int(1)), ("direction", .string(aggressor == .buy ? "LONG" : "SHORT")),
                    ("price", .string(Self.price(price.units).description)), ("quantity", .string(Self.quantity(quantity.lots).description)),
                    ("symbol", .string(configuration.pair)), ("time", .int((utcNanosAtZero + time.nanoseconds) / 1_000_000)),
                    ("tradeId", .int(Int64(id))),
                ])),
                ("event", .string(Event.trade.rawValue)), ("success", .bool(true)),
            ]).bytes)
        }
        var actions: [SimulatorAction] = []
        for connection in listeners {
            for frame in frames { actions.append(.send(connection, .text, frame)) }
        }
        return actions
    }
}
