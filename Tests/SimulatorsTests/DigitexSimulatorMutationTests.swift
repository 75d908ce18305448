import Exchange
import Simulators
import TapeCore
import Testing
import Venues

@Suite("Digitex simulator under hostile input")
struct DigitexSimulatorMutationTests {
    static let templates: [String] = [
        #"{"id":1,"method":"auth","params":{"type":"token","value":"t1"}}"#,
        #"{"id":2,"method":"placeOrder","params":{"symbol":"BTCUSD-PERP","clOrdId":"a","ordType":"LIMIT","timeInForce":"GTC","side":"BUY","px":9800,"qty":5}}"#,
        #"{"id":3,"method":"placeOrder","params":{"symbol":"BTCUSD-PERP","clOrdId":"b","ordType":"MARKET","timeInForce":"IOC","side":"SELL","px":0,"qty":3}}"#,
        #"{"id":4,"method":"cancelOrder","params":{"symbol":"BTCUSD-PERP","clOrdId":"a"}}"#,
        #"{"id":5,"method":"cancelAllOrders","params":{"symbol":"BTCUSD-PERP","px":0,"side":"BUY"}}"#,
        #"{"id":6,"method":"placeCondOrder","params":{"actionId":"c","pxType":"SPOT_PRICE","condition":"LESS_EQUAL","pxValue":9700,"symbol":"BTCUSD-PERP","clOrdId":"d","ordType":"LIMIT","timeInForce":"GTC","side":"BUY","px":9700,"qty":2,"mayIncrPosition":true}}"#,
        #"{"id":7,"method":"cancelCondOrder","params":{"symbol":"BTCUSD-PERP","actionId":"c","allForTrader":false}}"#,
        #"{"id":8,"method":"closePosition","params":{"symbol":"BTCUSD-PERP","ordType":"MARKET"}}"#,
        #"{"id":9,"method":"changeLeverageAll","params":{"symbol":"BTCUSD-PERP","leverage":50}}"#,
        #"{"id":10,"method":"getTraderStatus","params":{"symbol":"BTCUSD-PERP"}}"#,
        #"{"id":11,"method":"closeContract","params":{"symbol":"BTCUSD-PERP","contractId":700000001,"ordType":"LIMIT","px":9900,"qty":1}}"#,
        #"{"id":12,"method":"subscribe","params":["BTCUSD-PERP@orderbook_5","BTCUSD-PERP@trades"]}"#,
        #"{"id":13,"method":"unsubscribe","params":["BTCUSD-PERP@trades"]}"#,
        "ping",
    ]

    @Test("2,000 seeded mutated requests from three connections never stop the simulator or break the exchange's invariants")
    func mutations() {
        var random = SeededRandom(seed: 99)
        var simulator = DigitexSimulator(seed: 4)
        var now = Timestamp.seconds(1)
        var open: [ConnectionID] = []
        var answered = 0
        for connection in 1...3 {
            _ = simulator.connected(ConnectionID(UInt32(connection)), target: "/", headers: [], at: now)
            open.append(ConnectionID(UInt32(connection)))
            _ = simulator.receivedFrame(ConnectionID(UInt32(connection)), .text, Array(Self.templates[0].utf8), at: now)
        }
        for step in 0..<2_000 {
            var bytes = Array(Self.templates[Int(random.next(below: UInt64(Self.templates.count)))].utf8)
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
            if step % 50 == 0 {
                now = now + .milliseconds(Int64(random.next(below: 2_000)))
                _ = simulator.advanceMarket(to: now, maxSteps: 100_000)
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
    }
}
