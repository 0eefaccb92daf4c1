import CSystemShims

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif
public import VigieCore

// Decoding a site file reads nothing but the site file: the secrets and CA files it names are
// paths on the Jitsi host, and `vigie render` or `vigie validate` on a workstation must neither need
// them nor copy the workstation's paths into the bundle. The commands that run on the host — the
// agent, the register and log commands, `vigie check` for its CA files — resolve them here, and a
// missing or unreadable file is an error naming the key that names it.

/// The files a command needs from the host, beyond the site file itself.
public struct HostFiles: OptionSet, Sendable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// The `ca` files of http and https checks.
    public static let caFiles = HostFiles(rawValue: 1)
    /// The webhook token.
    public static let webhookToken = HostFiles(rawValue: 2)
    /// The PostgreSQL password (its file, or `VIGIE_DATABASE_PASSWORD`).
    public static let databasePassword = HostFiles(rawValue: 4)
    public static let secrets: HostFiles = [.webhookToken, .databasePassword]
    public static let all: HostFiles = [.caFiles, .secrets]
}

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

extension Site {
    /// The longest secret file read (a token or a password is a line).
    static let secretLimit = 64 << 10
    /// The longest CA file read.
    static let caFileLimit = 4 << 20

    /// The site with the files it names on this host read and checked.
    ///
    /// - Throws: ``SiteFileError`` at the key that names a missing, unreadable, empty or invalid file.
    public func resolving(_ files: HostFiles, reader: HostFileReader = .system) throws(SiteFileError) -> Site {
        var site = self
        if files.contains(.caFiles) {
            // Each file read once, however many checks name it; what was read is what the probes trust.
            var contents: [String: [UInt8]] = [:]
            for check in checks {
                guard let ca = check.ca else { continue }
                let caFile = ca.local
                guard contents[caFile] == nil else { continue }
                let failure: String
                switch reader.read(caFile, Site.caFileLimit) {
                case .failure(let why): failure = "cannot read the CA file \(caFile): \(why)"
                case .success(let bytes):
                    switch TrustAnchors.parsePEM(String(decoding: bytes, as: UTF8.self), path: caFile) {
                    case .success:
                        contents[caFile] = bytes
                        continue
                    case .failure(let why): failure = why.description
                    }
                }
                throw error(at: ca, failure)
            }
            site.caFileContents = contents
        }
        if files.contains(.webhookToken), var webhook = site.webhook {
            let token = try secret(webhook.tokenFile, what: "webhook token", reader: reader)
            guard token.count >= WebhookSettings.minimumTokenLength else {
                throw error(
                    at: webhook.tokenFile,
                    "the webhook token in \(webhook.tokenFile.local) is shorter than \(WebhookSettings.minimumTokenLength) characters"
                )
            }
            webhook.token = token
            site.webhook = webhook
        }
        if files.contains(.databasePassword), var database = site.incidents.database {
            if let passwordFile = site.incidents.passwordFile {
                database.password = try secret(passwordFile, what: "database password", reader: reader)
            } else if let password = reader.environment["VIGIE_DATABASE_PASSWORD"], !password.isEmpty {
                database.password = password
            }
            site.incidents.database = database
        }
        return site
    }

    private func error(at path: SitePath, _ message: String) -> SiteFileError {
        SiteFileError(file: file, location: path.location, keyPath: path.keyPath, message: message)
    }

    /// A secret read from a file: its first line, trimmed, non-empty.
    private func secret(_ path: SitePath, what: String, reader: HostFileReader) throws(SiteFileError) -> String {
        let bytes: [UInt8]
        switch reader.read(path.local, Site.secretLimit) {
        case .success(let read): bytes = read
        case .failure(let why): throw error(at: path, "cannot read the \(what) file \(path.local): \(why)")
        }
        let value = String(decoding: bytes, as: UTF8.self).trimmingWhitespace()
        guard !value.isEmpty else { throw error(at: path, "the \(what) file \(path.local) is empty") }
        guard !value.contains("\n"), PrintableText.firstForbidden(in: value) == nil else {
            throw error(at: path, "the \(what) file \(path.local) must hold one line of printable text")
        }
        return value
    }
}
