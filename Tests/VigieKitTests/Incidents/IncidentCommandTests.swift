import Foundation
import Testing

@testable import VigieCore
@testable import VigieKit
@testable import VigieLogs
@testable import VigieRender

/// `vigie incident` and `vigie watchdog` as an administrator types them, typos included.
@Suite struct IncidentCommandTests {
    static func vigie(_ arguments: [String]) async throws -> Shell.Result {
        try await Shell.run(VigieCLITests.binary, arguments, environment: ["USER": "alice"])
    }

    /// A data directory and a site file of two services, in English.
    static func withSite(
        lang: String = "en",
        _ body: (_ data: String, _ site: String) async throws -> Void
    ) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-incident-cli-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let site = directory.appendingPathComponent("vigie.yml").path
        try "site: {name: visio-pme, domain: meet.example.org, lang: \(lang)}\nservices: {web: {}, xmpp: {}}\n"
            .write(toFile: site, atomically: true, encoding: .utf8)
        try await body(directory.appendingPathComponent("data").path, site)
    }

    /// A service the site does not have is refused, naming the ones it has: holding a typo would leave the
    /// real service being restarted.
    @Test func serviceNamesAreCheckedAgainstTheSite() async throws {
        try await Self.withSite { data, site in
            let hold = try await Self.vigie(["watchdog", "hold", "nosuch", "--site", site, "--data-dir", data])
            #expect(hold.status == 2)
            #expect(
                hold.standardError == "error: the site visio-pme has no service \"nosuch\" (its services: web, xmpp)\n"
            )
            let release = try await Self.vigie(["watchdog", "release", "nosuch", "--site", site, "--data-dir", data])
            #expect(release.status == 2)
            let open = try await Self.vigie([
                "incident", "open", "--service", "nosuch", "--title", "t", "--site", site, "--data-dir", data,
            ])
            #expect(open.status == 2)
            #expect(open.standardError.contains("has no service \"nosuch\""))
            #expect(!FileManager.default.fileExists(atPath: data), "nothing was written")

            let held = try await Self.vigie(["watchdog", "hold", "web", "--site", site, "--data-dir", data])
            #expect(held.status == 0, "\(held.standardError)")
            let audit = try await Self.vigie(["incident", "audit", "--data-dir", data, "--json"])
            #expect(audit.output.contains("\"action\": \"hold\""))

            // A release never creates a register (the real hold would stay), and says when there was nothing to release.
            let typo = data + "-typo"
            let released = try await Self.vigie(["watchdog", "release", "web", "--site", site, "--data-dir", typo])
            #expect(released.status == 2)
            #expect(!FileManager.default.fileExists(atPath: typo))
            let notHeld = try await Self.vigie(["watchdog", "release", "xmpp", "--site", site, "--data-dir", data])
            #expect(
                notHeld.output == "xmpp was not on hold: nothing to release\n",
                "\(notHeld.output)\(notHeld.standardError)"
            )

            // Without a site file there is no list to check against: said, not guessed.
            let blind = try await Self.vigie(["watchdog", "hold", "web", "--data-dir", data])
            #expect(blind.status == 2)
            #expect(blind.standardError.contains("needs the site file: give --site"))
        }
    }

    /// Reading commands never create a register: a mistyped directory is an error that names it.
    @Test func readingAMistypedDataDirectoryCreatesNothing() async throws {
        try await Self.withSite { data, site in
            for command in [
                ["incident", "list"], ["incident", "show", "1"], ["incident", "audit"], ["watchdog", "status"],
                ["incident", "report", "1", "--stage", "final", "--site", site],
            ] {
                let result = try await Self.vigie(command + ["--data-dir", data])
                #expect(result.status == 2, "\(command)")
                #expect(
                    result.standardError.contains("no incident register at \(data)/incidents.sqlite"),
                    "\(command): \(result.standardError)"
                )
                #expect(!FileManager.default.fileExists(atPath: data), "\(command) created \(data)")
            }
        }
    }

    /// The clocks start when the entity became aware: never later than now.
    @Test func aFutureAwarenessTimeIsRefused() async throws {
        try await Self.withSite { data, site in
            _ = try await Self.vigie([
                "incident", "open", "--service", "web", "--title", "t", "--site", site, "--data-dir", data,
            ])
            let future = RFC3339.format(Date().addingTimeInterval(3600))
            let marked = try await Self.vigie([
                "incident", "mark", "1", "--significant", "--at", future, "--data-dir", data,
            ])
            #expect(marked.status == 2)
            #expect(marked.standardError.contains("is in the future"), "\(marked.standardError)")
            let shown = try await Self.vigie(["incident", "show", "1", "--data-dir", data, "--json"])
            #expect(shown.output.contains("\"significant_at\": null"))
            // Dates that do not exist are refused, not rolled over (30 February is not 2 March).
            for impossible in [
                "2026-02-30T00:00:00Z", "2026-12-01T25:00:00Z", "2026-11-31T10:00:00Z", "1970-01-01T00:00:00Z",
            ] {
                let refused = try await Self.vigie([
                    "incident", "mark", "1", "--significant", "--at", impossible, "--data-dir", data,
                ])
                #expect(refused.status == 2, "\(impossible): \(refused.standardError)")
            }
            // The notification follows the awareness.
            let early = try await Self.vigie(["incident", "mark", "1", "--notified", "--data-dir", data])
            #expect(early.status == 2)
            #expect(early.standardError.contains("is not marked significant"), "\(early.standardError)")
            let past = try await Self.vigie([
                "incident", "mark", "1", "--significant", "--at", "2026-11-24T09:15:00Z", "--data-dir", data,
            ])
            #expect(past.status == 0, "\(past.standardError)")
            let before = try await Self.vigie([
                "incident", "mark", "1", "--notified", "--at", "2026-11-20T00:00:00Z", "--data-dir", data,
            ])
            #expect(before.status == 2)
            #expect(
                before.standardError.contains("is before the awareness 2026-11-24T09:15:00Z"),
                "\(before.standardError)"
            )
            let again = try await Self.vigie([
                "incident", "mark", "1", "--significant", "--at", "2026-11-25T09:15:00Z", "--data-dir", data,
            ])
            #expect(again.status == 2)
            #expect(again.standardError.contains("is significant since 2026-11-24T09:15:00Z"), "\(again.standardError)")
        }
    }

    /// The draft speaks the site's language unless told otherwise, names the entity by the site's name and
    /// domain, and a final report of an open incident says it is ongoing.
    @Test func draftsTakeTheSitesLanguageAndName() async throws {
        try await Self.withSite(lang: "en") { data, site in
            _ = try await Self.vigie([
                "incident", "open", "--service", "web", "--title", "web down", "--site", site, "--data-dir", data,
            ])
            let english = try await Self.vigie([
                "incident", "report", "1", "--stage", "final", "--site", site, "--data-dir", data,
            ])
            #expect(english.status == 0, "\(english.standardError)")
            #expect(
                english.output.hasPrefix("# NIS2 final report — visio-pme (meet.example.org) \\#1\n"),
                "\(english.output)"
            )
            #expect(english.output.contains("- **Duration**: ongoing: "))
            #expect(english.output.contains("opened by alice"))
            #expect(!english.output.contains("Jitsi Meet"))
            let intoDirectory = try await Self.vigie([
                "incident", "report", "1", "--stage", "final", "--site", site, "--data-dir", data, "--out", data,
            ])
            #expect(intoDirectory.status == 2)
            #expect(intoDirectory.standardError.contains("is a directory"), "\(intoDirectory.standardError)")
            let untitled = try await Self.vigie([
                "incident", "open", "--service", "web", "--title", " ", "--site", site, "--data-dir", data,
            ])
            #expect(untitled.status == 2)
            let french = try await Self.vigie([
                "incident", "report", "1", "--stage", "final", "--lang", "fr", "--site", site, "--data-dir", data,
            ])
            #expect(french.output.contains("- **Durée**: en cours : "))
            #expect(french.output.contains("ouvert par alice"))
        }
    }

    /// A note that sets the cause is audited with it, in the same transaction.
    @Test func settingTheCauseIsAudited() async throws {
        try await Self.withSite { data, site in
            _ = try await Self.vigie([
                "incident", "open", "--service", "web", "--title", "t", "--site", site, "--data-dir", data,
            ])
            let noted = try await Self.vigie([
                "incident", "note", "1", "expired certificate", "--cause", "--data-dir", data,
            ])
            #expect(noted.output == "set the cause of incident #1\n")
            let store = try SQLiteIncidentStore(dataDirectory: data, create: false)
            let entries = try await store.auditEntries(limit: 10)
            #expect(
                entries.first.map { [$0.actor, $0.action, $0.target, $0.result] } == [
                    "alice", "note", "incident #1", "set cause",
                ]
            )
            #expect(try await store.incident(id: 1)?.cause == "expired certificate")
            #expect(try await store.events(incidentID: 1).last?.message == "alice set the cause: expired certificate")
        }
    }

    /// A value the register should not hold is a schema error, never coerced into another one.
    @Test func anUnknownStoredValueIsASchemaError() async throws {
        try await Self.withSite { data, site in
            _ = try await Self.vigie([
                "incident", "open", "--service", "web", "--title", "t", "--site", site, "--data-dir", data,
            ])
            let updated = try await Shell.run(
                "/usr/bin/env",
                [
                    "python3", "-c",
                    "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute(\"UPDATE incident SET severity='catastrophic'\"); c.commit()",
                    data + "/incidents.sqlite",
                ]
            )
            #expect(updated.status == 0, "\(updated.standardError)")
            let list = try await Self.vigie(["incident", "list", "--data-dir", data])
            #expect(list.status == 1)
            #expect(
                list.standardError.contains(
                    "row #1 has severity \"catastrophic\", which this version of Vigie does not know"
                ),
                "\(list.standardError)"
            )
        }
    }

    /// PostgreSQL unreachable is a failure of the moment (exit 1), said in one line: the client's own log
    /// lines stay quiet unless asked for.
    @Test func anUnreachableDatabaseExitsOneInOneLine() async throws {
        let port = try await TestServers.freePort(udp: false)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-pg-down-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let site = directory.appendingPathComponent("vigie.yml").path
        try """
        site: {name: pg, domain: meet.vigie.test}
        incidents: {database: "postgresql://vigie@127.0.0.1:\(port)/vigie?sslmode=disable"}
        services: {web: {}}
        """.write(toFile: site, atomically: true, encoding: .utf8)
        let result = try await Self.vigie(["incident", "list", "--site", site])
        #expect(result.status == 1, "\(result.standardError)")
        #expect(
            result.standardError == "error: PostgreSQL at 127.0.0.1:\(port): cannot connect: connection refused\n",
            "\(result.standardError)"
        )
        #expect(result.standardError.split(separator: "\n").count == 1, "\(result.standardError)")
    }

    /// A database that does not exist is the site file's mistake: exit 2, like a typo.
    @Test func aMissingDatabaseIsAConfigurationError() async throws {
        try await Lab.ready()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-pg-nodb-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let site = directory.appendingPathComponent("vigie.yml").path
        try """
        site: {name: pg, domain: meet.vigie.test}
        incidents: {database: "postgresql://vigie@127.0.0.1:\(Lab.postgres)/no_such_database?sslmode=disable"}
        services: {web: {}}
        """.write(toFile: site, atomically: true, encoding: .utf8)
        let result = try await Self.vigie(["incident", "list", "--site", site])
        #expect(result.status == 2, "\(result.standardError)")
        #expect(result.standardError.contains("no_such_database"), "\(result.standardError)")
        #expect(result.standardError.split(separator: "\n").count == 1, "\(result.standardError)")
        // TLS asked of a server without it: said in words, a mistake of the site file.
        try String(contentsOfFile: site, encoding: .utf8).replacingOccurrences(
            of: "sslmode=disable",
            with: "sslmode=require"
        )
        .write(toFile: site, atomically: true, encoding: .utf8)
        let tls = try await Self.vigie(["incident", "list", "--site", site])
        #expect(tls.status == 2, "\(tls.standardError)")
        #expect(
            tls.standardError.contains("does not offer TLS, which sslmode=require asks for"),
            "\(tls.standardError)"
        )
    }
}
