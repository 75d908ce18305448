import Testing
@testable import Venues

/// Each documented `seq_*` exchange, driven through the client as a tape would drive it.
@Suite("Digitex documented sequences")
struct DigitexSequenceTests {
    @Test("place market order → ACCEPTED → FILLED leaves the position, balance and margin the doc shows")
    func placeAcceptFill() throws {
        var harness = DigitexHarness()
        harness.authenticate()
        let events = harness.feed(try SharedExamples.lines("digitex", "seq_place_market_order_accept_fill.jsonl"))
        #expect(harness.anomalies.isEmpty)
        #expect(harness.unrecognised.isEmpty)
        #expect(harness.fills == [Fill(
            symbol: "BTCUSD-PERP", venueOrderID: "c61533a0113c416b", clientOrderID: "c61533a0113c416b", side: .buy,
            price: 12250, quantity: 10, isMaker: false, venueTimeMillis: 1_597_736_006_705)])
        let account = harness.client.account
        #expect(account.openOrders.isEmpty, "a filled IOC order leaves nothing open")
        let position = try #require(account.positionsBySymbol["BTCUSD-PERP"])
        #expect(position.side == .long)
        #expect(position.size == 10)
        #expect(position.entryPrice == 12250)
        #expect(position.liquidationPrice == 11025)
        #expect(position.bankruptcyPrice == 9800)
        #expect(position.margin == 490)
        #expect(position.realisedPnL == .of("-5.2492"))
        #expect(position.leverage == 5)
        let balance = try #require(account.balancesByAsset["DGTX"])
        #expect(balance.total == .of("104705.4583"))
        #expect(balance.positionMargin == 490)
        #expect(balance.orderMargin == 0)
        #expect(harness.client.contracts.map(\.contractId) == [678_850_017])
        // The order's life, in the order it happened: accepted, then filled under the engine's new id.
        let updates = events.compactMap { if case .orderUpdated(let order) = $0 { order } else { nil } }
        #expect(updates.map(\.status) == [.accepted, .filled])
        #expect(updates.last?.venueOrderID == "genrated-by-the-engine")
        #expect(updates.last?.previousVenueOrderID == "c61533a0113c416b")
        #expect(updates.last?.clientOrderID == "c61533a0113c416b")
        #expect(harness.client.invariantViolations().isEmpty)
    }

    @Test("auth answered by tradingStatus available authenticates the session")
    func authOK() throws {
        var harness = DigitexHarness()
        let events = harness.feed(try SharedExamples.lines("digitex", "seq_auth_ok_trading_available.jsonl"))
        #expect(events == [.commandAccepted(.number(2)), .authenticated, .tradingStatusChanged(available: true)])
        #expect(harness.client.isAuthenticated)
        #expect(harness.client.account.tradingAvailable)
        #expect(harness.client.pendingRequests.isEmpty)
    }

    @Test("auth with invalid credentials is rejected with code 10501 and leaves the session unauthenticated")
    func authInvalid() throws {
        var harness = DigitexHarness()
        let events = harness.feed(try SharedExamples.lines("digitex", "seq_auth_invalid_credentials.jsonl"))
        let error = VenueError(code: "10501", message: "invalid credentials", meaning: "Invalid credentials")
        #expect(events == [.commandRejected(.number(2), error), .authenticationFailed(error)])
        #expect(!harness.client.isAuthenticated)
    }

    @Test("cancelling orders the client never saw is reported as two anomalies, not applied")
    func cancelUnknown() throws {
        var harness = DigitexHarness()
        harness.authenticate()
        harness.feed(try SharedExamples.lines("digitex", "seq_cancel_orders.jsonl"))
        #expect(harness.anomalies.map(\.kind) == [.cancelForUnknownOrder, .cancelForUnknownOrder])
        #expect(harness.anomalies.first?.received.contains("4835b0cf874d49a3") == true)
        #expect(harness.client.account.openOrders.isEmpty)
        #expect(harness.client.account.balancesByAsset["DGTX"]?.positionMargin == 980, "the summary still applies")
    }

    @Test("cancelAllOrders removes both open orders and reports them CANCELLED under their new ids")
    func cancelKnown() throws {
        var harness = DigitexHarness()
        harness.authenticate()
        for (id, px, qty) in [("4835b0cf874d49a3", "11425", "25"), ("039c7e730ccd4f5d", "11450", "15")] {
            harness.feed(#"{"ch":"orderStatus","data":{"symbol":"BTCUSD-PERP","timestamp":1597737427440,"clOrdId":"\#(id)","origClOrdId":"\#(id)","orderStatus":"ACCEPTED","orderType":"LIMIT","timeInForce":"GTC","orderSide":"BUY","qty":\#(qty),"px":\#(px),"origQty":\#(qty),"leverage":5}}"#)
        }
        #expect(harness.client.account.openOrders.count == 2)
        let events = harness.feed(try SharedExamples.lines("digitex", "seq_cancel_orders.jsonl"))
        #expect(harness.anomalies.isEmpty)
        #expect(harness.client.account.openOrders.isEmpty)
        let cancelled = events.compactMap { if case .orderUpdated(let order) = $0 { order } else { nil } }
        #expect(cancelled.map(\.clientOrderID) == ["4835b0cf874d49a3", "039c7e730ccd4f5d"])
        #expect(cancelled.allSatisfy { $0.status == .cancelled && $0.venueOrderID == "genrated-by-the-engine" })
        #expect(harness.client.pendingRequests.map(\.id) == [4, 5], "the doc shows no ok answers to these requests")
    }

    @Test("traderStatus is a full snapshot: position, orders, conditional orders, contracts and balance")
    func traderStatus() throws {
        var harness = DigitexHarness()
        harness.authenticate()
        harness.feed(try SharedExamples.lines("digitex", "seq_trader_status.jsonl"))
        let account = harness.client.account
        let position = try #require(account.positionsBySymbol["BTCUSD-PERP"])
        #expect(position.side == .long && position.size == 25 && position.entryPrice == 12260)
        #expect(position.liquidationPrice == 11035 && position.margin == 1226 && position.unrealisedPnL == -5)
        #expect(account.openOrders.map(\.venueOrderID) == ["00e5cd4c246e43d3"])
        #expect(account.openOrders.first?.timeInForce == .goodTillFunding)
        #expect(account.conditionalOrders.map(\.actionID) == ["KJuA1w0H59grJPjD"])
        #expect(account.balancesByAsset["DGTX"]?.orderMargin == 3360)
        #expect(harness.client.contracts.map(\.contractId) == [678_924_872])
        #expect(account.leverageBySymbol["BTCUSD-PERP"] == 5)
        #expect(harness.client.invariantViolations().isEmpty)
    }

    @Test("changeLeverageAll re-ids every contract and active order and keeps their chains")
    func changeLeverage() throws {
        var harness = DigitexHarness()
        harness.authenticate()
        // The trader-status example holds exactly the contract and order that the leverage example re-ids.
        harness.feed(try SharedExamples.lines("digitex", "seq_trader_status.jsonl"))
        let events = harness.feed(try SharedExamples.lines("digitex", "seq_change_leverage.jsonl"))
        #expect(harness.anomalies.isEmpty)
        #expect(events.contains(.leverageChanged(symbol: "BTCUSD-PERP", leverage: 10)))
        #expect(harness.client.contracts.map(\.contractId) == [678_935_965])
        #expect(harness.client.contracts.first?.origContractId == 678_924_872)
        let order = try #require(harness.client.account.openOrders.first)
        #expect(order.venueOrderID == "generated-by-engine")
        #expect(order.previousVenueOrderID == "00e5cd4c246e43d3")
        #expect(order.clientOrderID == "00e5cd4c246e43d3")
        #expect(order.leverage == 10)
        let position = try #require(harness.client.account.positionsBySymbol["BTCUSD-PERP"])
        #expect(position.leverage == 10 && position.liquidationPrice == 11650 && position.margin == 613)
    }

    @Test("closeContract: the engine's order is accepted and fills, the position goes flat")
    func closeContract() throws {
        var harness = DigitexHarness()
        harness.authenticate()
        harness.feed(try SharedExamples.lines("digitex", "seq_close_contract.jsonl"))
        #expect(harness.anomalies.isEmpty, "no baseline yet, so the unknown predecessor contract is expected")
        #expect(harness.fills.map(\.quantity) == [20])
        #expect(harness.fills.first?.side == .sell, "the marketTrade has no side; it is the order's")
        #expect(harness.fills.first?.price == 12270)
        let position = try #require(harness.client.account.positionsBySymbol["BTCUSD-PERP"])
        #expect(position.side == .flat && position.size == 0)
        #expect(harness.client.contracts.isEmpty)
        #expect(harness.client.account.openOrders.isEmpty)
        #expect(harness.client.account.balancesByAsset["DGTX"]?.total == .of("104712.9683"))
    }

    @Test("a conditional order is accepted, then cancelled under its old action id")
    func conditionalOrder() throws {
        var harness = DigitexHarness()
        harness.authenticate()
        let lines = try SharedExamples.lines("digitex", "seq_cond_order_place_cancel.jsonl")
        harness.feed(Array(lines[0...1]))
        let stored = try #require(harness.client.account.conditionalOrders.first)
        #expect(stored.actionID == "a5b90ca768754b75")
        #expect(stored.triggerPrice == 9105 && stored.condition == .lessOrEqual && stored.triggerPriceType == "SPOT_PRICE")
        harness.feed(Array(lines[2...3]))
        #expect(harness.client.account.conditionalOrders.isEmpty)
        #expect(harness.anomalies.isEmpty)
    }

    @Test("a partial fill re-ids the order and keeps origClOrdId; the rest fills under the next id")
    func partialFill() throws {
        var harness = DigitexHarness()
        harness.authenticate()
        harness.feed(#"{"ch":"orderStatus","data":{"symbol":"BTCUSD-PERP","clOrdId":"a1","origClOrdId":"a1","orderStatus":"ACCEPTED","orderType":"LIMIT","timeInForce":"GTC","orderSide":"SELL","px":12300,"qty":30,"origQty":30,"leverage":5}}"#)
        harness.feed(#"{"ch":"orderFilled","data":{"symbol":"BTCUSD-PERP","clOrdId":"a1","newClOrdId":"e1","origClOrdId":"a1","orderStatus":"PARTIALLY_FILLED","orderSide":"SELL","qty":20,"origQty":30,"marketTrades":[{"px":12300,"qty":10,"isMaker":1}]}}"#)
        let partly = try #require(harness.client.account.openOrders.first)
        #expect(partly.venueOrderID == "e1" && partly.previousVenueOrderID == "a1" && partly.clientOrderID == "a1")
        #expect(partly.quantity == 20 && partly.status == .partiallyFilled)
        harness.feed(#"{"ch":"orderFilled","data":{"symbol":"BTCUSD-PERP","clOrdId":"e1","newClOrdId":"e2","origClOrdId":"a1","orderStatus":"FILLED","orderSide":"SELL","qty":0,"origQty":30,"marketTrades":[{"px":12305,"qty":20,"isMaker":1}]}}"#)
        #expect(harness.client.account.openOrders.isEmpty)
        #expect(harness.fills.map(\.venueOrderID) == ["a1", "e1"], "each fill names the id the order had when it traded")
        #expect(harness.fills.map(\.quantity) == [10, 20])
        #expect(harness.fills.allSatisfy { $0.clientOrderID == "a1" && $0.isMaker == true && $0.side == .sell })
        #expect(harness.anomalies.isEmpty)
    }

    @Test("a fill that skips a link of the chain is reported, and the order still follows the venue")
    func skippedLink() throws {
        var harness = DigitexHarness()
        harness.authenticate()
        harness.feed(#"{"ch":"orderStatus","data":{"symbol":"BTCUSD-PERP","clOrdId":"a1","origClOrdId":"a1","orderStatus":"ACCEPTED","orderSide":"BUY","px":12000,"qty":30,"origQty":30}}"#)
        harness.feed(#"{"ch":"orderFilled","data":{"symbol":"BTCUSD-PERP","clOrdId":"e7","newClOrdId":"e8","origClOrdId":"a1","orderSide":"BUY","qty":5,"origQty":30,"marketTrades":[{"px":12000,"qty":5}]}}"#)
        #expect(harness.anomalies.map(\.kind) == [.orderChainBroken])
        #expect(harness.anomalies.first?.expected == "order a1 currently a1")
        #expect(harness.client.account.openOrders.first?.venueOrderID == "e8")
    }

    @Test("GTF orders cancelled at funding arrive as EXPIRED and leave the book")
    func expiredAtFunding() throws {
        var harness = DigitexHarness()
        harness.authenticate()
        harness.feed(try SharedExamples.lines("digitex", "seq_trader_status.jsonl"))
        let events = harness.feed(#"{"ch":"orderCancelled","data":{"symbol":"BTCUSD-PERP","timestamp":1597766400000,"orderStatus":"EXPIRED","orders":[{"clOrdId":"x9","oldClOrdId":"00e5cd4c246e43d3","origClOrdId":"00e5cd4c246e43d3","orderType":"LIMIT","timeInForce":"GTF","orderSide":"BUY","px":12000,"qty":70,"origQty":70}]}}"#)
        #expect(harness.client.account.openOrders.isEmpty)
        let expired = events.compactMap { if case .orderUpdated(let order) = $0 { order } else { nil } }
        #expect(expired.map(\.status) == [.expired] && expired.first?.venueOrderID == "x9")
    }
}
