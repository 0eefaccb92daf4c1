import Foundation
import Testing

@testable import VigieCore
@testable import VigieKit
@testable import VigieLogs
@testable import VigieRender

/// The same suite against both backends: SQLite (GRDB) and the lab's real PostgreSQL 15.
@Suite struct IncidentStoreTests {
    enum Backend: String, CaseIterable, Sendable {
        case sqlite
        case postgres
    }

    /// Runs `body` with a fresh, empty register of the given kind.
    static func withStore(_ backend: Backend, _ body: @Sendable (any IncidentStore) async throws -> Void) async throws {
        switch backend {
        case .sqlite:
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-register-\(UUID())")
            defer { try? FileManager.default.removeItem(at: directory) }
            try await body(try SQLiteIncidentStore(dataDirectory: directory.path))
        case .postgres:
            try await Lab.ready()
            let name = "vigie_test_\(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "_"))"
            let created = try await Shell.run(
                "/usr/bin/psql",
                [
                    "-h", "127.0.0.1", "-p", "\(Lab.postgres)", "-U", "vigie", "-d", "postgres", "-c",
                    "CREATE DATABASE \(name)",
                ]
            )
            try #require(created.status == 0, "\(created.standardError)")
            let configuration = DatabaseConfiguration(
                host: "127.0.0.1",
                port: Lab.postgres,
                username: "vigie",
                database: name
            )
            try await PostgresIncidentStore.withStore(configuration) { store in try await body(store) }
            _ = try await Shell.run(
                "/usr/bin/psql",
                [
                    "-h", "127.0.0.1", "-p", "\(Lab.postgres)", "-U", "vigie", "-d", "postgres", "-c",
                    "DROP DATABASE \(name) WITH (FORCE)",
                ]
            )
        }
    }

    static let t0 = Date(timeIntervalSince1970: 1_795_000_000)

    static func draft(_ key: String = "check:web/https", at: Date = t0) -> Incident {
        Incident(
            key: key,
            service: "web",
            severity: .critical,
            title: "web https failing",
            source: .check,
            detectedAt: at,
            impact: "3 participants on the bridge"
        )
    }

    @Test(arguments: Backend.allCases)
    func openDeduplicatesByCause(_ backend: Backend) async throws {
        try await Self.withStore(backend) { store in
            let (first, created) = try await store.open(
                Self.draft(),
                event: .checkFailed,
                message: "certificate expired",
                at: Self.t0
            )
            #expect(created)
            #expect(first.id > 0)
            let (again, createdAgain) = try await store.open(
                Self.draft(),
                event: .checkFailed,
                message: "still failing",
                at: Self.t0 + 30
            )
            #expect(!createdAgain)
            #expect(again.id == first.id)
            let events = try await store.events(incidentID: first.id)
            #expect(events.map(\.kind) == [.opened, .checkFailed])
            #expect(events.map(\.message) == ["certificate expired", "still failing"])
            #expect(try await store.openIncident(key: "check:web/https")?.id == first.id)
            #expect(try await store.openIncident(key: "check:other") == nil)

            let resolved = try await store.resolve(key: "check:web/https", at: Self.t0 + 60, message: "recovered")
            #expect(resolved?.resolvedAt == Self.t0 + 60)
            #expect(try await store.openIncident(key: "check:web/https") == nil)
            let (second, createdSecond) = try await store.open(
                Self.draft(at: Self.t0 + 120),
                event: .checkFailed,
                message: "again",
                at: Self.t0 + 120
            )
            #expect(createdSecond, "a resolved cause opens a new incident")
            #expect(second.id != first.id)
        }
    }

    /// A service's open incidents, whatever their cause, oldest first: not its resolved ones, not another
    /// service's (one whose name begins with it included).
    @Test(arguments: Backend.allCases)
    func openIncidentsOfAServiceAreItsOwn(_ backend: Backend) async throws {
        try await Self.withStore(backend) { store in
            func open(_ key: String, service: String) async throws -> Int64 {
                var draft = Self.draft(key)
                draft.service = service
                return try await store.open(draft, event: .checkFailed, message: "x", at: Self.t0).0.id
            }
            let outage = try await open("service:web", service: "web")
            let alert = try await open("alert:abc", service: "web")
            _ = try await open("service:web2", service: "web2")
            _ = try await open("service:we'b%", service: "we'b%")
            _ = try await open("service:w_b", service: "w_b")
            _ = try await open("check:web/gone", service: "web")
            try await store.resolve(key: "check:web/gone", at: Self.t0 + 1, message: "done")
            #expect(try await store.openIncidents(service: "web").map(\.id) == [outage, alert])
            #expect(try await store.openIncidents(service: "nobody").isEmpty)
            // Taken as a value, not as SQL or a pattern.
            #expect(try await store.openIncidents(service: "we'b%").map(\.key) == ["service:we'b%"])
            #expect(try await store.openIncidents(service: "w%").isEmpty)
        }
    }

