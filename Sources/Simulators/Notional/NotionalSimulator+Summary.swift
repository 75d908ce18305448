import Exchange
import TapeCore
import Venues

/// The account as `accountSummary` (both documented schemas) and `activeAssetData` show it, read
/// from the exchange; and the number formats the documents' examples use.
extension NotionalSimulator {
    /// What the summary is computed from, in exchange units: when these are unchanged, so is the
    /// summary (comparing them is much cheaper than rendering it after every market step).
    struct Figures: Hashable, Sendable {
        var balance: Int64
        var available: Int64
        var marginUsed: Int64
        var maintenance: Int64
        var unrealized: Int64
        var positionValue: Int64
        var position: PositionSnapshot?
    }

    func figures(_ index: Int) -> Figures {
        let account = AccountID(accounts[index].account)
        let money = market.exchange.account(account)
        let snapshot = market.exchange.position(of: account)
        let spec = configuration.market.instrument
        let held = snapshot.map { abs($0.quantity) } ?? 0
        let value = held * markUnits(or: snapshot?.averageEntryPrice.units ?? 0) * spec.cashPerPriceUnitPerLot
        let leverage = max(snapshot?.leverage ?? spec.defaultLeverage, 1)
        return Figures(
            balance: money?.balance.minor ?? 0, available: money?.available.minor ?? 0,
            marginUsed: (money?.positionMargin.minor ?? 0) + (money?.orderMargin.minor ?? 0),
            maintenance: value * spec.maintenanceNumerator / (leverage * spec.maintenanceDenominator),
            unrealized: held == 0 ? 0 : snapshot?.unrealized.minor ?? 0, positionValue: value,
            position: held == 0 ? nil : snapshot)
    }

    /// The mark price in price units (the last trade, then `fallback`, before the first mark).
    func markUnits(or fallback: Int64) -> Int64 {
        let prices = market.exchange.prices()
        return prices.mark?.units ?? prices.last?.units ?? fallback
    }

    /// The summary object, and its bytes without `time` (to push only when something changed).
    func summary(_ index: Int) -> (JSONOutput, [UInt8]) {
        summary(figures(index))
    }

    func summary(_ f: Figures) -> (JSONOutput, [UInt8]) {
        let accountValue = f.balance + f.unrealized
        switch configuration.summarySchema {
        case .v1Numbers:
            var positions: [(String, JSONOutput)] = []
            if let position = f.position {
                positions.append((coin, .object([
                    ("coin", .string(coin)), ("szi", .string(Self.size(position.quantity))),
                    ("entryPx", .string(Self.price(position.averageEntryPrice.units))),
                    ("positionValue", .string(Self.money(f.positionValue))), ("unrealizedPnl", .string(Self.money(f.unrealized))),
                    ("marginUsed", .string(Self.money(position.margin.minor))), ("leverage", .string("\(position.leverage)")),
                    ("liqPx", liquidation(position)), ("returnOnEquity", .string(Self.ratio(f.unrealized, position.margin.minor, scale: 4, trim: true))),
                ])))
            }
            let body = JSONOutput.object([
                ("accountValue", Self.number(accountValue)), ("totalMarginUsed", Self.number(f.marginUsed)),
                ("availableMargin", Self.number(f.available)), ("crossMaintenanceMargin", Self.number(f.maintenance)),
                ("withdrawable", Self.number(max(f.available, 0))),
                ("assets", .array([.object([("coin", .string("USDC")), ("total", Self.number(f.balance)), ("available", Self.number(f.available))])])),
                ("positions", .object(positions)),
            ])
            return (body, body.bytes)
        case .v2Strings:
            var assetPositions: [JSONOutput] = []
            if let position = f.position {
                let paid = Self.money(-position.funding.minor)
                assetPositions.append(.object([("type", .string("oneWay")), ("position", .object([
                    ("coin", .string(coin)),
                    ("cumFunding", .object([("allTime", .string(paid)), ("sinceChange", .string(paid)), ("sinceOpen", .string(paid))])),
                    ("entryPx", .string(Self.price(position.averageEntryPrice.units))),
                    ("leverage", .object([("type", .string("cross")), ("value", .string("\(position.leverage)"))])),
                    ("liquidationPx", liquidation(position)), ("marginUsed", .string(Self.money(position.margin.minor))),
                    ("maxLeverage", .string("\(configuration.market.instrument.maxLeverage)")),
                    ("positionValue", .string(Self.money(f.positionValue))),
                    ("returnOnEquity", .string(Self.ratio(f.unrealized, position.margin.minor, scale: 4, trim: true))),
                    ("szi", .string(Self.size(position.quantity))), ("unrealizedPnl", .string(Self.money(f.unrealized))),
                    ("hasTpsl", .bool(false)),
                ]))]))
            }
            let members: [(String, JSONOutput)] = [
                ("crossMaintenanceMargin", .string(Self.money(f.maintenance))), ("accountBalance", .string(Self.money(f.balance))),
                ("availableMargin", .string(Self.money(f.available))),
                ("crossMarginSummary", .object([
                    ("totalUnrealizedPnL", .string(Self.money(f.unrealized))), ("accountValue", .string(Self.money(accountValue))),
                    ("collateralValue", .string(Self.money(f.balance))),
                    ("crossMarginRatio", .string(Self.ratio(accountValue, f.positionValue, scale: 4, trim: false))),
                    ("totalMarginUsed", .string(Self.money(f.marginUsed))),
                    ("crossAccountLeverage", .string(Self.ratio(f.positionValue, accountValue, scale: 2, trim: false))),
                ])),
                ("balances", .array([.object([
                    ("coin", .string("USDC")), ("hold", .string(Self.money(f.balance - f.available))), ("segregated", .string("0")),
                    ("total", .string(Self.money(f.balance))), ("borrowed", .string("0")),
                ])])),
                ("assetPositions", .array(assetPositions)),
                ("borrowedUsdc", .string("0.00")), ("debtPersisted", .string("0.00")), ("borrowApr", .string("0.0000")),
                ("pendingWithdrawalsCount", .int(0)),
            ]
            return (.object(members + [("time", .int(utcMillisNow))]), JSONOutput.object(members).bytes)
        }
    }

