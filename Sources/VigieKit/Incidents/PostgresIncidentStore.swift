public import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO
public import ServiceLifecycle

public import struct Foundation.Date
public import VigieCore

/// The incident register in PostgreSQL, for several agents sharing one register.
///
/// The client is a ServiceLifecycle service: run it (``run()``) for as long as the store is used;
/// ``withStore(_:logger:_:)`` does that for a command.
public final class PostgresIncidentStore: IncidentStore, ServiceLifecycle.Service {
    let client: PostgresClient
    let logger: Logger
    let endpoint: String
    /// The pool waits for a connection as long as it takes; the register does not.
    let operationTimeout: Duration

    public init(configuration: DatabaseConfiguration, logger: Logger = Logger(label: "vigie.incidents")) {
        var config = PostgresClient.Configuration(
            host: configuration.host,
            port: configuration.port,
            username: configuration.username,
            password: configuration.password,
            database: configuration.database,
            tls: Self.clientTLS(configuration.sslMode)
        )
        config.options.connectTimeout = .seconds(10)
        config.options.maximumConnections = 8
        self.client = PostgresClient(configuration: config, backgroundLogger: logger)
        self.logger = logger
        self.endpoint = "\(configuration.host):\(configuration.port)"
        self.operationTimeout = configuration.timeout
    }

    /// The driver's TLS setting for the site's `sslmode`.
    static func clientTLS(_ mode: DatabaseConfiguration.SSLMode) -> PostgresClient.Configuration.TLS {
        switch mode {
        case .disable: .disable
        case .prefer: .prefer(.makeClientConfiguration())
        case .require: .require(.makeClientConfiguration())
        }
    }

    /// One connection, opened and closed, before a command starts the pool: the pool retries a refused
    /// connection or login until the deadline, so its error would say only that it did not answer. This
    /// says at once what the server said (no such database, a refused password) or that nothing listens.
    static func probe(_ configuration: DatabaseConfiguration, logger: Logger) async throws {
        let endpoint = "\(configuration.host):\(configuration.port)"
        let tls: PostgresConnection.Configuration.TLS
        do {
            switch configuration.sslMode {
            case .disable: tls = .disable
            case .prefer: tls = .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
            case .require: tls = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
            }
        } catch {
            throw IncidentStoreError("cannot set up TLS for PostgreSQL at \(endpoint): \(error)", code: .configuration)
        }
        var connection = PostgresConnection.Configuration(
            host: configuration.host,
            port: configuration.port,
            username: configuration.username,
            password: configuration.password,
            database: configuration.database,
            tls: tls
        )
        connection.options.connectTimeout = TimeAmount.seconds(Int64(configuration.timeout.seconds))
        do {
            let opened = try await PostgresConnection.connect(
                on: MultiThreadedEventLoopGroup.singleton.next(),
                configuration: connection,
                id: 0,
                logger: logger
            ).get()
            try? await opened.close()
        } catch {
            throw IncidentStoreError("PostgreSQL at \(endpoint): \(describe(error))", code: code(error))
        }
    }

    public func run() async {
        await client.run()
    }

    /// Runs the client around `body` and stops it afterwards (for one-shot commands).
    public static func withStore<T: Sendable>(
        _ configuration: DatabaseConfiguration,
        logger: Logger = Logger(label: "vigie.incidents"),
        _ body: @Sendable (PostgresIncidentStore) async throws -> T
    ) async throws -> T {
        try await withStore(configuration, logger: logger, schemaVersion: nil, body)
    }

