import Foundation
import Synchronization

@testable import VigieCore
@testable import VigieKit

/// A real register seen through a window: counts the manager's lookups of open incidents, and can be
/// taken down (every call throws, as a register that cannot be reached does).
final class ObservedIncidentStore: IncidentStore {
    let base: any IncidentStore
    private let lookups = Atomic<Int>(0)
    private let down = Atomic<Bool>(false)
    private let gate = Mutex(Gate())

    private struct Gate {
        var armed = false
        var held: CheckedContinuation<Void, Never>?
        var waiter: CheckedContinuation<Void, Never>?
    }

    init(_ base: any IncidentStore) { self.base = base }

    /// How many times open incidents were looked up, by key (every `resolve(key:)` is one) or by service.
    var openIncidentLookups: Int { lookups.load(ordering: .relaxed) }

    func setDown(_ value: Bool) { down.store(value, ordering: .relaxed) }

    /// The next lookup by service reads the register, then waits until ``release()`` (to interleave the
    /// manager's calls at that point).
    func holdNextServiceLookup() { gate.withLock { $0.armed = true } }

    /// Returns once a held lookup is waiting.
    func serviceLookupHeld() async {
        await withCheckedContinuation { continuation in
            let now = gate.withLock { gate -> Bool in
                if gate.held != nil { return true }
                gate.waiter = continuation
                return false
            }
            if now { continuation.resume() }
        }
    }

    func release() {
        gate.withLock { gate -> CheckedContinuation<Void, Never>? in
            defer { gate.held = nil }
            return gate.held
        }?.resume()
    }

    private func reachable() throws {
        if down.load(ordering: .relaxed) { throw IncidentStoreError("the test took the register down") }
    }

    func open(
        _ draft: Incident,
        event: IncidentEvent.Kind,
        message: String,
        at: Date,
        audit: AuditRecord?
    ) async throws -> (Incident, created: Bool) {
        try reachable()
        return try await base.open(draft, event: event, message: message, at: at, audit: audit)
    }

    func update(
        id: Int64,
        at: Date,
        event: IncidentEvent.Kind,
        message: String,
        audit: AuditRecord?,
        _ change: @Sendable (inout Incident) -> Void
    ) async throws -> Incident {
        try reachable()
        return try await base.update(id: id, at: at, event: event, message: message, audit: audit, change)
    }

    func addEvent(incidentID: Int64, kind: IncidentEvent.Kind, message: String, at: Date) async throws {
        try reachable()
        try await base.addEvent(incidentID: incidentID, kind: kind, message: message, at: at)
    }

    func incident(id: Int64) async throws -> Incident? {
        try reachable()
        return try await base.incident(id: id)
    }

    func openIncident(key: String) async throws -> Incident? {
        try reachable()
        lookups.add(1, ordering: .relaxed)
        return try await base.openIncident(key: key)
    }

    func incidents(includeResolved: Bool, limit: Int) async throws -> [Incident] {
        try reachable()
        return try await base.incidents(includeResolved: includeResolved, limit: limit)
    }

    func openIncidents(service: String) async throws -> [Incident] {
        try reachable()
        lookups.add(1, ordering: .relaxed)
        let found = try await base.openIncidents(service: service)
        if gate.withLock({ $0.armed }) {
            await withCheckedContinuation { continuation in
                let waiter = gate.withLock { gate -> CheckedContinuation<Void, Never>? in
                    gate.armed = false
                    gate.held = continuation
                    defer { gate.waiter = nil }
                    return gate.waiter
                }
                waiter?.resume()
            }
        }
        return found
    }

    func events(incidentID: Int64) async throws -> [IncidentEvent] {
        try reachable()
        return try await base.events(incidentID: incidentID)
    }

    func appendAudit(_ entry: AuditEntry) async throws {
        try reachable()
        try await base.appendAudit(entry)
    }

    func auditEntries(limit: Int) async throws -> [AuditEntry] {
        try reachable()
        return try await base.auditEntries(limit: limit)
    }

    func setHold(service: String, held: Bool, at: Date, by actor: String, audit: AuditEntry?) async throws {
        try reachable()
        try await base.setHold(service: service, held: held, at: at, by: actor, audit: audit)
    }

    func holds() async throws -> Set<String> {
        try reachable()
        return try await base.holds()
    }
}
