/// A UUID-shaped id made from a counter. Venues show UUIDs for orders and trades; a simulator must
/// give the same ids for the same session, so its "UUIDs" are counters in UUID form.
enum CounterUUID {
    /// `counter` in the low hex digits of `xxxxxxxx-xxxx-Vxxx-Wxxx-xxxxxxxxxxxx`, with the version
    /// digit V (4 as random UUIDs show it, 7 as time-ordered ones do) and, if given, the variant digit W.
    static func string(_ counter: UInt64, version: UInt8, variant: UInt8? = nil) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var hex = [UInt8](repeating: UInt8(ascii: "0"), count: 32)
        var value = counter
        var index = 31
        while value > 0 {
            hex[index] = digits[Int(value & 0xF)]
            value >>= 4
            index -= 1
        }
        hex[12] = version
        if let variant { hex[16] = variant }
        let text = String(decoding: hex, as: UTF8.self)
        let parts = [text.prefix(8), text.dropFirst(8).prefix(4), text.dropFirst(12).prefix(4), text.dropFirst(16).prefix(4), text.dropFirst(20)]
        return parts.joined(separator: "-")
    }
}
