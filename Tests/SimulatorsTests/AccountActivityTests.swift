import Exchange
import Simulators
import TapeCore
import Testing

@Suite("AccountActivity")
struct AccountActivityTests {
    /// Runs an activity for `seconds` with a fixed book, applying market orders to the position.
    private func run(seed: UInt64, seconds: Int64, configuration: AccountActivity.Configuration = .init()) -> [AccountActivity.Step] {
        var activity = AccountActivity(seed: seed, start: .zero, configuration: configuration)
        var position: Int64 = 0
        var steps: [AccountActivity.Step] = []
        var now = Timestamp.zero
        while now < Timestamp.seconds(seconds) {
            now = now + .milliseconds(100)
            while let step = activity.step(at: now, position: position, bid: Price(units: 99), ask: Price(units: 101)) {
                steps.append(step)
                if case .submit(let order) = step, order.kind == .market {
                    position += order.side == .buy ? order.quantity.lots : -order.quantity.lots
                }
            }
        }
        return steps
    }

    @Test("the same seed gives the same steps; another seed other steps")
    func deterministic() {
        let first = run(seed: 3, seconds: 120)
        #expect(first.count > 20)
        #expect(first == run(seed: 3, seconds: 120))
        #expect(first != run(seed: 4, seconds: 120))
    }

    @Test("market orders keep the position within the limit, limit orders join the best price")
    func staysWithinLimits() {
        let configuration = AccountActivity.Configuration(interval: .milliseconds(500), maxLots: 4, maxPosition: 6)
        var position: Int64 = 0
        var extreme: Int64 = 0
        var sawLimit = false, sawCancel = false
        for step in run(seed: 11, seconds: 600, configuration: configuration) {
            switch step {
            case .submit(let order):
                #expect(order.quantity.lots >= 1 && order.quantity.lots <= 4)
                if case .limit(let price) = order.kind {
                    sawLimit = true
                    #expect(price.units == (order.side == .buy ? 99 : 101))
                } else {
                    position += order.side == .buy ? order.quantity.lots : -order.quantity.lots
                    extreme = max(extreme, abs(position))
                }
            case .cancelAll:
                sawCancel = true
            }
        }
        #expect(extreme <= 6)
        #expect(sawLimit && sawCancel)
    }

    @Test("nothing is due before the first gap")
    func firstGap() {
        var activity = AccountActivity(seed: 1, start: .seconds(10))
        #expect(activity.nextTime > .seconds(10))
        #expect(activity.step(at: .seconds(10), position: 0, bid: nil, ask: nil) == nil)
    }
}
