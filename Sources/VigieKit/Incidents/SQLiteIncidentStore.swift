public import Foundation
import GRDB
public import VigieCore

/// The incident register in one SQLite file (WAL, synchronous=FULL), through GRDB.
public final class SQLiteIncidentStore: IncidentStore {
    private let pool: DatabasePool
    public let path: String

    /// Opens (creating if needed) the register at `path` and brings its schema up to date.
    ///
    /// - Throws: ``IncidentStoreError`` naming the file when it cannot be opened.
    /// - Parameter create: Make the file when there is none (the agent, commands that write). Reading
    ///   commands pass `false`: a mistyped directory is an error, not a new empty register.
    public convenience init(path: String, create: Bool = true) throws {
        try self.init(path: path, create: create, schemaVersion: IncidentSchema.currentVersion)
    }

    /// Opens the register with the migrations up to `schemaVersion` only (tests write earlier registers).
    init(path: String, create: Bool, schemaVersion: Int) throws {
        self.path = path
        if !create, !FileManager.default.fileExists(atPath: path) {
            throw IncidentStoreError(
                "no incident register at \(PrintableText.escaped(path)) (is --data-dir right? `vigie serve` creates it)",
                code: .notFound
            )
        }
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            // FULL: a commit is on disk before the caller hears of it (WAL alone survives a crash of
            // the process; FULL also a crash of the machine).
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try db.execute(sql: "PRAGMA foreign_keys = ON")
        }
        do {
            try FileManager.default.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent,
                withIntermediateDirectories: true
            )
            pool = try DatabasePool(path: path, configuration: configuration)
            let migrator = Self.migrator(upTo: schemaVersion)
            if try pool.read({ try migrator.hasBeenSuperseded($0) }) {
                throw IncidentStoreError(
                    "the incident register \(PrintableText.escaped(path)) was written by a newer Vigie (schema above "
                        + "\(schemaVersion)): run that version of Vigie or a newer one (a register is never migrated down)",
                    code: .schema
                )
            }
            try migrator.migrate(pool)
        } catch let error as IncidentStoreError {
            throw error
        } catch {
            throw IncidentStoreError("cannot open the incident register \(path): \(error)")
        }
    }

    /// The schema the register is at: how many of the migrations `v1`, `v2`… it has applied.
    func schemaVersion() async throws -> Int {
        try await pool.read { db in try Self.migrator(upTo: IncidentSchema.currentVersion).appliedIdentifiers(db).count
        }
    }

    /// The register's migrations `v1`…`v<version>` (GRDB records the applied ones in the file).
    static func migrator(upTo version: Int) -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        for (index, statements) in IncidentSchema.migrations(.sqlite).prefix(version).enumerated() {
            migrator.registerMigration("v\(index + 1)") { db in
                for statement in statements { try db.execute(sql: statement) }
            }
        }
        return migrator
    }

    /// The register of a data directory: `<dir>/incidents.sqlite`.
    public convenience init(dataDirectory: String, create: Bool = true) throws {
        try self.init(
            path: URL(fileURLWithPath: dataDirectory).appendingPathComponent("incidents.sqlite").path,
            create: create
        )
    }

    public func open(
        _ draft: Incident,
        event: IncidentEvent.Kind,
        message: String,
        at: Date,
        audit: AuditRecord?
    ) async throws -> (Incident, created: Bool) {
        try await pool.write { db in
            if let existing = try Self.fetchIncident(
                db,
                sql: "WHERE key = ? AND resolved_at IS NULL",
                arguments: [draft.key]
            ) {
                try Self.insertEvent(db, incidentID: existing.id, kind: event, message: message, at: at)
                if let audit { try Self.insertAudit(db, audit(existing)) }
                return (existing, false)
            }
            try db.execute(
                sql: """
                    INSERT INTO incident (key, service, severity, title, source, detected_at, acknowledged_at, resolved_at,
                        significant_at, personal_data_breach_at, notified_at, impact, cause, remediation)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: Self.arguments(draft)
            )
            var incident = draft
            incident.id = db.lastInsertedRowID
            try Self.insertEvent(db, incidentID: incident.id, kind: .opened, message: message, at: at)
            if let audit { try Self.insertAudit(db, audit(incident)) }
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
        try await pool.write { db in
            guard var incident = try Self.fetchIncident(db, sql: "WHERE id = ?", arguments: [id]) else {
                throw IncidentStoreError.noSuchIncident(id)
            }
            change(&incident)
            var arguments = Self.arguments(incident)
            _ = arguments.append(contentsOf: [id])
            try db.execute(
                sql: """
                    UPDATE incident SET key = ?, service = ?, severity = ?, title = ?, source = ?, detected_at = ?,
                        acknowledged_at = ?, resolved_at = ?, significant_at = ?, personal_data_breach_at = ?,
                        notified_at = ?, impact = ?, cause = ?, remediation = ?
                    WHERE id = ?
                    """,
                arguments: arguments
            )
            try Self.insertEvent(db, incidentID: id, kind: event, message: message, at: at)
            if let audit { try Self.insertAudit(db, audit(incident)) }
            return incident
        }
    }

    public func addEvent(incidentID: Int64, kind: IncidentEvent.Kind, message: String, at: Date) async throws {
        try await pool.write { db in
            guard try Int.fetchOne(db, sql: "SELECT 1 FROM incident WHERE id = ?", arguments: [incidentID]) != nil
            else {
                throw IncidentStoreError.noSuchIncident(incidentID)
            }
            try Self.insertEvent(db, incidentID: incidentID, kind: kind, message: message, at: at)
        }
    }

    public func incident(id: Int64) async throws -> Incident? {
        try await pool.read { db in try Self.fetchIncident(db, sql: "WHERE id = ?", arguments: [id]) }
    }

    public func openIncident(key: String) async throws -> Incident? {
        try await pool.read { db in
            try Self.fetchIncident(db, sql: "WHERE key = ? AND resolved_at IS NULL", arguments: [key])
        }
    }

    public func incidents(includeResolved: Bool, limit: Int) async throws -> [Incident] {
        try await pool.read { db in
            let filter = includeResolved ? "" : "WHERE resolved_at IS NULL"
            return try Self.fetchIncidents(db, sql: "\(filter) ORDER BY id DESC LIMIT ?", arguments: [limit])
        }
    }

    public func openIncidents(service: String) async throws -> [Incident] {
        try await pool.read { db in
            try Self.fetchIncidents(
                db,
                sql: "WHERE resolved_at IS NULL AND service = ? ORDER BY id",
                arguments: [service]
            )
        }
    }

    public func events(incidentID: Int64) async throws -> [IncidentEvent] {
        try await pool.read { db in
            try Row.fetchAll(
                db,
                sql:
                    "SELECT id, incident_id, at, kind, message FROM incident_event WHERE incident_id = ? ORDER BY at, id",
                arguments: [incidentID]
            ).map { row in
                IncidentEvent(
                    id: row["id"],
                    incidentID: row["incident_id"],
                    at: Date(timeIntervalSince1970: row["at"]),
                    kind: try IncidentStoreError.decode(
                        IncidentEvent.Kind.self,
                        row["kind"],
                        column: "kind",
                        row: row["id"]
                    ),
                    message: row["message"]
                )
            }
        }
    }

    public func appendAudit(_ entry: AuditEntry) async throws {
        try await pool.write { db in try Self.insertAudit(db, entry) }
    }

    static func insertAudit(_ db: Database, _ entry: AuditEntry) throws {
        try db.execute(
            sql: "INSERT INTO audit (at, actor, action, target, result) VALUES (?, ?, ?, ?, ?)",
            arguments: [entry.at.timeIntervalSince1970, entry.actor, entry.action, entry.target, entry.result]
        )
    }

    public func auditEntries(limit: Int) async throws -> [AuditEntry] {
        try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT id, at, actor, action, target, result FROM audit ORDER BY id DESC LIMIT ?",
                arguments: [limit]
            ).map { row in
                AuditEntry(
                    id: row["id"],
                    at: Date(timeIntervalSince1970: row["at"]),
                    actor: row["actor"],
                    action: row["action"],
                    target: row["target"],
                    result: row["result"]
                )
            }
        }
    }

    public func setHold(service: String, held: Bool, at: Date, by actor: String, audit: AuditEntry?) async throws {
        try await pool.write { db in
            if let audit { try Self.insertAudit(db, audit) }
            if held {
                try db.execute(
                    sql:
                        "INSERT INTO watchdog_hold (service, at, actor) VALUES (?, ?, ?) ON CONFLICT (service) DO NOTHING",
                    arguments: [service, at.timeIntervalSince1970, actor]
                )
            } else {
                try db.execute(sql: "DELETE FROM watchdog_hold WHERE service = ?", arguments: [service])
            }
        }
    }

    public func holds() async throws -> Set<String> {
        try await pool.read { db in Set(try String.fetchAll(db, sql: "SELECT service FROM watchdog_hold")) }
    }

    // MARK: rows

    static func insertEvent(
        _ db: Database,
        incidentID: Int64,
        kind: IncidentEvent.Kind,
        message: String,
        at: Date
    ) throws {
        try db.execute(
            sql: "INSERT INTO incident_event (incident_id, at, kind, message) VALUES (?, ?, ?, ?)",
            arguments: [incidentID, at.timeIntervalSince1970, kind.rawValue, message]
        )
    }

    static func fetchIncident(_ db: Database, sql: String, arguments: StatementArguments) throws -> Incident? {
        try Row.fetchOne(db, sql: "SELECT \(IncidentSchema.incidentColumns) FROM incident \(sql)", arguments: arguments)
            .map { try incident($0) }
    }

    static func fetchIncidents(_ db: Database, sql: String, arguments: StatementArguments) throws -> [Incident] {
        try Row.fetchAll(db, sql: "SELECT \(IncidentSchema.incidentColumns) FROM incident \(sql)", arguments: arguments)
            .map { try incident($0) }
    }

    static func arguments(_ incident: Incident) -> StatementArguments {
        [
            incident.key, incident.service, incident.severity.rawValue, incident.title, incident.source.rawValue,
            incident.detectedAt.timeIntervalSince1970, incident.acknowledgedAt?.timeIntervalSince1970,
            incident.resolvedAt?.timeIntervalSince1970, incident.significantAt?.timeIntervalSince1970,
            incident.personalDataBreachAt?.timeIntervalSince1970, incident.notifiedAt?.timeIntervalSince1970,
            incident.impact, incident.cause, incident.remediation,
        ]
    }

    static func incident(_ row: Row) throws -> Incident {
        func date(_ column: String) -> Date? { (row[column] as Double?).map(Date.init(timeIntervalSince1970:)) }
        return Incident(
            id: row["id"],
            key: row["key"],
            service: row["service"],
            severity: try IncidentStoreError.decode(
                Incident.Severity.self,
                row["severity"],
                column: "severity",
                row: row["id"]
            ),
            title: row["title"],
            source: try IncidentStoreError.decode(
                Incident.Source.self,
                row["source"],
                column: "source",
                row: row["id"]
            ),
            detectedAt: date("detected_at") ?? Date(timeIntervalSince1970: 0),
            acknowledgedAt: date("acknowledged_at"),
            resolvedAt: date("resolved_at"),
            significantAt: date("significant_at"),
            personalDataBreachAt: date("personal_data_breach_at"),
            notifiedAt: date("notified_at"),
            impact: row["impact"],
            cause: row["cause"],
            remediation: row["remediation"]
        )
    }
}