    /// `withStore` with the schema brought only up to `schemaVersion` (tests write earlier registers).
    static func withStore<T: Sendable>(
        _ configuration: DatabaseConfiguration,
        logger: Logger,
        schemaVersion: Int?,
        _ body: @Sendable (PostgresIncidentStore) async throws -> T
    ) async throws -> T {
        try await probe(configuration, logger: logger)
        let store = PostgresIncidentStore(configuration: configuration, logger: logger)
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                await store.run()
                return nil
            }
            defer { group.cancelAll() }
            try await store.migrate(upTo: schemaVersion)
            return try await body(store)
        }
    }

    /// Creates or upgrades the schema, one migration after another in one transaction; an advisory lock
    /// keeps two agents from doing it at once. A register of a newer schema is refused, never touched.
    /// - Parameter upTo: Stop at this schema (tests write registers of an earlier one).
    public func migrate(upTo: Int? = nil) async throws {
        let logger = self.logger
        do {
            try await transaction { connection in
                try await connection.query("SELECT pg_advisory_xact_lock(84770001)", logger: logger)
                try await connection.query(
                    "CREATE TABLE IF NOT EXISTS vigie_schema (version INTEGER NOT NULL)",
                    logger: logger
                )
                var version = 0
                for try await row in try await connection.query("SELECT version FROM vigie_schema", logger: logger) {
                    version = max(version, try row.makeRandomAccess()["version"].decode(Int.self))
                }
                let current = IncidentSchema.currentVersion
                guard version <= current else {
                    throw IncidentStoreError(
                        "the register was written by a newer Vigie (schema \(version), this one knows up to \(current)): "
                            + "run that version of Vigie or a newer one (a register is never migrated down)",
                        code: .schema
                    )
                }
                let migrations = IncidentSchema.migrations(.postgres).prefix(upTo ?? current)
                for (index, statements) in migrations.enumerated() where index + 1 > version {
                    for statement in statements {
                        try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                    }
                    try await connection.query("DELETE FROM vigie_schema", logger: logger)
                    try await connection.query(
                        "INSERT INTO vigie_schema (version) VALUES (\(index + 1))",
                        logger: logger
                    )
                }
            }
        } catch let error as IncidentStoreError {
            throw IncidentStoreError("cannot prepare the PostgreSQL incident register: \(error)", code: error.code)
        }
    }

    /// The schema the register is at (0 before the first migration).
    func schemaVersion() async throws -> Int {
        try await transaction { connection in
            var version = 0
            for try await row in try await connection.query("SELECT version FROM vigie_schema", logger: self.logger) {
                version = max(version, try row.makeRandomAccess()["version"].decode(Int.self))
            }
            return version
        }
    }

    public func open(
        _ draft: Incident,
        event: IncidentEvent.Kind,
        message: String,
        at: Date,
        audit: AuditRecord?
    ) async throws -> (Incident, created: Bool) {
        try await transaction { connection in
            // Serialises opens of one cause across agents; the unique index is the last guard.
            try await connection.query("SELECT pg_advisory_xact_lock(hashtext(\(draft.key)))", logger: self.logger)
            if let existing = try await self.fetchIncident(
                connection,
                "WHERE key = \(draft.key) AND resolved_at IS NULL"
            ) {
                try await self.insertEvent(connection, incidentID: existing.id, kind: event, message: message, at: at)
                if let audit { try await self.insertAudit(connection, audit(existing)) }
                return (existing, false)
            }
            var incident = draft
            let rows = try await connection.query(
                """
                INSERT INTO incident (key, service, severity, title, source, detected_at, acknowledged_at, resolved_at,
                    significant_at, personal_data_breach_at, notified_at, impact, cause, remediation)
                VALUES (\(draft.key), \(draft.service), \(draft.severity.rawValue), \(draft.title), \(draft.source.rawValue),
                    \(draft.detectedAt.timeIntervalSince1970), \(draft.acknowledgedAt?.timeIntervalSince1970),
                    \(draft.resolvedAt?.timeIntervalSince1970), \(draft.significantAt?.timeIntervalSince1970),
                    \(draft.personalDataBreachAt?.timeIntervalSince1970), \(draft.notifiedAt?.timeIntervalSince1970),
                    \(draft.impact), \(draft.cause), \(draft.remediation))
                RETURNING id
                """,
                logger: self.logger
            )
            for try await row in rows { incident.id = try row.makeRandomAccess()["id"].decode(Int64.self) }
            try await self.insertEvent(connection, incidentID: incident.id, kind: .opened, message: message, at: at)
            if let audit { try await self.insertAudit(connection, audit(incident)) }
            return (incident, true)
        }
    }

    public func update(
        id: Int64,
        at: Date,
        event: IncidentEvent.Kind,
        message: String,
        audit: AuditRecord?,
        _ change: @Sendable (inout Incident) -> Void
    ) async throws -> Incident {
        // The transaction runs under a deadline in a child task that ends before this call returns.
        try await withoutActuallyEscaping(change) { change in
            try await update(id: id, at: at, event: event, message: message, audit: audit, escaping: change)
        }
    }

    private func update(
        id: Int64,
        at: Date,
        event: IncidentEvent.Kind,
        message: String,
        audit: AuditRecord?,
        escaping change: @escaping @Sendable (inout Incident) -> Void
    ) async throws -> Incident {
        try await transaction { connection in
            guard var incident = try await self.fetchIncident(connection, "WHERE id = \(id) FOR UPDATE") else {
                throw IncidentStoreError.noSuchIncident(id)
            }
            change(&incident)
            try await connection.query(
                """
                UPDATE incident SET key = \(incident.key), service = \(incident.service),
                    severity = \(incident.severity.rawValue), title = \(incident.title), source = \(incident.source.rawValue),
                    detected_at = \(incident.detectedAt.timeIntervalSince1970),
                    acknowledged_at = \(incident.acknowledgedAt?.timeIntervalSince1970),
                    resolved_at = \(incident.resolvedAt?.timeIntervalSince1970),
                    significant_at = \(incident.significantAt?.timeIntervalSince1970),
                    personal_data_breach_at = \(incident.personalDataBreachAt?.timeIntervalSince1970),
                    notified_at = \(incident.notifiedAt?.timeIntervalSince1970),
                    impact = \(incident.impact), cause = \(incident.cause), remediation = \(incident.remediation)
                WHERE id = \(id)
                """,
                logger: self.logger
            )
            try await self.insertEvent(connection, incidentID: id, kind: event, message: message, at: at)
            if let audit { try await self.insertAudit(connection, audit(incident)) }
            return incident
        }
    }

    public func addEvent(incidentID: Int64, kind: IncidentEvent.Kind, message: String, at: Date) async throws {
        try await transaction { connection in
            guard try await self.fetchIncident(connection, "WHERE id = \(incidentID)") != nil else {
                throw IncidentStoreError.noSuchIncident(incidentID)
            }
            try await self.insertEvent(connection, incidentID: incidentID, kind: kind, message: message, at: at)
        }
    }

    public func incident(id: Int64) async throws -> Incident? {
        try await transaction { connection in try await self.fetchIncident(connection, "WHERE id = \(id)") }
    }

    public func openIncident(key: String) async throws -> Incident? {
        try await transaction { connection in
            try await self.fetchIncident(connection, "WHERE key = \(key) AND resolved_at IS NULL")
        }
    }

    public func incidents(includeResolved: Bool, limit: Int) async throws -> [Incident] {
        try await transaction { connection in
            let query: PostgresQuery =
                includeResolved
                ? "SELECT \(unescaped: IncidentSchema.incidentColumns) FROM incident ORDER BY id DESC LIMIT \(limit)"
                : "SELECT \(unescaped: IncidentSchema.incidentColumns) FROM incident WHERE resolved_at IS NULL ORDER BY id DESC LIMIT \(limit)"
            var incidents: [Incident] = []
            for try await row in try await connection.query(query, logger: self.logger) {
                incidents.append(try Self.incident(row.makeRandomAccess()))
            }
            return incidents
        }
    }

    public func openIncidents(service: String) async throws -> [Incident] {
        try await transaction { connection in
            let query: PostgresQuery =
                "SELECT \(unescaped: IncidentSchema.incidentColumns) FROM incident WHERE resolved_at IS NULL AND service = \(service) ORDER BY id"
            var incidents: [Incident] = []
            for try await row in try await connection.query(query, logger: self.logger) {
                incidents.append(try Self.incident(row.makeRandomAccess()))
            }
            return incidents
        }
    }

    public func events(incidentID: Int64) async throws -> [IncidentEvent] {
        try await transaction { connection in
            var events: [IncidentEvent] = []
            let rows = try await connection.query(
                "SELECT id, incident_id, at, kind, message FROM incident_event WHERE incident_id = \(incidentID) ORDER BY at, id",
                logger: self.logger
            )
            for try await row in rows {
                let cells = row.makeRandomAccess()
                events.append(
                    IncidentEvent(
                        id: try cells["id"].decode(Int64.self),
                        incidentID: try cells["incident_id"].decode(Int64.self),
                        at: Date(timeIntervalSince1970: try cells["at"].decode(Double.self)),
                        kind: try IncidentStoreError.decode(
                            IncidentEvent.Kind.self,
                            try cells["kind"].decode(String.self),
                            column: "kind",
                            row: try cells["id"].decode(Int64.self)
                        ),
                        message: try cells["message"].decode(String.self)
                    )
                )
            }
            return events
        }
    }

    public func appendAudit(_ entry: AuditEntry) async throws {
        try await transaction { connection in try await self.insertAudit(connection, entry) }
    }

    func insertAudit(_ connection: PostgresConnection, _ entry: AuditEntry) async throws {
        try await connection.query(
            """
            INSERT INTO audit (at, actor, action, target, result)
            VALUES (\(entry.at.timeIntervalSince1970), \(entry.actor), \(entry.action), \(entry.target), \(entry.result))
            """,
            logger: self.logger
        )
    }

    public func auditEntries(limit: Int) async throws -> [AuditEntry] {
        try await transaction { connection in
            var entries: [AuditEntry] = []
            let rows = try await connection.query(
                "SELECT id, at, actor, action, target, result FROM audit ORDER BY id DESC LIMIT \(limit)",
                logger: self.logger
            )
            for try await row in rows {
                let cells = row.makeRandomAccess()
                entries.append(
                    AuditEntry(
                        id: try cells["id"].decode(Int64.self),
                        at: Date(timeIntervalSince1970: try cells["at"].decode(Double.self)),
                        actor: try cells["actor"].decode(String.self),
                        action: try cells["action"].decode(String.self),
                        target: try cells["target"].decode(String.self),
                        result: try cells["result"].decode(String.self)
                    )
                )
            }
            return entries
        }
    }

    public func setHold(service: String, held: Bool, at: Date, by actor: String, audit: AuditEntry?) async throws {
        try await transaction { connection in
            if let audit { try await self.insertAudit(connection, audit) }
            if held {
                try await connection.query(
                    """
                    INSERT INTO watchdog_hold (service, at, actor) VALUES (\(service), \(at.timeIntervalSince1970), \(actor))
                    ON CONFLICT (service) DO NOTHING
                    """,
                    logger: self.logger
                )
            } else {
                try await connection.query("DELETE FROM watchdog_hold WHERE service = \(service)", logger: self.logger)
            }
        }
    }

    public func holds() async throws -> Set<String> {
        try await transaction { connection in
            var services: Set<String> = []
            for try await row in try await connection.query("SELECT service FROM watchdog_hold", logger: self.logger) {
                services.insert(try row.makeRandomAccess()["service"].decode(String.self))
            }
            return services
        }
    }

    // MARK: helpers

    func transaction<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T
    {
        do {
            let client = self.client
            let logger = self.logger
            guard
                let value = try await Deadline.run(
                    until: .now + operationTimeout,
                    {
                        try await client.withTransaction(logger: logger) { connection in try await body(connection) }
                    }
                )
            else {
                throw IncidentStoreError(
                    "PostgreSQL at \(endpoint) did not answer in \(DurationText.format(operationTimeout))"
                )
            }
            return value
        } catch let error as IncidentStoreError {
            throw error
        } catch let error as PostgresTransactionError {
            if let inner = error.closureError as? IncidentStoreError { throw inner }
            throw IncidentStoreError("PostgreSQL at \(endpoint): \(Self.describe(error))", code: Self.code(error))
        } catch {
            throw IncidentStoreError("PostgreSQL at \(endpoint): \(Self.describe(error))", code: Self.code(error))
        }
    }

    /// A refused login or a database that does not exist is the site file's mistake; the rest is of the moment.
    static func code(_ error: any Error) -> IncidentStoreError.Code {
        if let transaction = error as? PostgresTransactionError {
            return code(
                transaction.closureError ?? transaction.beginError ?? transaction.commitError ?? transaction
                    .rollbackError ?? error
            )
        }
        if let psql = error as? PSQLError, psql.code == .sslUnsupported { return .configuration }
        guard let psql = error as? PSQLError, let state = psql.serverInfo?[.sqlState] else { return .unavailable }
        // 28xxx: invalid authorization (a wrong password, no such role); 3D000: no such database.
        return state.hasPrefix("28") || state == "3D000" ? .configuration : .unavailable
    }

    static func describe(_ error: any Error) -> String {
        if let transaction = error as? PostgresTransactionError {
            return describe(
                transaction.closureError ?? transaction.beginError ?? transaction.commitError ?? transaction
                    .rollbackError ?? error
            )
        }
        if let psql = error as? PSQLError {
            if let message = psql.serverInfo?[.message] { return message }
            if psql.code == .sslUnsupported {
                return
                    "the server does not offer TLS, which sslmode=require asks for (use sslmode=prefer or disable, or turn ssl on in the server)"
            }
            if psql.code == .serverClosedConnection {
                return "the server closed the connection (is it PostgreSQL on that port?)"
            }
            if psql.code == .connectionError, let underlying = psql.underlying {
                // NIO's "connection reset (error set): Connection refused (errno: 111)" → its last part, as an administrator reads it.
                if let io = underlying as? IOError {
                    return "cannot connect: \(String(cString: strerror(io.errnoCode)).lowercased())"
                }
                if let connect = underlying as? NIOConnectionError, let first = connect.connectionErrors.first {
                    if let io = first.error as? IOError {
                        return "cannot connect: \(String(cString: strerror(io.errnoCode)).lowercased())"
                    }
                    return "cannot connect: \(first.error)"
                }
                return "cannot connect: \(underlying)"
            }
            return "\(psql.code)"
        }
        return "\(error)"
    }

    func insertEvent(
        _ connection: PostgresConnection,
        incidentID: Int64,
        kind: IncidentEvent.Kind,
        message: String,
        at: Date
    ) async throws {
        try await connection.query(
            """
            INSERT INTO incident_event (incident_id, at, kind, message)
            VALUES (\(incidentID), \(at.timeIntervalSince1970), \(kind.rawValue), \(message))
            """,
            logger: logger
        )
    }

    func fetchIncident(_ connection: PostgresConnection, _ filter: PostgresQuery) async throws -> Incident? {
        // The fragment carries its own binds ($1…); the prefix has none, so it is prepended as is.
        var query = filter
        query.sql = "SELECT \(IncidentSchema.incidentColumns) FROM incident " + filter.sql
        for try await row in try await connection.query(query, logger: logger) {
            return try Self.incident(row.makeRandomAccess())
        }
        return nil
    }

    static func incident(_ cells: PostgresRandomAccessRow) throws -> Incident {
        func date(_ column: String) throws -> Date? {
            try cells[column].decode(Double?.self).map(Date.init(timeIntervalSince1970:))
        }
        return Incident(
            id: try cells["id"].decode(Int64.self),
            key: try cells["key"].decode(String.self),
            service: try cells["service"].decode(String.self),
            severity: try IncidentStoreError.decode(
                Incident.Severity.self,
                try cells["severity"].decode(String.self),
                column: "severity",
                row: try cells["id"].decode(Int64.self)
            ),
            title: try cells["title"].decode(String.self),
            source: try IncidentStoreError.decode(
                Incident.Source.self,
                try cells["source"].decode(String.self),
                column: "source",
                row: try cells["id"].decode(Int64.self)
            ),
            detectedAt: try date("detected_at") ?? Date(timeIntervalSince1970: 0),
            acknowledgedAt: try date("acknowledged_at"),
            resolvedAt: try date("resolved_at"),
            significantAt: try date("significant_at"),
            personalDataBreachAt: try date("personal_data_breach_at"),
            notifiedAt: try date("notified_at"),
            impact: try cells["impact"].decode(String?.self),
            cause: try cells["cause"].decode(String?.self),
            remediation: try cells["remediation"].decode(String?.self)
        )
    }
}
