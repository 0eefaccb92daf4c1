import Foundation
import Logging
import Testing

@testable import VigieCore
@testable import VigieKit

/// A register written by an earlier schema opens in this Vigie with its incidents, and is brought up to
/// date; a register written by a newer Vigie is refused and left as it was. SQLite and the lab's real
/// PostgreSQL 15.
@Suite struct RegisterMigrationTests {
    static let t0 = Date(timeIntervalSince1970: 1_795_000_000)

    static func draft(_ key: String, service: String) -> Incident {
        Incident(
            key: key,
            service: service,
            severity: .critical,
            title: "\(service) down",
            source: .check,
            detectedAt: t0
        )
    }

    @Test func sqliteRegisterOfEachEarlierSchemaIsMigrated() async throws {
        for earlier in 1..<IncidentSchema.currentVersion {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-migrate-\(UUID())")
            defer { try? FileManager.default.removeItem(at: directory) }
            let path = directory.appendingPathComponent("incidents.sqlite").path
            let old = try SQLiteIncidentStore(path: path, create: true, schemaVersion: earlier)
            #expect(try await old.schemaVersion() == earlier)
            let id = try await old.open(
                Self.draft("check:web/https", service: "web"),
                event: .checkFailed,
                message: "down",
                at: Self.t0
            )
            .0.id
            let current = try SQLiteIncidentStore(path: path)
            #expect(try await current.schemaVersion() == IncidentSchema.currentVersion)
            #expect(try await current.incident(id: id)?.title == "web down")
            #expect(try await current.openIncidents(service: "web").map(\.id) == [id])
            #expect(try await current.events(incidentID: id).map(\.message) == ["down"])
        }
    }

    @Test func sqliteRegisterOfANewerVigieIsRefusedUntouched() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-migrate-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("incidents.sqlite").path
        let id = try await SQLiteIncidentStore(path: path)
            .open(Self.draft("check:web/https", service: "web"), event: .checkFailed, message: "down", at: Self.t0).0.id
        // This build, seen by an older Vigie that knows one schema fewer.
        let error = #expect(throws: IncidentStoreError.self) {
            try SQLiteIncidentStore(path: path, create: false, schemaVersion: IncidentSchema.currentVersion - 1)
        }
        #expect(error?.code == .schema)
        #expect(error?.description.contains("newer Vigie") == true)
        #expect(error?.description.contains(path) == true)
        let reopened = try SQLiteIncidentStore(path: path)
        #expect(try await reopened.schemaVersion() == IncidentSchema.currentVersion)
        #expect(try await reopened.incident(id: id) != nil)
    }

    @Test func postgresRegisterOfEachEarlierSchemaIsMigrated() async throws {
        for earlier in 1..<IncidentSchema.currentVersion {
            try await Self.withDatabase { configuration in
                let id = try await PostgresIncidentStore.withStore(
                    configuration,
                    logger: .init(label: "test"),
                    schemaVersion: earlier
                ) { old in
                    #expect(try await old.schemaVersion() == earlier)
                    return try await old.open(
                        Self.draft("check:web/https", service: "web"),
                        event: .checkFailed,
                        message: "down",
                        at: Self.t0
                    )
                    .0.id
                }
                #expect(
                    try await Self.psql(
                        configuration,
                        "SELECT count(*) FROM pg_indexes WHERE indexname = 'incident_open_service'"
                    ) == "0"
                )
                try await PostgresIncidentStore.withStore(configuration) {
                    (current: PostgresIncidentStore) async throws -> Void in
                    #expect(try await current.schemaVersion() == IncidentSchema.currentVersion)
                    #expect(try await current.incident(id: id)?.title == "web down")
                    #expect(try await current.openIncidents(service: "web").map(\.id) == [id])
                }
                #expect(
                    try await Self.psql(
                        configuration,
                        "SELECT count(*) FROM pg_indexes WHERE indexname = 'incident_open_service'"
                    ) == "1"
                )
            }
        }
    }

    @Test func postgresRegisterOfANewerVigieIsRefusedUntouched() async throws {
        try await Self.withDatabase { configuration in
            try await PostgresIncidentStore.withStore(configuration) { store in
                _ = try await store.open(
                    Self.draft("check:web/https", service: "web"),
                    event: .checkFailed,
                    message: "down",
                    at: Self.t0
                )
            }
            _ = try await Self.psql(
                configuration,
                "UPDATE vigie_schema SET version = \(IncidentSchema.currentVersion + 1)"
            )
            let error = await #expect(throws: IncidentStoreError.self) {
                try await PostgresIncidentStore.withStore(configuration) { _ in }
            }
            #expect(error?.code == .schema)
            #expect(error?.description.contains("newer Vigie") == true)
            #expect(
                try await Self.psql(configuration, "SELECT version FROM vigie_schema")
                    == "\(IncidentSchema.currentVersion + 1)"
            )
            #expect(try await Self.psql(configuration, "SELECT count(*) FROM incident") == "1")
        }
    }

    /// A fresh database of the lab's PostgreSQL, dropped afterwards.
    static func withDatabase(_ body: @Sendable (DatabaseConfiguration) async throws -> Void) async throws {
        try await Lab.ready()
        let name = "vigie_migrate_\(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "_"))"
        let admin = DatabaseConfiguration(
            host: "127.0.0.1",
            port: Lab.postgres,
            username: "vigie",
            database: "postgres"
        )
        _ = try await psql(admin, "CREATE DATABASE \(name)")
        let configuration = DatabaseConfiguration(
            host: "127.0.0.1",
            port: Lab.postgres,
            username: "vigie",
            database: name
        )
        do {
            try await body(configuration)
        } catch {
            _ = try? await psql(admin, "DROP DATABASE \(name) WITH (FORCE)")
            throw error
        }
        _ = try await psql(admin, "DROP DATABASE \(name) WITH (FORCE)")
    }

    /// One statement through the real psql; its single value, trimmed.
    static func psql(_ configuration: DatabaseConfiguration, _ sql: String) async throws -> String {
        let result = try await Shell.run(
            "/usr/bin/psql",
            [
                "-h", configuration.host, "-p", "\(configuration.port)", "-U", configuration.username, "-d",
                configuration.database ?? "postgres", "-tAc", sql,
            ]
        )
        try #require(result.status == 0, "\(result.standardError)")
        return result.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
