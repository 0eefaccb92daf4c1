/// The `incidents:` section: the register and the rules that open, close and escalate incidents.
public struct IncidentSettings: Sendable {
    /// A PostgreSQL register; `nil`: the SQLite file in the data directory.
    public var database: DatabaseConfiguration?
    /// Consecutive failed runs of a check that open an incident.
    public var openAfter: Int
    /// Consecutive passed runs that close it (hysteresis: a flapping check does not open and close endlessly).
    public var closeAfter: Int
    /// An incident still open after this long becomes significant (NIS2 clocks start); `nil`: only by hand.
    public var significantAfter: Duration?
    /// The file that holds the PostgreSQL password, read on the host (`vigie serve`, `vigie incident`).
    public var passwordFile: SitePath?

    public init(
        database: DatabaseConfiguration? = nil,
        openAfter: Int = 3,
        closeAfter: Int = 2,
        significantAfter: Duration? = nil
    ) {
        self.database = database
        self.openAfter = openAfter
        self.closeAfter = closeAfter
        self.significantAfter = significantAfter
    }
}

/// The `webhook:` section: Alertmanager's bearer token.
public struct WebhookSettings: Sendable, Hashable {
    /// The file that holds the token on the host (Alertmanager reads it too).
    public var tokenFile: SitePath
    /// The token, once the host's files are resolved (`Site.resolving(_:reader:)` (VigieKit)); `nil` until then,
    /// and the webhook refuses every request while it is.
    public var token: String?

    public static let minimumTokenLength = 16

    public init(tokenFile: SitePath, token: String? = nil) {
        self.tokenFile = tokenFile
        self.token = token
    }
}
