import Exchange
import TapeCore
import Venues

/// The private pushes, in the member order and literal style of the documents' examples: strings
/// for amounts and prices, nanosecond timestamps, `openDate`/`closeDate` in milliseconds.
extension RoxomSimulator {
    /// `{"type":"order","data":{…}}` with every member of the newer orders example. `fill` is this
    /// update's fill (price units, fee in satoshi); `fillPx` and `filledFees` are null without one.
    func orderPush(_ trader: Int, _ order: RoxomTrackedOrder, status: String, fill: (priceUnits: Int64, fee: Int64)? = nil,
                   reason: String? = nil) -> JSONOutput {
        let executed = order.executed
        let average = executed > 0 ? (order.executedNotional + executed / 2) / executed : 0
        let data = JSONOutput.object([
            ("orderId", .string(order.orderID)), ("accountId", .string(traders[trader].accountID)), ("symbol", .string(configuration.symbol)),
            ("status", .string(status)), ("remainingQty", orderSize(order.remaining)), ("executedQty", orderSize(status == "rejected" ? 0 : executed)),
            ("avgPx", price(average)), ("fillPx", fill.map { price($0.priceUnits) } ?? .null),
            ("filledFees", fill.map { btc($0.fee) } ?? .null), ("side", .string(order.side == .buy ? "buy" : "sell")),
            ("orderType", .string(order.isMarket ? "market" : "limit")), ("orderSize", orderSize(order.lots)),
            ("limitPrice", order.isMarket ? .null : price(order.priceUnits)), ("clientOrderId", order.clientOrderID.map { .string($0) } ?? .null),
            ("entryPositionId", order.entryPositionID.map { .string($0) } ?? .null),
            ("exitPositionId", order.exitPositionID.map { .string($0) } ?? .null), ("reason", reason.map { .string($0) } ?? .null),
            ("timestamp", .int(utcNanosNow)),
        ])
        return .object([("type", .string("order")), ("data", data)])
    }

    /// `{"type":"position","data":[…]}`: the account's position on the symbol (closed ones too,
    /// with size 0, status `closed` and a `closeDate`), or an empty array before its first.
    func positionPush(_ trader: Int) -> JSONOutput {
        let life = traders[trader].position
        guard let id = life.id else { return .object([("type", .string("position")), ("data", .array([]))]) }
        let account = AccountID(traders[trader].account)
        let snapshot = market.exchange.position(of: account)
        let spec = configuration.market.instrument
        let quantity = snapshot?.quantity ?? 0
        let open = quantity != 0
        let leverage = snapshot?.leverage ?? spec.defaultLeverage
        let entryCash = snapshot?.entryNotional.minor ?? 0
        let initial = open ? (entryCash + leverage - 1) / leverage : 0
        let maintenance = (initial * spec.maintenanceNumerator + spec.maintenanceDenominator - 1) / spec.maintenanceDenominator
        let averageEntry = open ? snapshot?.averageEntryPrice.units ?? 0 : (life.entryLots > 0 ? (life.entryNotional + life.entryLots / 2) / life.entryLots : 0)
        let mark = market.exchange.prices().mark
        let data = JSONOutput.object([
            ("id", .string(id)), ("symbol", .string(configuration.symbol)), ("accountId", .string(traders[trader].accountID)),
            ("side", .string(life.isLong ? "long" : "short")), ("entryAmount", positionSize(life.entryLots)),
            ("exitAmount", positionSize(life.exitLots)), ("size", positionSize(abs(quantity))), ("tradeMode", .string("isolated")),
            ("openDate", .int(life.openedNanos / 1_000_000)), ("closeDate", open ? .null : life.closedNanos.map { .int($0 / 1_000_000) } ?? .null),
            ("avgEntry", price(averageEntry)),
            ("avgExit", life.exitLots > 0 ? price((life.exitNotional + life.exitLots / 2) / life.exitLots) : .null),
            ("entryFees", btc(life.entryFees)), ("exitFees", life.exitLots > 0 ? btc(life.exitFees) : .null),
            ("positionBalance", btc(snapshot?.margin.minor ?? 0)), ("initialMargin", btc(initial)), ("maintenanceMargin", btc(maintenance)),
            ("liquidationPrice", open ? price(snapshot?.liquidationPrice.units ?? 0) : .null),
            ("leverage", .string("\(leverage).0")), ("unrealizedPnl", btc(snapshot?.unrealized.minor ?? 0)),
            ("realizedPnl", btc(snapshot?.realized.minor ?? 0)), ("markPrice", mark.map { price($0.units) } ?? .null),
            ("status", .string(open ? "normal" : "closed")), ("updatedAt", .int(utcNanosNow)), ("createdAt", .int(life.openedNanos)),
        ])
        return .object([("type", .string("position")), ("data", .array([data]))])
    }

    /// `{"type":"balance","data":{…}}`: the BTC balance before and after one change, and why
    /// (`ordersettle`, `funding`, `liquidation`, or `snapshot` when a subscription starts).
    func balancePush(_ trader: Int, before: Int64, updateType: String) -> JSONOutput {
        let after = balance(of: trader)
        return .object([("type", .string("balance")), ("data", .object([
            ("accountId", .string(traders[trader].accountID)), ("balanceBefore", btc(before)), ("balanceAfter", btc(after)),
            ("amount", btc(after - before)), ("unit", .string("btc")), ("updateType", .string(updateType)), ("timestamp", .int(utcNanosNow)),
        ]))])
    }
}
