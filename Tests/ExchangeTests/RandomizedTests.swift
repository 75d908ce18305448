import Exchange
import TapeCore
import Testing

/// Drives an exchange with a seeded stream of every kind of request and returns all events.
/// Stops and records an issue at the first invariant violation, naming the step.
func randomSession(seed: UInt64, steps: Int) -> [ExchangeEvent] {
    var random = SeededRandom(seed: seed)
    var exchange = Exchange(config: ExchangeConfig(instruments: [.digitexBTCUSD], utcNanosAtZero: midnight))
    // Small deposits make margin rejections and liquidations common.
    let traders = (0..<6).map { n in exchange.openAccount(deposit: Cash(units: n < 2 ? 50 : 5_000)) }
    var time: Int64 = 0
    var mid: Int64 = usd(9_000)
    var all: [ExchangeEvent] = []
    let instrument = InstrumentID(0)
    for step in 0..<steps {
        time += random.int(in: 1...600) * 1_000_000_000
        let now = Timestamp(nanoseconds: time)
        let who = traders[Int(random.next(below: UInt64(traders.count)))]
        let price = max(usd(5), (mid + random.int(in: -20...20) * usd(5)) / usd(5) * usd(5))
        let lots = random.int(in: 1...40)
        let side: Side = random.chance(1, in: 2) ? .buy : .sell
        var events: [ExchangeEvent]
        switch random.next(below: 14) {
        case 0...4:
            let tifs: [TimeInForce] = [.goodTillCancelled, .goodTillCancelled, .immediateOrCancel, .fillOrKill,
                                       .goodTillFunding, .goodForDay, .goodTillDate(Timestamp(nanoseconds: time + 3_600_000_000_000))]
            let tif = tifs[Int(random.next(below: UInt64(tifs.count)))]
            events = exchange.submit(.limit(side, lots, at: price, tif), account: who, at: now)
        case 5:
            events = exchange.submit(.market(side, lots), account: who, at: now)
        case 6, 7:
            let open = exchange.openOrders(of: who)
            let target = open.isEmpty ? OrderID(random.next(below: 100)) : open[Int(random.next(below: UInt64(open.count)))].id
            events = exchange.cancel(target, account: who, at: now)
        case 8:
            let open = exchange.openOrders(of: who)
            guard let target = open.first?.id else { continue }
            events = random.chance(1, in: 2)
                ? exchange.amend(target, account: who, quantity: Quantity(lots: lots), at: now)
                : exchange.amend(target, account: who, price: Price(units: price), at: now)
        case 9:
            events = exchange.cancelAll(account: who, instrument: instrument, side: random.chance(1, in: 2) ? side : nil, at: now)
        case 10:
            events = exchange.setLeverage(random.int(in: 1...60), account: who, instrument: instrument, at: now)
        case 11:
            mid = max(usd(1_000), mid + random.bell(scale: usd(40)) / usd(5) * usd(5))
            events = exchange.updateMarkPrice(Price(units: mid + random.int(in: -9_999...9_999)), at: now)
            exchange.setFundingRate(Rate(perHundredMillion: random.int(in: -100_000...100_000)))
        case 12:
            events = exchange.updateIndexPrice(Price(units: mid), at: now)
        default:
            let stop = OrderRequest(side: side, kind: random.chance(1, in: 2) ? .market : .limit(Price(units: price)),
                                    quantity: Quantity(lots: lots), reduceOnly: random.chance(1, in: 2))
            let source: TriggerSource = [.markPrice, .indexPrice, .lastPrice][Int(random.next(below: 3))]
            events = exchange.placeTrigger(stop, when: source, is: side == .buy ? .greaterOrEqual : .lessOrEqual,
                                           Price(units: price), account: who, at: now)
        }
        all += events
        if let problem = exchange.invariantViolation() {
            Issue.record("seed \(seed) step \(step) at \(now): \(problem) after \(events)")
            return all
        }
    }
    return all
}

@Suite("Randomised sessions keep every invariant")
struct RandomizedTests {
    @Test("seeded sessions of every request kind keep books uncrossed, contracts and cash conserved", arguments: [1, 2, 3] as [UInt64])
    func invariantsHold(seed: UInt64) {
        let events = randomSession(seed: seed, steps: 3_000)
        #expect(events.count > 3_000)
        #expect(events.trades.count > 100)
        #expect(events.contains { if case .liquidation = $0 { return true } else { return false } })
        #expect(events.contains { if case .funding = $0 { return true } else { return false } })
        #expect(events.contains { if case .triggerFired = $0 { return true } else { return false } })
        #expect(events.cancellations.contains { $0.1 == .expired })
    }

    @Test("the same seed gives the same events; another seed gives others")
    func deterministic() {
        #expect(randomSession(seed: 7, steps: 1_000) == randomSession(seed: 7, steps: 1_000))
        #expect(randomSession(seed: 7, steps: 1_000) != randomSession(seed: 8, steps: 1_000))
    }
}
