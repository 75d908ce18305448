import Exchange
import Simulators
import TapeCore
import Testing
import Venues

@Suite("LoopbackSession")
struct LoopbackSessionTests {
    typealias Session = LoopbackSession<DigitexSimulator, DigitexClient>

    /// Connects, subscribes, buys, and runs to `end`.
    private func session(seed: UInt64 = 7, end: Timestamp = .seconds(4)) -> Session {
        var session = Session(dialect: DigitexSimulator(seed: seed), configuration: .init(seed: seed))
        session.connect(ConnectionID(0), client: DigitexClient(configuration: .init(token: "loopback")), url: "ws://127.0.0.1/")
        session.run(until: .milliseconds(1_500))
        session.perform(on: ConnectionID(0)) { client, now in client.submit(.subscribe(["BTCUSD-PERP@trades"]), at: now) }
        session.perform(on: ConnectionID(0)) { client, now in
            client.submit(.placeOrder(DigitexOrderRequest(symbol: "BTCUSD-PERP", clOrdId: "l-1", type: .market, timeInForce: .immediateOrCancel,
                                                          side: .buy, price: nil, quantity: 3)), at: now)
        }
        session.run(until: end)
        return session
    }

    @Test("the same calls give the same frames; another seed other frames")
    func deterministic() {
        let first = session().frames
        #expect(first.count > 10)
        let same = first == session().frames
        let other = first == session(seed: 8).frames
        #expect(same && !other)
    }

    @Test("frames are in time order, and an answer arrives at least two latencies after its request")
    func latency() throws {
        let frames = session().frames
        #expect(zip(frames, frames.dropFirst()).allSatisfy { $0.time <= $1.time })
        let request = try #require(frames.first { $0.direction == .outbound && String(decoding: $0.payload, as: UTF8.self).contains("placeOrder") })
        let answer = try #require(frames.first { $0.direction == .inbound && $0.time > request.time && String(decoding: $0.payload, as: UTF8.self).contains("\"status\":\"ok\"") })
        #expect(answer.time - request.time >= .milliseconds(2))
    }

    @Test("the client's account ends as the simulator's exchange holds it")
    func agreesWithExchange() throws {
        let session = session()
        let client = try #require(session.clients[ConnectionID(0)])
        let account = try #require(session.dialect.account(token: "loopback"))
        let position = try #require(session.dialect.market.exchange.position(of: account))
        #expect(position.quantity == 3)
        #expect(client.account.positionsBySymbol["BTCUSD-PERP"]?.size == 3)
    }

    @Test("a dropped connection records lost, and the client and the simulator both let it go")
    func drop() {
        var session = session()
        session.drop(ConnectionID(0), reason: "reset")
        session.run(until: .seconds(5))
        #expect(session.frames.last?.kind == .lost)
        #expect(session.clients.isEmpty)
        #expect(session.dialect.session(ConnectionID(0)) == nil)
    }
}
