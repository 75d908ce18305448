import Exchange
import TapeCore

/// Digitex prices are in 1/10,000 USD; tests write whole dollars.
func usd(_ dollars: Int64) -> Int64 { dollars * 10_000 }

/// DGTX amounts in minor units (10⁻⁸) from a decimal written as whole × 10⁻ᵈⁱᵍⁱᵗˢ.
func dgtx(_ value: Int64, decimals: Int = 0) -> Cash {
    var scale: Int64 = Cash.scale
    for _ in 0..<decimals { scale /= 10 }
    return Cash(minor: value * scale)
}

/// 2020-07-06 00:00:00 UTC in nanoseconds: Timestamp.zero is a midnight, so fundings fall at 8 h steps.
let midnight: Int64 = 1_593_993_600 * 1_000_000_000

func seconds(_ s: Int64) -> Timestamp { Timestamp(nanoseconds: s * 1_000_000_000) }

/// A Digitex exchange that checks its invariants after every call, with `count` funded traders.
func digitex(traders count: Int = 3, deposit: Int64 = 100_000) -> (Exchange, [AccountID]) {
    var exchange = Exchange(config: ExchangeConfig(instruments: [.digitexBTCUSD], utcNanosAtZero: midnight, checksInvariants: true))
    let accounts = (0..<count).map { _ in exchange.openAccount(deposit: Cash(units: deposit)) }
    return (exchange, accounts)
}

extension Array where Element == ExchangeEvent {
    var trades: [Trade] {
        compactMap { if case .trade(let trade) = $0 { return trade } else { return nil } }
    }
    var cancellations: [(OrderSnapshot, CancelReason)] {
        compactMap { if case .orderCancelled(let order, let reason) = $0 { return (order, reason) } else { return nil } }
    }
    var rejections: [Rejection.Reason] {
        compactMap { if case .rejected(let rejection) = $0 { return rejection.reason } else { return nil } }
    }
    var acceptedIDs: [OrderID] {
        compactMap { if case .orderAccepted(let order) = $0 { return order.id } else { return nil } }
    }
}
