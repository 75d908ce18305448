/// Something that happened on a venue connection, in the shared vocabulary of all venues.
///
/// Every inbound frame yields at least one event; frames we cannot read become `.unrecognised`
/// and frames that contradict the account state become `.anomaly`, so nothing is dropped silently.
///
/// The cases that carry more than about 64 bytes (orders, fills, positions, balances, tickers, …)
/// are `indirect`: the event then takes 57 bytes instead of 225 (an order's), and an
/// event is moved five or six times on its way from the decoder to the replay's output; the box
/// such a case allocates costs less than those copies (replay −2 to −3 % instructions on every
/// venue's market data, Digitex fills −0.6 %).
public enum VenueEvent: Hashable, Sendable {
    case authenticated
    case authenticationFailed(VenueError)
    /// The venue said whether it accepts trading requests now (Digitex `tradingStatus`).
    case tradingStatusChanged(available: Bool)
    /// The venue answered a request (by echoed id, or by order id where the venue echoes none).
    case commandAccepted(RequestID)
    indirect case commandRejected(RequestID, VenueError)
    /// The client did not send a command because the connection is not ready for it.
    case commandRefused(reason: String)
    /// A request got no answer before the connection ended.
    case commandUnanswered(RequestID)
    indirect case orderUpdated(Order)
    indirect case orderFilled(Fill)
    indirect case positionUpdated(Position)
    indirect case balanceUpdated(Balance)
    case leverageChanged(symbol: String, leverage: FixedDecimal)
    /// The leverage levels the venue offers (or the account's current ones), on request.
    case leverageTiers([LeverageTier])
    /// Past fills the venue listed on request (not new executions: they are not applied again).
    case fillHistory([Fill])
    /// Instrument reference data.
    case instruments([Instrument])
    indirect case fundingPaid(FundingPayment)
    indirect case positionLiquidated(Liquidation)
    indirect case conditionalOrderUpdated(ConditionalOrder)
    case bookSnapshot(BookSnapshot)
    case bookDelta(BookDelta)
    case trades([Trade])
    indirect case ticker(Ticker)
    case price(PriceUpdate)
    case fundingRate(FundingRate)
    indirect case candle(Candle)
    case publicLiquidations([Liquidation])
    case subscriptions([String])
    /// A general error push that answers no particular request.
    case venueError(VenueError)
    /// A heartbeat arrived (ping answered, or pong received).
    case heartbeat
    case unrecognised(UnrecognisedFrame)
    case anomaly(Anomaly)
}

/// The id that correlates a request with its answer: an echoed number, or an order id.
public enum RequestID: Hashable, Sendable, CustomStringConvertible {
    case number(Int64)
    case order(String)

    public var description: String {
        switch self {
        case .number(let number): "#\(number)"
        case .order(let id): "order \(id)"
        }
    }
}
