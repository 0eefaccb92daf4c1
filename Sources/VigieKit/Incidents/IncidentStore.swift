import struct Foundation.Date

// The incident register's interface. Two backends implement it and pass the same test suite:
// SQLite through GRDB (the embedded default, one file under the data directory) and PostgreSQL
// through postgres-nio (one register shared by several agents). Every write is one transaction,
// committed before the call returns: what a caller was told is stored survives a SIGKILL.

/// Where incidents, their timelines, the audit log and watchdog holds are kept.
public protocol IncidentStore: Sendable {
    /// Opens an incident for `draft.key`, or, when one is already open for that cause, adds the
    /// event to it (one open incident per cause).
    ///
    /// - Returns: the incident, and whether it was created by this call.
    func open(_ draft: Incident, event: IncidentEvent.Kind, message: String, at: Date) async throws -> (Incident, created: Bool)

    /// Changes an incident and records why in its timeline, in one transaction.
    func update(
        id: Int64,
        at: Date,
        event: IncidentEvent.Kind,
        message: String,
        _ change: @Sendable (inout Incident) -> Void
    ) async throws -> Incident

    /// Adds a line to an incident's timeline.
    func addEvent(incidentID: Int64, kind: IncidentEvent.Kind, message: String, at: Date) async throws

    func incident(id: Int64) async throws -> Incident?
    /// The open incident for a cause, if there is one.
    func openIncident(key: String) async throws -> Incident?
    /// Incidents, newest first.
    func incidents(includeResolved: Bool, limit: Int) async throws -> [Incident]
    /// An incident's timeline, oldest first.
    func events(incidentID: Int64) async throws -> [IncidentEvent]

    func appendAudit(_ entry: AuditEntry) async throws
    /// The audit log, newest first.
    func auditEntries(limit: Int) async throws -> [AuditEntry]

    func setHold(service: String, held: Bool, at: Date, by actor: String) async throws
    func holds() async throws -> Set<String>
}

/// What the register refuses.
public struct IncidentStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }

    public static func noSuchIncident(_ id: Int64) -> IncidentStoreError {
        IncidentStoreError("no incident #\(id) in the register")
    }
}

extension IncidentStore {
    /// Resolves the open incident of a cause, if there is one.
    @discardableResult
    public func resolve(key: String, at: Date, message: String) async throws -> Incident? {
        guard let open = try await openIncident(key: key) else { return nil }
        return try await update(id: open.id, at: at, event: .resolved, message: message) { $0.resolvedAt = at }
    }

    /// Resolves an incident by hand (a resolved incident stays resolved; the note is still recorded).
    public func resolve(id: Int64, at: Date, message: String) async throws -> Incident {
        try await update(id: id, at: at, event: .resolved, message: message) { incident in
            if incident.resolvedAt == nil { incident.resolvedAt = at }
        }
    }

    public func acknowledge(id: Int64, at: Date, by actor: String) async throws -> Incident {
        try await update(id: id, at: at, event: .acknowledged, message: "acknowledged by \(actor)") { incident in
            if incident.acknowledgedAt == nil { incident.acknowledgedAt = at }
        }
    }
}
