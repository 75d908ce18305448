import Exchange
import TapeCore
import Venues

/// Numbers and shared JSON members of the private pushes.
extension DigitexSimulator {
    /// Price units (1/10,000 USD) as the decimal USD the wire carries.
    func usd(_ price: Price) -> JSONOutput { .number(decimal(price)) }

    func decimal(_ price: Price) -> FixedDecimal {
        FixedDecimal(mantissa: price.units, scale: 4).normalized
    }

    /// Cash (10⁻⁸ DGTX) as a decimal.
    func dgtx(_ cash: Cash) -> JSONOutput { .number(FixedDecimal(mantissa: cash.minor, scale: 8).normalized) }

    /// Price units as a decimal from a wire value; nil when not a whole number of units.
    func priceUnits(_ value: FixedDecimal) -> Int64? { value.mantissa(atScale: 4) }

    func sideText(_ side: ExchangeSide) -> String { side == .buy ? "BUY" : "SELL" }

    /// The account summary most pushes repeat: balance, margins, PnL and the position totals.
    /// Pushes about one order carry `leverage` among the order's fields, so they leave it out here.
    func summary(_ trader: Int, withLeverage: Bool = true) -> [(String, JSONOutput)] {
        let account = traders[trader].account
        guard let money = market.exchange.account(account), let position = market.exchange.position(of: account) else {
            preconditionFailure("trader \(traders[trader].token) has no account at the exchange")
        }
        var members: [(String, JSONOutput)] = [
            ("traderBalance", dgtx(money.balance)), ("orderMargin", dgtx(money.orderMargin)),
            ("positionMargin", dgtx(money.positionMargin)), ("upnl", dgtx(position.unrealized)),
            ("pnl", dgtx(position.realized)),
        ]
        if let mark = market.exchange.prices().mark { members.append(("markPx", usd(mark))) }
        if withLeverage { members.append(("leverage", .int(position.leverage))) }
        let lots = abs(position.quantity)
        if lots > 0 { members.append(("positionType", .string(position.quantity > 0 ? "LONG" : "SHORT"))) }
        let valuePerUnit = configuration.market.instrument.cashPerPriceUnitPerLot
        members += [
            ("positionContracts", .int(lots)),
            ("positionVolume", .number(FixedDecimal(mantissa: position.entryNotional.minor / valuePerUnit, scale: 4).normalized)),
            ("positionLiquidationVolume", .number(FixedDecimal(mantissa: position.liquidationPrice.units * lots, scale: 4).normalized)),
            ("positionBankruptcyVolume", .number(FixedDecimal(mantissa: position.bankruptcyPrice.units * lots, scale: 4).normalized)),
        ]
        return members
    }

    /// paidPx: the margin per contract, price ÷ leverage.
    func paidPrice(_ price: Price?, leverage: Int64) -> JSONOutput {
        guard let price, leverage > 0 else { return .int(0) }
        return .number(decimal(price).divided(by: FixedDecimal(leverage), scale: 8)?.normalized ?? .zero)
    }

    /// The members describing an order link.
    func orderMembers(
        _ details: DigitexPendingOrder, clOrdId: String, original: String, old: String?, new: String?, status: String,
        quantity: Int64, openTimeMillis: Int64
    ) -> [(String, JSONOutput)] {
        var members: [(String, JSONOutput)] = [("clOrdId", .string(clOrdId))]
        if let new { members.append(("newClOrdId", .string(new))) }
        if let old { members.append(("oldClOrdId", .string(old))) }
        members += [
            ("origClOrdId", .string(original)), ("timestamp", .int(utcMillisNow)), ("openTime", .int(openTimeMillis)),
            ("orderStatus", .string(status)), ("orderType", .string(details.isMarket ? "MARKET" : "LIMIT")),
            ("timeInForce", .string(details.timeInForce)), ("orderSide", .string(sideText(details.side))),
            ("px", details.price.map(usd) ?? .int(0)), ("paidPx", paidPrice(details.price, leverage: details.leverage)),
            ("qty", .int(quantity)), ("origQty", .int(details.quantity)), ("leverage", .int(details.leverage)),
        ]
        return members
    }

