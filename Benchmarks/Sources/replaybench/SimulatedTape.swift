import Simulators
import TapeCore
import TapeFormat
import Venues

/// Writes a tape of `count` frames of a Digitex market-data session with the Digitex simulator,
/// on virtual time (`LoopbackSession`: the frames a client-side recorder writes). Unlike the
/// documented examples cycled, its prices, sizes and times move, so it compresses like real
/// traffic and its raw read rate is a fair baseline.
func writeSimulatedDigitexTape(_ path: String, count: Int) throws {
    let symbol = "BTCUSD-PERP"
    let connection = ConnectionID(0)
    var session = LoopbackSession<DigitexSimulator, DigitexClient>(dialect: DigitexSimulator(seed: 11), configuration: .init(seed: 11))
    session.connect(connection, client: DigitexClient(configuration: .init(token: "bench-token")), url: "ws://127.0.0.1:7401/")
    session.run(until: .milliseconds(1_200))
    session.perform(on: connection) { client, now in
        client.submit(.subscribe(["\(symbol)@orderbook_5", "\(symbol)@trades", "\(symbol)@index"]), at: now)
    }
    var until = Timestamp.seconds(2)
    while session.frames.count < count {
        session.run(until: until)
        until = until + .seconds(10)
    }
    var options = TapeWriter.Options()
    options.overwrite = true
    let writer = try TapeWriter(path: path, header: TapeHeader(venue: VenueName.digitex.rawValue, wallClockStartNanoseconds: 0), options: options)
    for frame in session.frames.prefix(count) { try writer.append(frame) }
    try writer.close()
}
