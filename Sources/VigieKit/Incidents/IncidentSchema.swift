import VigieCore

// The register's tables, for both backends. Times are Unix seconds (double precision), which both
// SQLite and PostgreSQL store exactly enough and compare natively.

enum IncidentSchema {
    enum Dialect {
        case sqlite
        case postgres

        var primaryKey: String {
            switch self {
            case .sqlite: "INTEGER PRIMARY KEY AUTOINCREMENT"
            case .postgres: "BIGSERIAL PRIMARY KEY"
            }
        }
    }

    /// The migrations, oldest first: migration n (1-based) brings a register from schema n - 1 to n.
    /// A register is never changed in place otherwise; a new column or index is a new migration here,
    /// and IncidentStoreTests opens a register written at each earlier schema.
    static func migrations(_ dialect: Dialect) -> [[String]] {
        [version1(dialect), version2(dialect)]
    }

    /// The schema this build writes.
    static let currentVersion = 2

    /// Migration 2: the open incidents of a service, found by an index (every recovery asks for them).
    static func version2(_ dialect: Dialect) -> [String] {
        ["CREATE INDEX incident_open_service ON incident (service) WHERE resolved_at IS NULL"]
    }

    /// Migration 1, statement by statement.
    static func version1(_ dialect: Dialect) -> [String] {
        [
            """
            CREATE TABLE incident (
                id \(dialect.primaryKey),
                key TEXT NOT NULL,
                service TEXT NOT NULL,
                severity TEXT NOT NULL,
                title TEXT NOT NULL,
                source TEXT NOT NULL,
                detected_at DOUBLE PRECISION NOT NULL,
                acknowledged_at DOUBLE PRECISION,
                resolved_at DOUBLE PRECISION,
                significant_at DOUBLE PRECISION,
                personal_data_breach_at DOUBLE PRECISION,
                notified_at DOUBLE PRECISION,
                impact TEXT,
                cause TEXT,
                remediation TEXT
            )
            """,
            // One open incident per cause, enforced by the database itself.
            "CREATE UNIQUE INDEX incident_open_key ON incident (key) WHERE resolved_at IS NULL",
            """
            CREATE TABLE incident_event (
                id \(dialect.primaryKey),
                incident_id BIGINT NOT NULL REFERENCES incident (id),
                at DOUBLE PRECISION NOT NULL,
                kind TEXT NOT NULL,
                message TEXT NOT NULL
            )
            """,
            "CREATE INDEX incident_event_incident ON incident_event (incident_id)",
            """
            CREATE TABLE audit (
                id \(dialect.primaryKey),
                at DOUBLE PRECISION NOT NULL,
                actor TEXT NOT NULL,
                action TEXT NOT NULL,
                target TEXT NOT NULL,
                result TEXT NOT NULL
            )
            """,
            """
            CREATE TABLE watchdog_hold (
                service TEXT PRIMARY KEY,
                at DOUBLE PRECISION NOT NULL,
                actor TEXT NOT NULL
            )
            """,
        ]
    }

    static let incidentColumns =
        "id, key, service, severity, title, source, detected_at, acknowledged_at, resolved_at, "
        + "significant_at, personal_data_breach_at, notified_at, impact, cause, remediation"
}
