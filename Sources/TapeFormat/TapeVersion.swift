/// The tape format version this build writes, and the newest major version it reads.
///
/// A minor bump adds things older readers may ignore; a major bump means older readers must refuse.
public enum TapeVersion {
    public static let major: UInt8 = 1
    public static let minor: UInt8 = 0
    public static var string: String { "\(major).\(minor)" }
}
