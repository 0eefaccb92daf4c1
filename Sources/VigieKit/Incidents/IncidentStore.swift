public import struct Foundation.Date
public import VigieCore

// The incident register's interface. Two backends implement it and pass the same test suite:
// SQLite through GRDB (the embedded default, one file under the data directory) and PostgreSQL
// through postgres-nio (one register shared by several agents). Every write is one transaction,
// committed before the call returns: what a caller was told is stored survives a SIGKILL.

/// Where incidents, their timelines, the audit log and watchdog holds are kept.
public protocol IncidentStore: Sendable {
    /// Opens an incident for `draft.key`, or, when one is already open for that cause, adds the
    /// event to it (one open incident per cause).
    ///
    /// With `audit`, the audit entry of the action is written in the same transaction: the action is
    /// never in the register without its audit entry, nor the entry without the action.
    ///
    /// - Returns: the incident, and whether it was created by this call.
    func open(
        _ draft: Incident,
        event: IncidentEvent.Kind,
        message: String,
        at: Date,
        audit: AuditRecord?
    ) async throws -> (Incident, created: Bool)

    /// Changes an incident and records why in its timeline (and, with `audit`, in the audit log), in one transaction.
    func update(
        id: Int64,
        at: Date,
        event: IncidentEvent.Kind,
        message: String,
        audit: AuditRecord?,
        _ change: @Sendable (inout Incident) -> Void
    ) async throws -> Incident

    /// Adds a line to an incident's timeline.
    func addEvent(incidentID: Int64, kind: IncidentEvent.Kind, message: String, at: Date) async throws

    func incident(id: Int64) async throws -> Incident?
    /// The open incident for a cause, if there is one.
    func openIncident(key: String) async throws -> Incident?
    /// Incidents, newest first.
    func incidents(includeResolved: Bool, limit: Int) async throws -> [Incident]
    /// The open incidents about a service (whatever their cause), oldest first.
    func openIncidents(service: String) async throws -> [Incident]
    /// An incident's timeline, oldest first.
    func events(incidentID: Int64) async throws -> [IncidentEvent]

    func appendAudit(_ entry: AuditEntry) async throws
    /// The audit log, newest first.
    func auditEntries(limit: Int) async throws -> [AuditEntry]

    /// Sets or lifts a hold, with its audit entry in the same transaction.
    func setHold(service: String, held: Bool, at: Date, by actor: String, audit: AuditEntry?) async throws
    func holds() async throws -> Set<String>
}

/// The audit entry of an action on an incident, made from the incident once the action is applied
/// (its number is known only then, for an incident being opened).
public typealias AuditRecord = @Sendable (Incident) -> AuditEntry

extension IncidentStore {
    public func open(
        _ draft: Incident,
        event: IncidentEvent.Kind,
        message: String,
        at: Date
    ) async throws -> (Incident, created: Bool) {
        try await open(draft, event: event, message: message, at: at, audit: nil)
    }

    public func update(
        id: Int64,
        at: Date,
        event: IncidentEvent.Kind,
        message: String,
        _ change: @Sendable (inout Incident) -> Void
    ) async throws -> Incident {
        try await update(id: id, at: at, event: event, message: message, audit: nil, change)
    }

    public func setHold(service: String, held: Bool, at: Date, by actor: String) async throws {
        try await setHold(service: service, held: held, at: at, by: actor, audit: nil)
    }

    /// Resolves the open incident of a cause, if there is one.
    @discardableResult
    public func resolve(key: String, at: Date, message: String) async throws -> Incident? {
        guard let open = try await openIncident(key: key) else { return nil }
        return try await update(id: open.id, at: at, event: .resolved, message: message) { $0.resolvedAt = at }
    }

    /// Resolves an incident by hand (a resolved incident stays resolved; the note is still recorded).
    public func resolve(id: Int64, at: Date, message: String, audit: AuditRecord? = nil) async throws -> Incident {
        try await update(id: id, at: at, event: .resolved, message: message, audit: audit) { incident in
            if incident.resolvedAt == nil { incident.resolvedAt = at }
        }
    }

    public func acknowledge(id: Int64, at: Date, by actor: String, audit: AuditRecord? = nil) async throws -> Incident {
        try await update(
            id: id,
            at: at,
            event: .acknowledged,
            message: TimelineText.acknowledged(by: actor),
            audit: audit
        ) { incident in
            if incident.acknowledgedAt == nil { incident.acknowledgedAt = at }
        }
    }
}