    @Test(arguments: Backend.allCases)
    func updatesKeepEveryFieldAndTheTimeline(_ backend: Backend) async throws {
        try await Self.withStore(backend) { store in
            let (incident, _) = try await store.open(Self.draft(), event: .checkFailed, message: "down", at: Self.t0)
            _ = try await store.acknowledge(id: incident.id, at: Self.t0 + 10, by: "alice")
            let acknowledgedAgain = try await store.acknowledge(id: incident.id, at: Self.t0 + 20, by: "bob")
            #expect(acknowledgedAgain.acknowledgedAt == Self.t0 + 10, "the first acknowledgement stands")
            let marked = try await store.update(
                id: incident.id,
                at: Self.t0 + 30,
                event: .marked,
                message: "significant"
            ) {
                $0.significantAt = Self.t0 + 30
                $0.personalDataBreachAt = Self.t0 + 40
                $0.cause = "expired certificate"
                $0.remediation = "renewed with certbot"
            }
            let stored = try #require(try await store.incident(id: incident.id))
            #expect(stored == marked)
            #expect(stored.significantAt == Self.t0 + 30)
            #expect(stored.personalDataBreachAt == Self.t0 + 40)
            #expect(stored.impact == "3 participants on the bridge")
            #expect(stored.cause == "expired certificate")
            #expect(stored.state == "acknowledged")
            try await store.addEvent(
                incidentID: incident.id,
                kind: .note,
                message: "called the provider",
                at: Self.t0 + 50
            )
            let resolved = try await store.resolve(id: incident.id, at: Self.t0 + 60, message: "fixed")
            #expect(resolved.state == "resolved")
            let kinds = try await store.events(incidentID: incident.id).map(\.kind)
            #expect(kinds == [.opened, .acknowledged, .acknowledged, .marked, .note, .resolved])
        }
    }

    @Test(arguments: Backend.allCases)
    func unknownIncidentsAreErrors(_ backend: Backend) async throws {
        try await Self.withStore(backend) { store in
            let missing = try await store.incident(id: 999)
            #expect(missing == nil)
            await #expect(throws: IncidentStoreError.noSuchIncident(999)) {
                _ = try await store.acknowledge(id: 999, at: Self.t0, by: "alice")
            }
            await #expect(throws: IncidentStoreError.noSuchIncident(998)) {
                try await store.addEvent(incidentID: 998, kind: .note, message: "x", at: Self.t0)
            }
        }
    }

    @Test(arguments: Backend.allCases)
    func listsNewestFirst(_ backend: Backend) async throws {
        try await Self.withStore(backend) { store in
            for index in 0..<5 {
                _ = try await store.open(
                    Self.draft("check:web/\(index)", at: Self.t0 + Double(index)),
                    event: .checkFailed,
                    message: "down",
                    at: Self.t0
                )
            }
            _ = try await store.resolve(key: "check:web/1", at: Self.t0 + 100, message: "ok")
            let open = try await store.incidents(includeResolved: false, limit: 100)
            #expect(open.map(\.key) == ["check:web/4", "check:web/3", "check:web/2", "check:web/0"])
            let all = try await store.incidents(includeResolved: true, limit: 3)
            #expect(all.map(\.key) == ["check:web/4", "check:web/3", "check:web/2"])
        }
    }

    /// Twenty agents see the same failure at once: one incident, twenty timeline lines.
    @Test(arguments: Backend.allCases)
    func concurrentOpensOfOneCauseMakeOneIncident(_ backend: Backend) async throws {
        try await Self.withStore(backend) { store in
            let ids = try await withThrowingTaskGroup(of: Int64.self) { group in
                for _ in 0..<20 {
                    group.addTask {
                        try await store.open(Self.draft(), event: .checkFailed, message: "down", at: Self.t0).0.id
                    }
                }
                var ids: Set<Int64> = []
                for try await id in group { ids.insert(id) }
                return ids
            }
            #expect(ids.count == 1)
            #expect(try await store.events(incidentID: ids.first!).count == 20)
        }
    }

    @Test(arguments: Backend.allCases)
    func auditLogAndHolds(_ backend: Backend) async throws {
        try await Self.withStore(backend) { store in
            try await store.appendAudit(
                AuditEntry(at: Self.t0, actor: "vigie-watchdog", action: "restart", target: "prosody", result: "exit 0")
            )
            try await store.appendAudit(
                AuditEntry(at: Self.t0 + 1, actor: "alice", action: "hold", target: "prosody", result: "ok")
            )
            let entries = try await store.auditEntries(limit: 10)
            #expect(entries.map(\.actor) == ["alice", "vigie-watchdog"])
            #expect(entries[1].result == "exit 0")
            #expect(entries[1].at == Self.t0)

            try await store.setHold(service: "prosody", held: true, at: Self.t0, by: "alice")
            try await store.setHold(service: "prosody", held: true, at: Self.t0, by: "alice")
            try await store.setHold(service: "nginx", held: true, at: Self.t0, by: "alice")
            #expect(try await store.holds() == ["prosody", "nginx"])
            try await store.setHold(service: "prosody", held: false, at: Self.t0, by: "alice")
            #expect(try await store.holds() == ["nginx"])
        }
    }

    @Test func sqliteSurvivesReopening() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-register-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        let id = try await SQLiteIncidentStore(dataDirectory: directory.path)
            .open(Self.draft(), event: .checkFailed, message: "down", at: Self.t0).0.id
        let reopened = try SQLiteIncidentStore(dataDirectory: directory.path)
        #expect(try await reopened.incident(id: id)?.title == "web https failing")
    }

    @Test func unusableLocationsAreClearErrors() async throws {
        #expect(throws: IncidentStoreError.self) { try SQLiteIncidentStore(path: "/proc/vigie/incidents.sqlite") }
        let port = try await TestServers.freePort(udp: false)
        await #expect(throws: IncidentStoreError.self) {
            try await PostgresIncidentStore.withStore(
                DatabaseConfiguration(host: "127.0.0.1", port: port, username: "vigie", timeout: .seconds(2))
            ) { _ in }
        }
    }
}
