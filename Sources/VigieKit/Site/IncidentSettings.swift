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

    public init(database: DatabaseConfiguration? = nil, openAfter: Int = 3, closeAfter: Int = 2, significantAfter: Duration? = nil) {
        self.database = database
        self.openAfter = openAfter
        self.closeAfter = closeAfter
        self.significantAfter = significantAfter
    }
}

/// The `webhook:` section: Alertmanager's bearer token.
public struct WebhookSettings: Sendable, Hashable {
    /// The file the token was read from.
    public var tokenFile: String
    public var token: String

    public init(tokenFile: String, token: String) {
        self.tokenFile = tokenFile
        self.token = token
    }
}
