/// The error codes of the Digitex trading API with the meanings its documentation gives.
public enum DigitexErrorCodes {
    /// Code → meaning, from the "Error codes" table of trading_ws.md (2020-09-21), plus the
    /// public-feed codes seen in the examples (501 in public_ws.md, 3003 on the Slate site).
    public static let meanings: [Int64: String] = [
        3: "ID already exists", 10: "ID doesn't exist", 14: "Unknown trader", 18: "Invalid leverage",
        19: "Invalid price", 20: "Invalid quantity", 22: "No market price", 27: "Not enough balance",
        34: "Invalid contract ID", 35: "Rate limit exceeded", 36: "No contracts", 37: "No opposing orders",
        40: "Price is worse than liquidation price", 45: "Tournament in progress", 53: "Max quantity exceeded",
        54: "PnL is too negative", 55: "Order would become invalid", 58: "Trading suspended",
        63: "Can't be filled", 65: "Too many conditional orders", 68: "Too many orders",
        501: "Unknown contract", 3001: "Bad request", 3003: "Contract not found", 3011: "Not implemented",
        3012: "Internal error", 3013: "Not authorized", 3014: "Already authorized",
        3015: "Trading is not available", 3016: "Authentication in progress", 3017: "Request limit exceeded",
        10501: "Invalid credentials",
    ]

    /// The code 10501 that means the auth token was refused; the client must authenticate again.
    public static let invalidCredentials: Int64 = 10501

    static func error(code: Int64, message: String?) -> VenueError {
        VenueError(code: String(code), message: message, meaning: meanings[code])
    }
}
