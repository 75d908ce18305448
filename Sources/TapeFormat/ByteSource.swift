#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The bytes of a tape: a read-only memory map of a file, or an array (tests, in-memory tapes).
///
/// Mapping lets the reader hand block slices to several decoding threads with no copies, and lets
/// a seek touch only the pages of the blocks it reads.
final class ByteSource: @unchecked Sendable {
    let bytes: UnsafeRawBufferPointer
    private let release: () -> Void

    init(copying array: [UInt8]) {
        let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: max(array.count, 1), alignment: 16)
        array.withUnsafeBytes { storage.copyMemory(from: $0) }
        bytes = UnsafeRawBufferPointer(rebasing: storage[0..<array.count])
        release = { storage.deallocate() }
    }

    init(mapping path: String) throws(TapeError) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw TapeError(.cannotOpen, file: path, "cannot open the tape (\(String(cString: strerror(errno))))",
                            remedy: "check the path and its permissions")
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            throw TapeError(.cannotOpen, file: path, "cannot read the tape's size (\(String(cString: strerror(errno))))",
                            remedy: "check the path")
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw TapeError(.cannotOpen, file: path, "not a regular file", remedy: "give the path of a .tape file")
        }
        let length = Int(info.st_size)
        guard length > 0 else {
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            release = {}
            return
        }
        guard let address = mmap(nil, length, PROT_READ, MAP_PRIVATE, descriptor, 0), address != MAP_FAILED else {
            throw TapeError(.cannotOpen, file: path, "cannot map the tape (\(String(cString: strerror(errno))))",
                            remedy: "check that the file is readable")
        }
        bytes = UnsafeRawBufferPointer(start: address, count: length)
        release = { munmap(address, length) }
    }

    deinit {
        release()
    }
}
