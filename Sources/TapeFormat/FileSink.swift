#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a writer's bytes go: a file, appended to with whole writes only.
///
/// If a write fails part-way (a full disk), the file is cut back to the end of the last whole
/// member, so what is on disk is always a readable tape prefix.
final class FileSink {
    let path: String
    private var descriptor: Int32
    private(set) var length: Int = 0

    init(path: String, overwrite: Bool) throws(TapeError) {
        self.path = path
        let flags = O_WRONLY | O_CREAT | O_CLOEXEC | (overwrite ? O_TRUNC : O_EXCL)
        descriptor = open(path, flags, 0o644)
        guard descriptor >= 0 else {
            let reason = String(cString: strerror(errno))
            let remedy = errno == EEXIST
                ? "choose another output path (tapes are never overwritten in place)"
                : "check that the folder exists and is writable"
            throw TapeError(.cannotWrite, file: path, "cannot create the tape (\(reason))", remedy: remedy)
        }
    }

    /// Writes all of `bytes` or, on failure, none of them (the file is truncated back).
    func append(_ bytes: [UInt8]) throws(TapeError) {
        var written = 0
        let failure: Int32? = bytes.withUnsafeBytes { buffer in
            while written < buffer.count {
                let result = write(descriptor, buffer.baseAddress! + written, buffer.count - written)
                if result < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                written += result
            }
            return nil
        }
        if let failure {
            _ = ftruncate(descriptor, off_t(length))
            let reason = String(cString: strerror(failure))
            throw TapeError(
                .cannotWrite, file: path, offset: length,
                "writing a block failed (\(reason)); every earlier block is intact",
                remedy: failure == ENOSPC ? "free disk space or record to another disk" : "check the disk and the path"
            )
        }
        length += bytes.count
    }

    func finish() throws(TapeError) {
        guard descriptor >= 0 else { return }
        let result = close(descriptor)
        descriptor = -1
        guard result == 0 else {
            throw TapeError(.cannotWrite, file: path, "closing the tape failed (\(String(cString: strerror(errno))))",
                            remedy: "check the disk; the tape may be incomplete")
        }
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }
}