    private func liquidation(_ position: PositionSnapshot) -> JSONOutput {
        position.liquidationPrice.units > 0 ? .string(Self.price(position.liquidationPrice.units)) : .null
    }

    /// What `activeAssetData` is computed from: leverage, available cash, mark, position.
    struct AssetInputs: Hashable, Sendable {
        var leverage: Int64
        var available: Int64
        var mark: Int64
        var quantity: Int64
    }

    func assetInputs(_ index: Int) -> AssetInputs {
        let account = AccountID(accounts[index].account)
        let snapshot = market.exchange.position(of: account)
        return AssetInputs(leverage: snapshot?.leverage ?? configuration.market.instrument.defaultLeverage,
                           available: max(market.exchange.account(account)?.available.minor ?? 0, 0), mark: markUnits(or: 0),
                           quantity: snapshot?.quantity ?? 0)
    }

    /// `activeAssetData`: leverage, and how much the account can still buy and sell at the mark.
    func assetData(_ index: Int) -> JSONOutput {
        assetData(index, assetInputs(index))
    }

    func assetData(_ index: Int, _ inputs: AssetInputs) -> JSONOutput {
        let spec = configuration.market.instrument
        let (leverage, available, mark, quantity) = (inputs.leverage, inputs.available, inputs.mark, inputs.quantity)
        let buying = available * leverage
        let lots = mark > 0 ? buying / (mark * spec.cashPerPriceUnitPerLot) : 0
        return .object([
            ("user", .string(accounts[index].user)), ("coin", .string(coin)),
            ("leverage", .object([("type", .string("cross")), ("value", .int(leverage))])),
            ("maxTradeSzs", .array([.string(Self.size(lots + max(0, -quantity))), .string(Self.size(lots + max(0, quantity)))])),
            ("availableToTrade", .array([.string(Self.money(buying)), .string(Self.money(buying))])),
            ("markPx", .string(Self.price(mark))),
        ])
    }

    // MARK: Number formats

    /// USD(C) from exchange cash (1e-8): at least two decimals as the documents write them
    /// ("10000.00"), more only when the amount has them, so that nothing is rounded away.
    static func money(_ minor: Int64) -> String { moneyDecimal(minor).description }

    static func money(_ cash: Cash) -> String { money(cash.minor) }

    static func moneyDecimal(_ minor: Int64) -> FixedDecimal {
        let value = FixedDecimal(mantissa: minor, scale: 8).normalized
        guard value.scale < 2, let mantissa = value.mantissa(atScale: 2) else { return value }
        return FixedDecimal(mantissa: mantissa, scale: 2)
    }

    /// The older schema's JSON numbers, with the same literals as `money`.
    static func number(_ minor: Int64) -> JSONOutput { .number(moneyDecimal(minor)) }

    /// A price in price units (1/100 USD) with two decimals ("50000.00").
    static func price(_ units: Int64) -> String { FixedDecimal(mantissa: units, scale: 2).description }

    /// A size in lots (1/1,000 BTC), signed, without trailing zeros ("0.1", "-0.025", "0").
    static func size(_ lots: Int64) -> String { FixedDecimal(mantissa: lots, scale: 3).normalized.description }

    /// numerator / denominator at `scale` decimals ("2.0100", or "0.05" trimmed); "0…" when the denominator is 0.
    static func ratio(_ numerator: Int64, _ denominator: Int64, scale: UInt8, trim: Bool) -> String {
        let zero = FixedDecimal(mantissa: 0, scale: scale)
        guard denominator != 0, let value = FixedDecimal(numerator).divided(by: FixedDecimal(denominator), scale: scale) else {
            return trim ? "0" : zero.description
        }
        return trim ? value.normalized.description : value.description
    }

    /// A transaction-hash-shaped id (`0x` and 64 hex digits) from a counter (deterministic).
    static func hash(_ counter: Int64) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var hex = [UInt8](repeating: UInt8(ascii: "0"), count: 64)
        var value = UInt64(bitPattern: counter)
        var index = 63
        while value > 0 {
            hex[index] = digits[Int(value & 0xF)]
            value >>= 4
            index -= 1
        }
        return "0x" + String(decoding: hex, as: UTF8.self)
    }
}
