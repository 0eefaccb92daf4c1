import CSystemShims
public import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif
import VigieCore

// The pseudonymisation key rotates daily: `<dir>/<YYYY-MM-DD>.key` holds 32 random bytes (hex, mode
// 0600), made on first use of the day; the keys of earlier days are deleted at that moment, so
// nobody — the administrator included — can link yesterday's pseudonyms to today's afterwards.
//
// Two runs may meet at the first use of a day (cron and an administrator): the key is written whole
// to a temporary file, then linked to its name with linkat(2), which fails when the name exists —
// the loser reads the winner's key, so both runs use one key. Everything is done relative to the
// directory's descriptor, never through a link. A key of an earlier day that cannot be deleted is
// reported: its pseudonyms stay linkable while it exists.

/// The daily keys of a key directory.
public struct LogKeyStore: Sendable {
    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// The day's key, and the earlier keys that could not be deleted (with why).
    public struct DayKey: Sendable {
        public var key: [UInt8]
        public var notDeleted: [String] = []
    }

    /// Today's key (UTC), made if missing; earlier keys are deleted.
    public func key(for date: Date) throws(Failure) -> [UInt8] {
        try dayKey(for: date).key
    }

    /// Today's key (UTC), made if missing, with what the rotation could not delete.
    public func dayKey(for date: Date) throws(Failure) -> DayKey {
        let day = date.formatted(.iso8601.year().month().day())
        let name = "\(day).key"
        let shown = PrintableText.escaped(directory)
        if mkdir(directory, 0o700) != 0, errno != EEXIST {
            throw Failure(description: "cannot create the key directory \(shown): \(String(cString: strerror(errno)))")
        }
        // `dir/` and `dir/.` would make open(2) follow a link at `dir`: the trailing parts go first.
        var path = directory
        while path.count > 1, path.hasSuffix("/") || path.hasSuffix("/.") {
            path.removeLast(path.hasSuffix("/") ? 1 : 2)
        }
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else {
            let reason =
                errno == ELOOP || errno == ENOTDIR
                ? "not a directory (a link is not followed)" : String(cString: strerror(errno))
            throw Failure(description: "cannot open the key directory \(shown): \(reason)")
        }
        defer { close(fd) }

        var result: DayKey
        if let existing = try read(name, in: fd) {
            result = DayKey(key: existing)
        } else {
            let made = (0..<32).map { _ in UInt8.random(in: 0...255) }
            if try create(name, key: made, in: fd) {
                result = DayKey(key: made)
            } else if let winner = try read(name, in: fd) {
                // Another run made the day's key first: use it.
                result = DayKey(key: winner)
            } else {
                throw Failure(
                    description: "the key file \(shown)/\(name) appeared and vanished: another run is rotating keys"
                )
            }
        }

        // Rotation: the keys of other days go.
        // Only the day keys this store makes (`YYYY-MM-DD.key`): a key directory pointed at the wrong place
        // must not lose the other files that end in `.key` (a TLS private key).
        for other in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        where Self.isDayKeyName(other) && other != name {
            if unlinkat(fd, other, 0) != 0, errno != ENOENT {
                result.notDeleted.append(
                    "\(shown)/\(PrintableText.escaped(other)): \(String(cString: strerror(errno)))"
                )
            }
        }
        return result
    }

    /// The key in `name`, `nil` when there is no such file; a file that is not a key is an error (never replaced).
    func read(_ name: String, in directory: Int32) throws(Failure) -> [UInt8]? {
        let fd = openat(directory, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { return nil }
            throw Failure(
                description:
                    "cannot read the key file \(PrintableText.escaped(self.directory))/\(name): \(String(cString: strerror(errno)))"
            )
        }
        defer { close(fd) }
        let mode = vigie_fd_mode(fd)
        guard mode >= 0, vigie_mode_is_regular(mode) != 0 else {
            throw Failure(
                description: "the key file \(PrintableText.escaped(self.directory))/\(name) is not a regular file"
            )
        }
        var buffer = [UInt8](repeating: 0, count: 1024)
        let count = buffer.withUnsafeMutableBytes { vigie_read(fd, $0.baseAddress!, $0.count) }
        guard count > 0, let key = Self.parseHex(String(decoding: buffer[0..<count], as: UTF8.self)), key.count >= 16
        else {
            throw Failure(
                description:
                    "the key file \(PrintableText.escaped(self.directory))/\(name) does not hold a key (hex, 16 bytes at least): remove it to make a new one"
            )
        }
        return key
    }

    /// Writes the key whole under a temporary name, then links it to `name`; `false` when `name` already exists.
    func create(_ name: String, key: [UInt8], in directory: Int32) throws(Failure) -> Bool {
        let shown = PrintableText.escaped(self.directory)
        let temporary = ".\(name).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
        let fd = openat(directory, temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw Failure(description: "cannot write a key file in \(shown): \(String(cString: strerror(errno)))")
        }
        defer { unlinkat(directory, temporary, 0) }
        let hex = Array((key.map { String(format: "%02x", $0) }.joined() + "\n").utf8)
        let written = hex.withUnsafeBytes { vigie_write(fd, $0.baseAddress!, $0.count) }
        let synced = fsync(fd) == 0
        close(fd)
        guard written == hex.count, synced else {
            throw Failure(description: "cannot write a key file in \(shown): \(String(cString: strerror(errno)))")
        }
        if linkat(directory, temporary, directory, name, 0) != 0 {
            if errno == EEXIST { return false }
            throw Failure(
                description: "cannot create the key file \(shown)/\(name): \(String(cString: strerror(errno)))"
            )
        }
        return true
    }

    /// `YYYY-MM-DD.key`.
    static func isDayKeyName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard bytes.count == 14, name.hasSuffix(".key"), bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-")
        else { return false }
        return [0, 1, 2, 3, 5, 6, 8, 9].allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[$0]) }
    }

    static func parseHex(_ text: String) -> [UInt8]? {
        let hex = Array(text.trimmingWhitespace().utf8)
        guard hex.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        var index = 0
        while index < hex.count {
            guard let value = UInt8(String(decoding: hex[index..<(index + 2)], as: UTF8.self), radix: 16) else {
                return nil
            }
            bytes.append(value)
            index += 2
        }
        return bytes
    }
}
