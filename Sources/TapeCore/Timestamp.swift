/// A point on a tape's monotonic time line, in nanoseconds since the recording started.
///
/// Times are plain integers so that replay arithmetic is exact and the same on every machine;
/// the wall clock at the start of a recording lives in the tape header, never in a frame.
public struct Timestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var nanoseconds: Int64

    public init(nanoseconds: Int64) {
        self.nanoseconds = nanoseconds
    }

    public static let zero = Timestamp(nanoseconds: 0)

    public static func seconds(_ seconds: Int64) -> Timestamp {
        Timestamp(nanoseconds: seconds * 1_000_000_000)
    }

    public static func milliseconds(_ milliseconds: Int64) -> Timestamp {
        Timestamp(nanoseconds: milliseconds * 1_000_000)
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.nanoseconds < rhs.nanoseconds
    }

    public static func + (lhs: Timestamp, rhs: Duration) -> Timestamp {
        Timestamp(nanoseconds: lhs.nanoseconds + rhs.nanoseconds)
    }

    public static func - (lhs: Timestamp, rhs: Timestamp) -> Duration {
        Duration(nanoseconds: lhs.nanoseconds - rhs.nanoseconds)
    }

    /// `s.nnnnnnnnn`: exact, sortable as text for non-negative times, and readable.
    public var description: String {
        let sign = nanoseconds < 0 ? "-" : ""
        let magnitude = nanoseconds.magnitude
        let fraction = String(magnitude % 1_000_000_000)
        let padded = String(repeating: "0", count: 9 - fraction.count) + fraction
        return "\(sign)\(magnitude / 1_000_000_000).\(padded)"
    }
}

extension Timestamp {
    /// A length of time in nanoseconds; named apart from `Swift.Duration` because it is plain Int64.
    public struct Duration: Hashable, Comparable, Sendable {
        public var nanoseconds: Int64

        public init(nanoseconds: Int64) {
            self.nanoseconds = nanoseconds
        }

        public static func seconds(_ seconds: Int64) -> Duration {
            Duration(nanoseconds: seconds * 1_000_000_000)
        }

        public static func milliseconds(_ milliseconds: Int64) -> Duration {
            Duration(nanoseconds: milliseconds * 1_000_000)
        }

        public static func < (lhs: Duration, rhs: Duration) -> Bool {
            lhs.nanoseconds < rhs.nanoseconds
        }

        public var seconds: Double { Double(nanoseconds) / 1e9 }
    }
}
