import TapeCore

/// Inbound and observed outbound frames.
extension DigitexClient {
    /// Decodes and applies one inbound text frame. Bad frames become `.unrecognised` events with the
    /// reason and the bytes; the state is left as it was.
    public mutating func receivedFrame(_ payload: [UInt8], at now: Timestamp) -> [ClientAction] {
        let message: DigitexMessage
        do throws(UnrecognisedFrame) {
            message = try decoder.decodeThrowing(payload)
        } catch {
            return [.emit(.unrecognised(error))]
        }
        // Consumed, not copied: a copy of an account push cost a second destroy of the message.
        switch consume message {
        case .ping:
            guard configuration.drivesConnection else { return [.emit(.heartbeat)] }
            lastSentAt = now
            return [.send(.text, Array("pong".utf8)), .emit(.heartbeat)]
        case .pong:
            return [.emit(.heartbeat)]
        case .ok(let id, let result):
            return answered(id: id, error: nil, raw: payload) + (result.map { [.emit(.subscriptions($0))] } ?? [])
        case .failed(let id, let error):
            return answered(id: id, error: error, raw: payload)
        case .tradingStatus(let available):
            // A frame after the connection ended (a driver's mistake) must not revive the session.
            guard connection != .disconnected else { return [.emit(.tradingStatusChanged(available: available))] }
            var actions: [ClientAction] = []
            // The docs answer a good auth with tradingStatus rather than {"status":"ok"}; and a
            // tape that starts after the auth still shows an authenticated session.
            if case .authenticating(let id) = connection {
                pending.removeValue(forKey: id)
                actions += [.emit(.commandAccepted(.number(id))), .emit(.authenticated)]
                if configuration.drivesConnection { actions.append(.cancelTimer(.authenticationDeadline)) }
            } else if connection != .authenticated {
                actions.append(.emit(.authenticated))
            }
            connection = .authenticated
            book.state.tradingAvailable = available
            actions.append(.emit(.tradingStatusChanged(available: available)))
            return actions
        case .account(let channel, let push):
            return book.apply(channel, push, raw: payload)
        case .error(let error):
            return [.emit(.venueError(error))]
        case .orderBook(let snapshot):
            return [.emit(.bookSnapshot(snapshot))]
        case .trades(let trades):
            return [.emit(.trades(trades))]
        case .candle(let candle):
            return [.emit(.candle(candle))]
        case .liquidations(let liquidations):
            return [.emit(.publicLiquidations(liquidations))]
        case .ticker(let ticker):
            return [.emit(.ticker(ticker))]
        case .fundingInfo(let rate):
            return [.emit(.fundingRate(rate))]
        case .index(let prices):
            return prices.map { .emit(.price($0)) }
        }
    }

    /// Reads a request that was sent without `submit` (the outbound side of a tape) so that its
    /// answer correlates. Never asks to send anything.
    public mutating func sentFrame(_ payload: [UInt8], at now: Timestamp) -> [ClientAction] {
        if payload.count == 4, payload.elementsEqual("ping".utf8) || payload.elementsEqual("pong".utf8) { return [] }
        switch DigitexCommand.decode(payload) {
        case .success(let request):
            // Doc examples reuse ids; the newest request with an id is the one its answer belongs to.
            register(request.command, id: request.id)
            nextRequestID = max(nextRequestID, request.id &+ 1)
            lastSentAt = now
            return []
        case .failure(let failure):
            return [.emit(.unrecognised(failure))]
        }
    }

    private mutating func answered(id: Int64, error: VenueError?, raw: [UInt8]) -> [ClientAction] {
        guard let command = pending.removeValue(forKey: id) else {
            // Concatenated rather than interpolated: interpolating an Int64 goes through the
            // generic print path (~750 instructions).
            return [.emit(.anomaly(Anomaly(
                kind: .answerToUnknownRequest, expected: "no request " + String(id) + " pending",
                received: error.map { "error answer: \($0)" } ?? "ok answer", raw: raw)))]
        }
        var actions: [ClientAction] = []
        let isAuth: Bool
        if case .authenticate = command { isAuth = true } else { isAuth = false }
        if isAuth, configuration.drivesConnection { actions.append(.cancelTimer(.authenticationDeadline)) }
        guard let error else {
            actions.append(.emit(.commandAccepted(.number(id))))
            if isAuth {
                connection = .authenticated
                actions.append(.emit(.authenticated))
            }
            return actions
        }
        actions.append(.emit(.commandRejected(.number(id), error)))
        // "Trader needs to send again the auth message with the token every time he/she gets this error."
        if isAuth || error.code == String(DigitexErrorCodes.invalidCredentials) {
            connection = .connected
            if book.state.tradingAvailable {
                book.state.tradingAvailable = false
                actions.append(.emit(.tradingStatusChanged(available: false)))
            }
            actions.append(.emit(.authenticationFailed(error)))
        }
        return actions
    }
}
