/// A tradable instrument the client knows of; private frames for other symbols are anomalies.
public struct Instrument: Hashable, Sendable {
    public var symbol: String
    /// Smallest price step, when known (Digitex BTCUSD-PERP: 5).
    public var tickSize: FixedDecimal?
    /// Smallest quantity step, when known.
    public var lotSize: FixedDecimal?

    public init(symbol: String, tickSize: FixedDecimal? = nil, lotSize: FixedDecimal? = nil) {
        self.symbol = symbol
        self.tickSize = tickSize
        self.lotSize = lotSize
    }
}
