import CSystemShims
#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif
import VigieCore

/// How the host's files are read: injected so that tests need no real secret on disk.
public struct HostFileReader: Sendable {
    /// The bytes of a regular file, or why it cannot be read.
    public var read: @Sendable (_ path: String, _ limit: Int) -> Result<[UInt8], HostFileReader.Failure>
    public var environment: [String: String]

    public struct Failure: Error, Sendable, Hashable, CustomStringConvertible {
        public var description: String
        public init(_ description: String) { self.description = description }
    }

    public init(
        environment: [String: String],
        read: @escaping @Sendable (_ path: String, _ limit: Int) -> Result<[UInt8], HostFileReader.Failure>
    ) {
        self.read = read
        self.environment = environment
    }

    /// The real file system and the process's environment.
    public static var system: HostFileReader {
        var environment: [String: String] = [:]
        if let value = getenv("VIGIE_DATABASE_PASSWORD") {
            environment["VIGIE_DATABASE_PASSWORD"] = String(cString: value)
        }
        return HostFileReader(environment: environment, read: readRegularFile)
    }

    /// Reads a regular file of at most `limit` bytes: a FIFO, a device or `/dev/zero` given as a secret is
    /// refused, not waited on or read forever (opened without blocking, checked through its descriptor).
    @Sendable static func readRegularFile(_ path: String, limit: Int) -> Result<[UInt8], Failure> {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { return .failure(Failure(String(cString: strerror(errno)))) }
        defer { close(fd) }
        let mode = vigie_fd_mode(fd)
        guard mode >= 0 else { return .failure(Failure(String(cString: strerror(errno)))) }
        guard vigie_mode_is_regular(mode) != 0 else { return .failure(Failure("not a regular file")) }
        let size = vigie_fd_size(fd)
        guard size <= Int64(limit) else { return .failure(Failure("larger than \(limit) bytes")) }
        // Sized by fstat, grown if the file grows while it is read, never past limit + 1.
        var bytes = [UInt8](repeating: 0, count: Int(max(size, 0)) + 1)
        var filled = 0
        while filled <= limit {
            if filled == bytes.count {
                bytes += [UInt8](repeating: 0, count: min(bytes.count, limit + 1 - bytes.count))
            }
            let count = bytes.withUnsafeMutableBytes { vigie_read(fd, $0.baseAddress! + filled, $0.count - filled) }
            if count < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN { return .failure(Failure("not a regular file (nothing to read)")) }
                return .failure(Failure(String(cString: strerror(errno))))
            }
            if count == 0 { break }
            filled += count
        }
        guard filled <= limit else { return .failure(Failure("larger than \(limit) bytes")) }
        return .success(Array(bytes[0..<filled]))
    }
}
