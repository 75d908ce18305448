import TapeCore

/// A deterministic, synthetic two-connection session shaped like the Digitex and QFEX examples in
/// `shared/venues/`: a Digitex trading connection (auth, subscriptions, book, trades, fills) and a
/// QFEX market-data connection (bbo, level2, trades).
///
/// It feeds `tape demo` and the benchmarks until the venue simulators exist. The same seed always
/// gives the same frames, byte for byte; nothing here reads a clock or unseeded randomness.
public struct SyntheticSession: Sendable {
    public static let digitexURL = "wss://ws.mapi.digitexfutures.com"
    public static let qfexURL = "wss://mds.qfex.com"

    private var random: SeededRandom
    private var time: Int64 = 0
    private var startFrames: [Frame] = []
    private var midTicks: Int64 = 98_400  // Digitex BTCUSD-PERP in 0.1 USD ticks
    private var qfexMid: Int64 = 2_524_200  // QFEX US100-USD in cents
    private var sequence: Int64 = 30_272_539
    private var orderNumber = 0
    /// Unix milliseconds at the session's start, as the venues put in their payloads.
    private let epochMilliseconds: Int64 = 1_597_739_258_241

    public let digitex = ConnectionID(0)
    public let qfex = ConnectionID(1)

    public init(seed: UInt64) {
        random = SeededRandom(seed: seed)
        startFrames = openingFrames()
    }

    /// The next frame of the session; it never ends.
    public mutating func next() -> Frame {
        if !startFrames.isEmpty { return startFrames.removeFirst() }
        // Inter-arrival from 20 µs to 2 ms, with nanosecond jitter like a real receive clock.
        time += 20_000 + Int64(random.next(below: 1_980_000))
        midTicks += Int64(random.next(below: 3)) - 1
        qfexMid += Int64(random.next(below: 5)) - 2
        let roll = random.next(below: 100)
        switch roll {
        case 0..<40: return inbound(digitex, orderbook())
        case 40..<58: return inbound(digitex, trades())
        case 58..<62: return inbound(digitex, orderFilled())
        case 62..<64: return outbound(digitex, placeOrder())
        case 64..<84: return inbound(qfex, qfexBBO())
        case 84..<94: return inbound(qfex, qfexLevel2())
        default: return inbound(digitex, index())
        }
    }

    // MARK: - Messages

