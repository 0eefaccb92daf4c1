import Foundation

// The pseudonymisation key rotates daily: `<dir>/<YYYY-MM-DD>.key` holds 32 random bytes (hex, mode
// 0600), made on first use of the day; the keys of earlier days are deleted at that moment, so
// nobody — the administrator included — can link yesterday's pseudonyms to today's afterwards.

/// The daily keys of a key directory.
public struct LogKeyStore: Sendable {
    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// Today's key (UTC), made if missing; earlier keys are deleted.
    public func key(for date: Date) throws(Failure) -> [UInt8] {
        let day = date.formatted(.iso8601.year().month().day())
        let path = URL(fileURLWithPath: directory).appendingPathComponent("\(day).key").path
        let manager = FileManager.default
        do {
            try manager.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw Failure(description: "cannot create the key directory \(directory): \(error.localizedDescription)")
        }
        var key: [UInt8]
        if let data = manager.contents(atPath: path), let parsed = Self.parseHex(String(decoding: data, as: UTF8.self)), parsed.count >= 16 {
            key = parsed
        } else {
            key = (0..<32).map { _ in UInt8.random(in: 0...255) }
            let hex = key.map { String(format: "%02x", $0) }.joined() + "\n"
            guard manager.createFile(atPath: path, contents: Data(hex.utf8), attributes: [.posixPermissions: 0o600]) else {
                throw Failure(description: "cannot write the key file \(path)")
            }
        }
        // Rotation: the keys of other days go.
        for name in (try? manager.contentsOfDirectory(atPath: directory)) ?? [] where name.hasSuffix(".key") && name != "\(day).key" {
            try? manager.removeItem(atPath: URL(fileURLWithPath: directory).appendingPathComponent(name).path)
        }
        return key
    }

    static func parseHex(_ text: String) -> [UInt8]? {
        let hex = Array(text.trimmingWhitespace().utf8)
        guard hex.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        var index = 0
        while index < hex.count {
            guard let value = UInt8(String(decoding: hex[index..<(index + 2)], as: UTF8.self), radix: 16) else { return nil }
            bytes.append(value)
            index += 2
        }
        return bytes
    }
}
