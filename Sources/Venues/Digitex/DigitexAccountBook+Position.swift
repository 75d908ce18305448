/// Contract chains, conditional orders and the account summary (position and balance).
extension DigitexAccountBook {
    /// Follows each contract chain one link: the predecessor goes, the new contract stays if it holds anything.
    mutating func applyContractChain(_ reports: [DigitexContract], raw: [UInt8], into events: inout EmittedEvents) {
        for contract in reports {
            if let old = contract.oldContractId, old != contract.contractId,
               contracts.removeValue(forKey: old) == nil, hasBaseline {
                events.append(.anomaly(Anomaly(
                    kind: .contractChainBroken, expected: "no live contract \(old)",
                    received: "contract \(contract.contractId) continuing \(old)", raw: raw)))
            }
            if contract.quantity.isZero {
                contracts.removeValue(forKey: contract.contractId)
            } else {
                contracts[contract.contractId] = contract
            }
        }
    }

    /// traderStatus and leverage list every live contract.
    mutating func replaceContracts(_ reports: [DigitexContract]) {
        contracts = [:]
        for contract in reports where !contract.quantity.isZero {
            contracts[contract.contractId] = contract
        }
    }

    mutating func applyConditional(_ push: DigitexAccountPush, raw: [UInt8], into events: inout EmittedEvents) {
        let status = push.status ?? .accepted
        for conditional in push.conditionalOrders {
            switch status {
            case .accepted, .pending, .modified, .partiallyFilled:
                if let previous = conditional.previousActionID { state.conditionalOrdersByID.removeValue(forKey: previous) }
                state.conditionalOrdersByID[conditional.actionID] = conditional
            case .rejected:
                let code = push.errorCode ?? 0
                events.append(.commandRejected(.order(conditional.actionID), DigitexErrorCodes.error(code: code, message: "placeCondOrder")))
            case .cancelled, .triggered, .filled, .expired, .terminated, .other:
                let key = conditional.previousActionID ?? conditional.actionID
                if state.conditionalOrdersByID.removeValue(forKey: key) == nil {
                    events.append(.anomaly(Anomaly(
                        kind: .conditionalOrderUnknown, expected: "no conditional order \(key)",
                        received: "condOrderStatus \(status) for \(key)", raw: raw)))
                }
            }
            events.append(.conditionalOrderUpdated(conditional))
        }
    }

    /// Applies the absolute summary fields most pushes carry: balance, margins, PnL and position totals.
    mutating func applySummary(_ summary: DigitexAccountSnapshot, symbol: String, time: Int64?, into events: inout EmittedEvents) {
        if let leverage = summary.leverage { state.leverageBySymbol[symbol] = leverage }
        if let total = summary.traderBalance {
            let balance = Balance(
                asset: balanceAsset, total: total, available: nil, orderMargin: summary.orderMargin,
                positionMargin: summary.positionMargin, realisedPnL: summary.realisedPnL,
                unrealisedPnL: summary.unrealisedPnL, venueTimeMillis: time)
            if state.balancesByAsset.store(balance, forKey: balanceAsset) { events.append(.balanceUpdated(balance)) }
        }
        guard let size = summary.positionContracts else { return }
        // What the summary leaves out is kept from the last position, read where it lies: a copy
        // of it, and comparing two optional positions, cost more than the rest of this.
        let known = state.positionsBySymbol.index(of: symbol)
        let side: PositionSide
        if size.isZero {
            side = .flat
        } else if let type = summary.positionType, type != .flat {
            side = type
        } else if let known, case let previous = state.positionsBySymbol.values[known].side, previous != .flat {
            side = previous
        } else if let fromContract = contracts.sorted(by: { $0.key < $1.key }).compactMap(\.value.positionType).first(where: { $0 != .flat }) {
            side = fromContract
        } else {
            // Contracts held but no direction anywhere: leave the position as it was rather than guess.
            return
        }
        // Digitex sends volumes (Σ px·qty); per-contract prices are volume / contracts.
        func perContract(_ volume: FixedDecimal?) -> FixedDecimal? {
            guard let volume, !size.isZero else { return nil }
            return volume.divided(by: size, normalizedAtMost: 8)
        }
        let position = Position(
            symbol: symbol, side: side, size: size, entryPrice: perContract(summary.positionVolume),
            margin: summary.positionMargin ?? known.flatMap { state.positionsBySymbol.values[$0].margin },
            liquidationPrice: perContract(summary.positionLiquidationVolume),
            bankruptcyPrice: perContract(summary.positionBankruptcyVolume),
            realisedPnL: summary.realisedPnL ?? known.flatMap { state.positionsBySymbol.values[$0].realisedPnL },
            unrealisedPnL: summary.unrealisedPnL ?? known.flatMap { state.positionsBySymbol.values[$0].unrealisedPnL },
            leverage: summary.leverage ?? state.leverageBySymbol[symbol], markPrice: summary.markPrice,
            venueTimeMillis: time)
        if state.positionsBySymbol.store(position, forKey: symbol) { events.append(.positionUpdated(position)) }
    }

    /// The account rules plus Digitex's own: contracts are live and stored under their id.
    func invariantViolations() -> [String] {
        var violations = state.invariantViolations()
        for (id, contract) in contracts.sorted(by: { $0.key < $1.key }) {
            if contract.contractId != id { violations.append("contract stored under \(id) is \(contract.contractId)") }
            if contract.quantity <= .zero { violations.append("contract \(id) kept with quantity \(contract.quantity)") }
        }
        return violations
    }
}
