/// An error the venue reported, with its code, the venue's text and, where the docs give it, the meaning.
public struct VenueError: Hashable, Sendable, CustomStringConvertible {
    /// The code as sent (numbers are kept as their decimal text so every venue fits).
    public var code: String
    public var message: String?
    /// What the code means according to the venue's documentation, when it lists it.
    public var meaning: String?

    public init(code: String, message: String? = nil, meaning: String? = nil) {
        self.code = code
        self.message = message
        self.meaning = meaning
    }

    public var description: String {
        var text = "venue error \(code)"
        if let meaning { text += " (\(meaning))" }
        if let message { text += ": \(message)" }
        return text
    }
}
