import TapeCore

/// Inbound frames, observed outbound frames and answer matching.
extension QFEXClient {
    public mutating func receivedFrame(_ payload: [UInt8], at now: Timestamp) -> [ClientAction] {
        switch decoder.decode(payload) {
        case .success(let message): return apply(message, raw: payload)
        case .failure(let failure): return [.emit(.unrecognised(failure))]
        }
    }

    /// Reads a request sent without `submit` (a tape's outbound side) so that answers correlate.
    public mutating func sentFrame(_ payload: [UInt8], at now: Timestamp) -> [ClientAction] {
        switch QFEXCommand.decode(payload) {
        case .success(let command):
            register(command)
            // A new auth on the tape starts a new session: trading waits for its answer.
            if connection == .authenticating, book.state.tradingAvailable {
                book.state.tradingAvailable = false
                return [.emit(.tradingStatusChanged(available: false))]
            }
            return []
        case .failure(let failure):
            return [.emit(.unrecognised(failure))]
        }
    }

    private mutating func apply(_ message: QFEXMessage, raw: [UInt8]) -> [ClientAction] {
        switch message {
        case .batch(let messages):
            return messages.flatMap { apply($0, raw: raw) }
        case .authenticated(let success, let detail):
            // A frame after the connection ended (a driver's mistake) must not revive the session.
            guard connection != .disconnected else {
                return [.emit(.anomaly(Anomaly(kind: .answerToUnknownRequest, expected: "no connection",
                                               received: "auth answer after disconnect", raw: raw)))]
            }
            var actions: [ClientAction] = []
            let request = take { if case .authenticate = $0.command { true } else { false } }
            if configuration.drivesConnection { actions.append(.cancelTimer(.authenticationDeadline)) }
            guard success else {
                let error = VenueError(code: "auth", message: detail ?? "authenticated false", meaning: "authentication refused")
                if let request { actions.append(.emit(.commandRejected(.number(request.sequence), error))) }
                connection = .connected
                // A refused (re-)authentication ends trading on this session too.
                if book.state.tradingAvailable {
                    book.state.tradingAvailable = false
                    actions.append(.emit(.tradingStatusChanged(available: false)))
                }
                return actions + [.emit(.authenticationFailed(error))]
            }
            if let request { actions.append(.emit(.commandAccepted(.number(request.sequence)))) }
            connection = .authenticated
            book.state.tradingAvailable = true
            return actions + [.emit(.authenticated), .emit(.tradingStatusChanged(available: true))]
        case .subscribed(let channel):
            guard let index = pending.firstIndex(where: { $0.awaitingChannels.contains(channel) }) else {
                return [unknownAnswer("subscribed \(channel)", raw)]
            }
            pending[index].awaitingChannels.removeAll { $0 == channel }
            guard pending[index].awaitingChannels.isEmpty else { return [] }
            return [.emit(.commandAccepted(.number(pending.remove(at: index).sequence)))]
        case .unsubscribed:
            return []
        case .acknowledged(let ok):
            guard let request = take({ if case .setUserLeverage = $0.command { true } else { false } }) else {
                return [unknownAnswer("ack_response \(ok)", raw)]
            }
            guard ok else { return [.emit(.commandRejected(.number(request.sequence), VenueError(code: "ack", message: "false")))] }
            var actions: [ClientAction] = [.emit(.commandAccepted(.number(request.sequence)))]
            if case .setUserLeverage(let symbol, let leverage) = request.command {
                actions += book.applyLeverage([LeverageTier(symbol: symbol, leverage: leverage)], raw: raw).dropFirst().map { .emit($0) }
            }
            return actions
        case .error(let error):
            return [.emit(.venueError(error))]
        case .order(let report):
            return correlate(report) + book.applyOrder(report, raw: raw).map { .emit($0) }
        case .fill(let report):
            return book.applyFill(report, raw: raw).map { .emit($0) }
        case .positions(let positions):
            return book.applyPositions(positions, raw: raw).map { .emit($0) }
        case .balances(let balances):
            return book.applyBalances(balances).map { .emit($0) }
        case .userLeverage(let tiers):
            return answer { if case .getUserLeverage = $0 { true } else { false } } + book.applyLeverage(tiers, raw: raw).map { .emit($0) }
        case .availableLeverage(let tiers):
            return answer { if case .getAvailableLeverageLevels = $0 { true } else { false } } + [.emit(.leverageTiers(tiers))]
        case .userOrders(let reports):
            return answer { if case .getUserOrders = $0 { true } else { false } } + book.applyOrderList(reports, raw: raw).map { .emit($0) }
        case .userTrades(let fills):
            return answer { if case .getUserTrades = $0 { true } else { false } } + [.emit(.fillHistory(fills))]
        case .book(let snapshot):
            return [.emit(.bookSnapshot(snapshot))]
        case .trade(let trade):
            return [.emit(.trades([trade]))]
        case .funding(let rate):
            return [.emit(.fundingRate(rate))]
        case .price(let price):
            return [.emit(.price(price))]
        case .referenceData(let instruments):
            return [.emit(.instruments(instruments))]
        }
    }

    /// Matches an order_response to the request it answers, if any.
    private mutating func correlate(_ report: QFEXOrderReport) -> [ClientAction] {
        let order = report.order
        let request = take { (pending: Pending) -> Bool in
            switch pending.command {
            case .addOrder(let request):
                if let client = request.clientOrderID, !client.isEmpty, let reported = order.clientOrderID { return client == reported }
                return request.symbol == order.symbol && request.side == order.side
            case .cancelOrder(_, .orderID(let id)):
                return id == order.venueOrderID
            case .modifyOrder(let modify):
                return modify.orderID == order.venueOrderID
            case .cancelOrder(_, .clientOrderID(let id)):
                return id == order.clientOrderID
            case .authenticate, .subscribe, .unsubscribe, .subscribeMarketData, .unsubscribeMarketData, .cancelAllOrders,
                 .getUserOrders, .getUserTrades, .getUserLeverage, .getAvailableLeverageLevels, .setUserLeverage, .cancelOnDisconnect:
                return false
            }
        }
        guard let request else { return [] }
        switch order.status {
        case .accepted, .pending, .modified, .partiallyFilled, .filled, .cancelled, .expired, .terminated, .triggered:
            return [.emit(.commandAccepted(.number(request.sequence)))]
        case .rejected, .other:
            return [.emit(.commandRejected(.number(request.sequence), VenueError(code: report.statusText, message: nil, meaning: nil)))]
        }
    }

    private mutating func answer(_ matches: (QFEXCommand) -> Bool) -> [ClientAction] {
        guard let request = take({ matches($0.command) }) else { return [] }
        return [.emit(.commandAccepted(.number(request.sequence)))]
    }

    /// Removes and returns the oldest pending request that matches.
    private mutating func take(_ matches: (Pending) -> Bool) -> Pending? {
        guard let index = pending.firstIndex(where: matches) else { return nil }
        return pending.remove(at: index)
    }

    private func unknownAnswer(_ what: String, _ raw: [UInt8]) -> ClientAction {
        .emit(.anomaly(Anomaly(kind: .answerToUnknownRequest, expected: "no matching request pending", received: what, raw: raw)))
    }
}
