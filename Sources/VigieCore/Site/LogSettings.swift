/// The `logs:` section: where the Jitsi host keeps its logs and how long.
public struct LogSettings: Sendable, Hashable {
    /// Rotated logs older than this are deleted by `vigie logs purge` (RGPD: as short as useful).
    public var retentionDays: Int
    /// The only directories `vigie logs purge` may delete in (absolute).
    public var directories: [String]
    /// Where the daily pseudonymisation keys live.
    public var keyDirectory: SitePath?
    /// Keep /24 and /48 network prefixes in pseudonymised addresses.
    public var keepNetworkPrefix: Bool

    public static let defaultRetentionDays = 14

    public init(
        retentionDays: Int = LogSettings.defaultRetentionDays,
        directories: [String] = [],
        keyDirectory: SitePath? = nil,
        keepNetworkPrefix: Bool = false
    ) {
        self.retentionDays = retentionDays
        self.directories = directories
        self.keyDirectory = keyDirectory
        self.keepNetworkPrefix = keepNetworkPrefix
    }
}
