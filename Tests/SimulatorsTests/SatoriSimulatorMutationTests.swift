import Exchange
@testable import Simulators
import TapeCore
import Testing
import Venues

@Suite("Satori simulator under hostile input")
struct SatoriSimulatorMutationTests {
    /// Requests as bots send them, timestamped at `millis`.
    static func templates(millis: Int64) -> [String] {
        let signature = satoriSignature
        return [
            #"{"pair":"ETH-USD","method":"SUBSCRIBE","event":"api_position","apiKey":"k1","signature":"\#(signature)","timestamp":\#(millis),"signType":"2"}"#,
            #"{"pair":"ETH-USD","method":"SUBSCRIBE","event":"api_entrust","apiKey":"k2","signature":"\#(signature)","timestamp":\#(millis),"signType":2}"#,
            #"{"symbol":"USD","method":"SUBSCRIBE","event":"api_account","apiKey":"k1","signature":"\#(signature)","timestamp":\#(millis),"signType":"2"}"#,
            #"{"pair":"ETH-USD","period":"1MIN","method":"SUBSCRIBE","apiKey":"k3","signType":2,"signature":"\#(signature)","event":"api_trade","timestamp":\#(millis)}"#,
            #"{"pair":"ETH-USD","method":"UNSUBSCRIBE","event":"api_position"}"#,
            "ping",
        ]
    }

    @Test("2,000 seeded mutated requests and order entry from three connections never stop the simulator or break the exchange")
    func mutations() {
        var random = SeededRandom(seed: 77)
        var simulator = SatoriSimulator(seed: 4, configuration: satoriConfiguration(activity: AccountActivity.Configuration(interval: .seconds(1))))
        var now = Timestamp.seconds(1)
        var open = (1...3).map { ConnectionID(UInt32($0)) }
        var answered = 0
        var malformedAnswers = 0
        for connection in open { _ = simulator.connected(connection, target: "/", headers: [], at: now) }
        for step in 0..<2_000 {
            let templates = Self.templates(millis: (satoriUTCAtZero + now.nanoseconds) / 1_000_000)
            var bytes = Array(templates[Int(random.next(below: UInt64(templates.count)))].utf8)
            switch random.next(below: 6) {
            case 0 where !bytes.isEmpty: bytes[Int(random.next(below: UInt64(bytes.count)))] = UInt8(random.next(below: 256))
            case 1 where !bytes.isEmpty: bytes.removeLast(Int(random.next(below: UInt64(bytes.count))))
            case 2: bytes.insert(UInt8(ascii: ["\"", "{", "}", "[", "]", ",", ":", "-", "9", "e"][Int(random.next(below: 10))]),
                                 at: Int(random.next(below: UInt64(bytes.count + 1))))
            default: break
            }
            let connection = open[Int(random.next(below: UInt64(open.count)))]
            let kind: FrameKind = random.chance(1, in: 50) ? .binary : .text
            let actions = simulator.receivedFrame(connection, kind, bytes, at: now)
            answered += actions.isEmpty ? 0 : 1
            for case .send(_, .text, let answer) in actions where answer.first != UInt8(ascii: "{") && answer != Array("pong".utf8) {
                malformedAnswers += 1
            }
            if step % 50 == 0 {
                now = now + .milliseconds(Int64(random.next(below: 2_000)))
                _ = simulator.advanceMarket(to: now, maxSteps: 100_000)
                let key = ["k1", "k2", "k3", "nobody"][Int(random.next(below: 4))]
                let quantity = FixedDecimal(mantissa: Int64(random.next(below: 30)) - 5, scale: 2)
                _ = simulator.placeOrder(key: key, side: random.chance(1, in: 2) ? .buy : .sell, quantity: quantity,
                                         price: random.chance(1, in: 2) ? nil : FixedDecimal(mantissa: Int64(random.next(below: 4_000_000)), scale: 3),
                                         isClose: random.chance(1, in: 4), at: now)
                if random.chance(1, in: 5) { _ = simulator.cancelAllOrders(key: key, at: now) }
            }
            if step == 1_000 {
                // One connection drops mid-session and comes back.
                _ = simulator.disconnected(open[0], at: now)
                _ = simulator.connected(ConnectionID(9), target: "/", headers: [], at: now)
                open[0] = ConnectionID(9)
            }
        }
        #expect(simulator.market.exchange.invariantViolation() == nil)
        #expect(answered > 1_500)
        #expect(malformedAnswers == 0)
    }
}
