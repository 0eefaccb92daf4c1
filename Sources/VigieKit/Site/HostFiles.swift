import CSystemShims
#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif
import VigieCore

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
