/// What an `Exchange` lists and how it runs.
public struct ExchangeConfig: Hashable, Sendable {
    /// The instruments; `InstrumentID(i)` is `instruments[i]`.
    public var instruments: [InstrumentSpec]
    /// UTC nanoseconds since 1970 at `Timestamp.zero`, so that GFD expiry (00:00 UTC) and funding
    /// times (00:00, 08:00, 16:00 UTC) fall on the right instants. 0: timestamps are UTC already.
    public var utcNanosAtZero: Int64
    /// Check every invariant after every call and trap on a violation (tests; costs O(book)).
    public var checksInvariants: Bool
    /// After a liquidation the insurance account sends a market order to close what it took over.
    public var insuranceUnwinds: Bool
    /// The insurance account's opening balance.
    public var insuranceDeposit: Cash

    public init(
        instruments: [InstrumentSpec], utcNanosAtZero: Int64 = 0, checksInvariants: Bool = false,
        insuranceUnwinds: Bool = true, insuranceDeposit: Cash = .zero
    ) {
        precondition(!instruments.isEmpty, "ExchangeConfig needs at least one instrument")
        self.instruments = instruments
        self.utcNanosAtZero = utcNanosAtZero
        self.checksInvariants = checksInvariants
        self.insuranceUnwinds = insuranceUnwinds
        self.insuranceDeposit = insuranceDeposit
    }
}
