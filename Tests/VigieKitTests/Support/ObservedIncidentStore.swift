import Foundation
import Synchronization

@testable import VigieCore
@testable import VigieKit

/// A real register seen through a window: counts the manager's queries for one open incident, and can
/// hold a list of the open incidents until the test lets it go (to interleave the manager's calls).
final class ObservedIncidentStore: IncidentStore {
    let base: any IncidentStore
    private let lookups = Atomic<Int>(0)
    private let gate = Mutex<
        (armed: Bool, entered: [CheckedContinuation<Void, Never>], held: CheckedContinuation<Void, Never>?)
    >(
        (false, [], nil)
    )

    private let down = Atomic<Bool>(false)

    init(_ base: any IncidentStore) { self.base = base }

    /// While down, every call throws, as a register that cannot be reached does.
    func setDown(_ value: Bool) { down.store(value, ordering: .relaxed) }

    private func reachable() throws {
        if down.load(ordering: .relaxed) { throw IncidentStoreError("the test took the register down") }
    }

    /// How many times open incidents were looked up, by key (every `resolve(key:)` is one) or by service.
    var openIncidentLookups: Int { lookups.load(ordering: .relaxed) }

    /// The next list of open incidents waits in the register until ``release()``.
    func holdNextList() { gate.withLock { $0.armed = true } }

    /// Returns once a held list has been asked for.
    func listHeld() async {
        await withCheckedContinuation { continuation in
            let now = gate.withLock { state -> Bool in
                if state.held != nil { return true }
                state.entered.append(continuation)
                return false
            }
            if now { continuation.resume() }
        }
    }

    func release() {
        gate.withLock { state -> CheckedContinuation<Void, Never>? in
            defer { state.held = nil }
            return state.held
        }?.resume()
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
        let list = try await base.incidents(includeResolved: includeResolved, limit: limit)
        let hold = gate.withLock { state -> Bool in
            defer { state.armed = false }
            return state.armed
        }
        if hold {
            await withCheckedContinuation { continuation in
                let waiting = gate.withLock { state -> [CheckedContinuation<Void, Never>] in
                    state.held = continuation
                    defer { state.entered = [] }
                    return state.entered
                }
                waiting.forEach { $0.resume() }
            }
        }
        return list
    }

    func openIncidents(service: String) async throws -> [Incident] {
        try reachable()
        lookups.add(1, ordering: .relaxed)
        return try await base.openIncidents(service: service)
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
