import Foundation
import Replay

/// Finds tapes in a package's `recordings/` folder: the nearest one above the calling source file.
public enum Recordings {
    /// The `recordings/` folder of the package that holds `file` (pass nothing: `#filePath` of the caller).
    public static func folder(file: StaticString = #filePath) throws -> String {
        var url = URL(fileURLWithPath: "\(file)").deletingLastPathComponent()
        while true {
            let candidate = url.appendingPathComponent("recordings")
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory), isDirectory.boolValue {
                return candidate.path
            }
            let parent = url.deletingLastPathComponent()
            guard parent.path != url.path else {
                throw TapeAssertionFailure("no recordings/ folder above \(file)", remedy: "create recordings/ at the package root and put the tape there")
            }
            url = parent
        }
    }

    /// The path of `name` in the calling package's `recordings/` folder; it must exist.
    public static func path(_ name: String, file: StaticString = #filePath) throws -> String {
        let path = URL(fileURLWithPath: try folder(file: file)).appendingPathComponent(name).path
        guard FileManager.default.fileExists(atPath: path) else {
            throw TapeAssertionFailure("no tape \(name) in \(try folder(file: file))", remedy: "check the name, or regenerate the recordings")
        }
        return path
    }
}