    /// Brings the trader's contract chain up to date with its position; returns the new links
    /// (a closing link with qty 0, then a new chain when the position flipped).
    mutating func contractLinks(_ trader: Int, flag: String?) -> [JSONOutput] {
        let account = traders[trader].account
        guard let position = market.exchange.position(of: account) else { return [] }
        let lots = abs(position.quantity)
        var links: [JSONOutput] = []
        let now = utcMillisNow
        let previousSide = traders[trader].observedPosition.signum()
        let flipped = previousSide != 0 && position.quantity.signum() != 0 && previousSide != position.quantity.signum()
        if let current = traders[trader].contract, lots == 0 || flipped {
            // The chain ends with a contract of quantity 0.
            let id = takeContractID()
            links.append(.object([
                ("timestamp", .int(now)), ("traderId", .int(Int64(account.rawValue))), ("contractId", .int(id)),
                ("oldContractId", .int(current.id)), ("origContractId", .int(current.original)),
                ("openTime", .int(current.openTimeMillis)),
                ("positionType", .string(previousSide > 0 ? "LONG" : "SHORT")), ("qty", .int(0)),
                ("exitPx", market.exchange.prices().last.map(usd) ?? .int(0)),
            ] + flagMembers(flag)))
            traders[trader].contract = nil
        }
        if lots > 0 {
            let id = takeContractID()
            var members: [(String, JSONOutput)] = [
                ("timestamp", .int(now)), ("traderId", .int(Int64(account.rawValue))), ("contractId", .int(id)),
            ]
            let link: DigitexContractLink
            if let current = traders[trader].contract {
                members.append(("oldContractId", .int(current.id)))
                link = DigitexContractLink(id: id, original: current.original, openTimeMillis: current.openTimeMillis)
            } else {
                link = DigitexContractLink(id: id, original: id, openTimeMillis: now)
            }
            // Margin per contract in USD: cash ÷ (lots × cash per price unit per lot) price units, ÷ 10,000.
            let paid = FixedDecimal(mantissa: position.margin.minor, scale: 4)
                .divided(by: FixedDecimal(lots * configuration.market.instrument.cashPerPriceUnitPerLot), scale: 8)?.normalized ?? .zero
            members += [
                ("origContractId", .int(link.original)), ("openTime", .int(link.openTimeMillis)),
                ("positionType", .string(position.quantity > 0 ? "LONG" : "SHORT")), ("qty", .int(lots)),
                ("entryPx", usd(position.averageEntryPrice)), ("paidPx", .number(paid)),
                ("liquidationPx", usd(position.liquidationPrice)), ("bankruptcyPx", usd(position.bankruptcyPrice)),
                ("exitPx", .int(0)), ("leverage", .int(position.leverage)),
            ]
            members += flagMembers(flag)
            links.append(.object(members))
            traders[trader].contract = link
        }
        traders[trader].observedPosition = position.quantity
        traders[trader].observedFunding = position.funding
        return links
    }

    private func flagMembers(_ flag: String?) -> [(String, JSONOutput)] {
        guard let flag else { return [] }
        return [(flag, .int(1))]
    }

    private mutating func takeContractID() -> Int64 {
        defer { nextContractID += 1 }
        return nextContractID
    }

    /// The full `traderStatus` snapshot: summary, live contract, active and conditional orders.
    mutating func traderStatus(_ trader: Int) -> JSONOutput {
        var members: [(String, JSONOutput)] = [("symbol", .string(configuration.symbol))]
        members += summary(trader)
        members.append(("contracts", .array(liveContract(trader))))
        members.append(("activeOrders", .array(traders[trader].orders.map { order in
            .object(orderMembers(order.details, clOrdId: order.current, original: order.original, old: nil, new: nil,
                                 status: "ACCEPTED", quantity: order.remaining, openTimeMillis: order.openTimeMillis))
        })))
        members.append(("conditionalOrders", .array(traders[trader].conditionals.map { conditionalJSON($0.request, actionId: $0.actionId, old: nil, time: $0.timeMillis) })))
        return .object(members)
    }

    /// The live contract as a list of zero or one, re-linked only if the position changed unseen.
    mutating func liveContract(_ trader: Int) -> [JSONOutput] {
        let account = traders[trader].account
        guard let position = market.exchange.position(of: account), position.quantity != 0 else {
            traders[trader].contract = nil
            return []
        }
        if traders[trader].contract == nil || traders[trader].observedPosition != position.quantity {
            return contractLinks(trader, flag: nil).filter { link in
                if case .object(let members) = link { return !members.contains { $0.0 == "qty" && $0.1 == .int(0) } }
                return true
            }
        }
        guard let link = traders[trader].contract else { return [] }
        return [.object([
            ("timestamp", .int(utcMillisNow)), ("traderId", .int(Int64(account.rawValue))), ("contractId", .int(link.id)),
            ("origContractId", .int(link.original)), ("openTime", .int(link.openTimeMillis)),
            ("positionType", .string(position.quantity > 0 ? "LONG" : "SHORT")), ("qty", .int(abs(position.quantity))),
            ("entryPx", usd(position.averageEntryPrice)), ("liquidationPx", usd(position.liquidationPrice)),
            ("bankruptcyPx", usd(position.bankruptcyPrice)), ("exitPx", .int(0)), ("leverage", .int(position.leverage)),
        ])]
    }

    func conditionalJSON(_ request: DigitexConditionalOrderRequest, actionId: String, old: String?, time: Int64) -> JSONOutput {
        var members: [(String, JSONOutput)] = [("ts", .int(time)), ("actionId", .string(actionId))]
        if let old { members.append(("oldActionId", .string(old))) }
        members += [
            ("pxType", .string(request.triggerPriceType)),
            ("condition", .string(request.condition == .lessOrEqual ? "LESS_EQUAL" : "GREATER_EQUAL")),
            ("pxValue", .number(request.triggerPrice)), ("clOrdId", .string(request.order.clOrdId)),
            ("ordType", .string(request.order.type == .market ? "MARKET" : "LIMIT")),
            ("side", .string(request.order.side == .buy ? "BUY" : "SELL")),
            ("timeInForce", .string(Self.timeInForceText(request.order.timeInForce))),
            ("px", .number(request.order.price ?? .zero)), ("qty", .number(request.order.quantity)),
            ("mayIncrPosition", .bool(request.mayIncreasePosition)),
        ]
        return .object(members)
    }

    static func timeInForceText(_ timeInForce: Venues.TimeInForce) -> String {
        switch timeInForce {
        case .goodTillCancelled: "GTC"
        case .immediateOrCancel: "IOC"
        case .fillOrKill: "FOK"
        case .goodTillDate: "GTD"
        case .goodTillFunding: "GTF"
        case .goodForDay: "GFD"
        case .postOnly: "POST_ONLY"
        case .other(let text): text
        }
    }
}