    private mutating func openingFrames() -> [Frame] {
        func opened(_ connection: ConnectionID, _ url: String) -> Frame {
            let payload = ConnectionOpened(url: url, headers: [
                HTTPHeader(name: "Upgrade", value: "websocket"),
                HTTPHeader(name: "Sec-WebSocket-Version", value: "13"),
            ]).payload
            return Frame(time: Timestamp(nanoseconds: time), direction: .outbound, connection: connection, kind: .opened, payload: payload)
        }
        let frames = [
            opened(digitex, Self.digitexURL),
            opened(qfex, Self.qfexURL),
            outbound(digitex, #"{"id":1,"method":"auth","params":{"type":"token","value":"<redacted:token>"}}"#),
            inbound(digitex, #"{"id":1,"status":"ok"}"#),
            outbound(digitex, #"{"id":2,"method":"subscribe","params":["BTCUSD-PERP@orderbook_5","BTCUSD-PERP@trades","BTCUSD-PERP@index"]}"#),
            inbound(digitex, #"{"id":2,"status":"ok"}"#),
            outbound(qfex, #"{"type":"subscribe","channels":["bbo","level2"],"symbols":["US100-USD"]}"#),
        ]
        return frames
    }

    private var milliseconds: Int64 { epochMilliseconds + time / 1_000_000 }

    private func price(_ ticks: Int64) -> String {
        "\(ticks / 10)" + (ticks % 10 == 0 ? "" : ".\(ticks % 10)")
    }

    private mutating func quantity() -> Int { 1 + Int(random.next(below: 90_000)) }

    private mutating func orderbook() -> String {
        let bids = (0..<5).map { "[\(price(midTicks - 5 - Int64($0) * 5)),\(quantity())]" }.joined(separator: ",")
        let asks = (0..<5).map { "[\(price(midTicks + 5 + Int64($0) * 5)),\(quantity())]" }.joined(separator: ",")
        return #"{"ch":"orderbook_5","data":{"symbol":"BTCUSD-PERP","ts":\#(milliseconds),"bids":[\#(bids)],"asks":[\#(asks)]}}"#
    }

    private mutating func trades() -> String {
        let count = 1 + Int(random.next(below: 3))
        let items = (0..<count).map { _ in
            #"{"px":\#(price(midTicks + 5)),"qty":\#(1 + random.next(below: 3_000)),"ts":\#(milliseconds)}"#
        }.joined(separator: ",")
        return #"{"ch":"trades","data":{"symbol":"BTCUSD-PERP","trades":[\#(items)]}}"#
    }

    private mutating func placeOrder() -> String {
        orderNumber += 1
        let side = random.next(below: 2) == 0 ? "BUY" : "SELL"
        return #"{"id":\#(orderNumber + 10),"method":"placeOrder","params":{"symbol":"BTCUSD-PERP","clOrdId":"\#(clientOrderID(orderNumber))","ordType":"LIMIT","timeInForce":"GTC","side":"\#(side)","px":\#(price(midTicks - 50)),"qty":\#(1 + random.next(below: 50))}}"#
    }

    private mutating func orderFilled() -> String {
        let quantity = 1 + random.next(below: 50)
        let balance = 104_712 + random.next(below: 1_000)
        return #"{"ch":"orderFilled","data":{"symbol":"BTCUSD-PERP","timestamp":\#(milliseconds),"clOrdId":"\#(clientOrderID(orderNumber))","newClOrdId":"\#(clientOrderID(orderNumber + 1))","origClOrdId":"\#(clientOrderID(orderNumber))","openTime":\#(milliseconds),"orderStatus":"FILLED","orderType":"LIMIT","orderSide":"SELL","timeInForce":"GTC","px":\#(price(midTicks)),"leverage":5,"paidPx":0,"qty":0,"origQty":\#(quantity),"droppedQty":0,"traderBalance":\#(balance).9683,"orderMargin":0,"positionMargin":0,"upnl":0,"pnl":7.51,"positionContracts":0,"positionVolume":0,"markPx":\#(midTicks / 10).9768,"contracts":[{"timestamp":\#(milliseconds),"traderId":94889,"contractId":\#(678_896_018 + orderNumber),"origContractId":678850017,"oldContractId":678871417,"positionType":"LONG","qty":0,"entryPx":\#(price(midTicks - 20)),"entryQty":\#(quantity),"exitPx":\#(price(midTicks)),"exitQty":\#(quantity),"leverage":5,"liquidationPx":11030,"bankruptcyPx":9810}]}}"#
    }

    private mutating func index() -> String {
        #"{"ch":"index","data":{"indexSymbol":".DGTXBTCUSD","ts":\#(milliseconds),"markPx":\#(price(midTicks)),"fairPx":\#(price(midTicks)),"spotPx":\#(price(midTicks + 16)),"components":{"binance":{"weight":25,"ts":\#(milliseconds - 40),"px":\#(price(midTicks + 12)),"vol":0},"kraken":{"weight":25,"ts":\#(milliseconds - 75),"px":\#(price(midTicks + 20)),"vol":0}}}}"#
    }

    private mutating func qfexBBO() -> String {
        sequence += 1
        return #"{"type":"bbo","symbol":"US100-USD","bid":[["\#(cents(qfexMid - 50))","\#(qfexQuantity())"]],"ask":[["\#(cents(qfexMid + 50))","\#(qfexQuantity())"]],"sequence":\#(sequence),"time":"\#(isoTime())"}"#
    }

    private mutating func qfexLevel2() -> String {
        sequence += 1
        let bids = (0..<4).map { #"["\#(cents(qfexMid - 50 - Int64($0) * 25))","\#(qfexQuantity())"]"# }.joined(separator: ",")
        let asks = (0..<4).map { #"["\#(cents(qfexMid + 50 + Int64($0) * 25))","\#(qfexQuantity())"]"# }.joined(separator: ",")
        return #"{"type":"level2","symbol":"US100-USD","bid":[\#(bids)],"ask":[\#(asks)],"sequence":\#(sequence),"time":"\#(isoTime())"}"#
    }

    private mutating func qfexQuantity() -> String {
        let thousandths = 1 + random.next(below: 900_000)
        return "\(thousandths / 100_000_000).\(pad(thousandths % 100_000_000, 8))"
    }

    private func cents(_ value: Int64) -> String { "\(value / 100).\(pad(UInt64(value % 100), 2))" }

    private func isoTime() -> String {
        let nanos = time % 1_000_000_000
        let seconds = 39 + time / 1_000_000_000
        return "2025-09-04T09:26:\(pad(UInt64(seconds % 60), 2)).\(pad(UInt64(nanos), 9))Z"
    }

    private func clientOrderID(_ number: Int) -> String { "4835b0cf" + pad(UInt64(number), 8) }

    private func pad(_ value: UInt64, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    private func inbound(_ connection: ConnectionID, _ text: String) -> Frame {
        .text(text, at: Timestamp(nanoseconds: time), .inbound, connection: connection)
    }

    private func outbound(_ connection: ConnectionID, _ text: String) -> Frame {
        .text(text, at: Timestamp(nanoseconds: time), .outbound, connection: connection)
    }
}
