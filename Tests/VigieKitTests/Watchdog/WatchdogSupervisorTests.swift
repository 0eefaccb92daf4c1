import Foundation
import Logging
import ServiceLifecycle
import Testing

@testable import VigieCore
@testable import VigieKit

/// The watchdogs against a real SQLite register and real restart commands, with the incident manager
/// listening as in the agent: each check result goes to the manager, then to the supervisor (the
/// scheduler's order), and the clock is the test's.
@Suite struct WatchdogSupervisorTests {
    /// The agent's pair: the incident manager, and the supervisor that tells it what the watchdog did.
    struct Rig {
        let manager: IncidentManager
        let supervisor: WatchdogSupervisor

        func observe(_ result: CheckResult) async {
            await manager.observe(result)
            await supervisor.observe(result)
        }

        /// One maintenance pass, as MaintenanceService makes it.
        func maintain() async {
            await supervisor.refreshHolds()
            await manager.maintain()
        }
    }

    static func make(
        _ site: Site,
        directory: URL,
        dryRun: Bool = false
    ) throws -> (Rig, SQLiteIncidentStore, IncidentManagerTests.Clock) {
        let (manager, store, clock) = try IncidentManagerTests.make(site, directory: directory)
        let supervisor = WatchdogSupervisor(
            site: site,
            executor: RestartExecutor(dryRun: dryRun, context: ProbeContext(allowlist: Allowlist(site: site))),
            register: store,
            listener: manager,
            now: { clock.current }
        )
        return (Rig(manager: manager, supervisor: supervisor), store, clock)
    }

    /// Runs `body` with the supervisor's remediation service running, as the agent's group runs it.
    static func running(_ rig: Rig, _ body: () async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await rig.supervisor.remediation.run() }
            try await body()
            group.cancelAll()
        }
    }

    /// A drain URL a reload declares is the one the next restart may reach: the executor the agent started
    /// with knew only the first site's endpoints and skipped it as "not declared".
    @Test func aReloadedDrainURLIsAdmittedForTheNextRestart() async throws {
        try await IncidentManagerTests.withDirectory { directory in
            let policy =
                "restart_after: 1, cooldown: 0s, max_restarts: 5, window: 1h, command: [/usr/bin/true, prosody]"
            let first = try IncidentManagerTests.site(
                remediation: "    remediation: {\(policy)}",
                incidents: "incidents: {open_after: 1}"
            )
            // Port 9 (discard) is closed here: the drain is tried, refused, and the restart goes on.
            let reloaded = try IncidentManagerTests.site(
                remediation: "    remediation: {\(policy), drain: {url: \"http://127.0.0.1:9/\", deadline: 2s}}",
                incidents: "incidents: {open_after: 1}"
            )
            let (rig, store, _) = try Self.make(first, directory: directory)
            await rig.manager.siteChanged(reloaded)
            await rig.supervisor.siteChanged(reloaded)
            try await Self.running(rig) {
                await rig.observe(IncidentManagerTests.result(reloaded.checks[0], ok: false))
                await rig.supervisor.remediation.idle()
            }
            let incident = try #require(try await store.openIncident(key: "service:xmpp"))
            let lines = try await store.events(incidentID: incident.id).map(\.message)
            #expect(lines.contains { $0.contains("drain API unreachable") }, "\(lines)")
            #expect(!lines.contains { $0.contains("not declared") }, "\(lines)")
        }
    }

    @Test func watchdogRestartsRecordsAndEscalates() async throws {
        try await IncidentManagerTests.withDirectory { directory in
            // `true` stands for a restart that "works" without fixing anything: the service keeps failing.
            let site = try IncidentManagerTests.site(
                remediation:
                    "    remediation: {restart_after: 2, cooldown: 0s, max_restarts: 2, window: 1h, command: [/usr/bin/true, prosody]}",
                incidents: "incidents: {open_after: 1}"
            )
            let (rig, store, clock) = try Self.make(site, directory: directory)
            let tcp = site.checks[0]
            try await Self.running(rig) {
                for _ in 0..<12 {
                    await rig.observe(IncidentManagerTests.result(tcp, ok: false))
                    clock.advance(10)
                    // The restart runs beside the checks; it has reported back once the service is idle.
                    await rig.supervisor.remediation.idle()
                }
            }
            let audit = try await store.auditEntries(limit: 100)
            #expect(audit.filter { $0.action == "restart" }.count == 2)
            #expect(
                audit.filter { $0.action == "restart" }.allSatisfy {
                    $0.result == "exit 0" && $0.actor == "vigie-watchdog"
                }
            )
            #expect(audit.filter { $0.action == "escalate" }.count == 1)
            // One outage, one incident: the failing check opened it, the restarts and the escalation are in its
            // timeline, and the escalation raised it to critical.
            let all = try await store.incidents(includeResolved: true, limit: 10)
            #expect(all.count == 1, "\(all.map(\.key))")
            let incident = try #require(try await store.openIncident(key: "service:xmpp"))
            #expect(incident.severity == .critical)
            let timeline = try await store.events(incidentID: incident.id)
            #expect(timeline.map(\.kind) == [.opened, .restart, .restart, .escalation])
            #expect(timeline[1].message == "restart #1 (/usr/bin/true prosody): exit 0")

            // Recovery: the watchdog says so at the first pass, the incident resolves after close_after (2) passes.
            await rig.observe(IncidentManagerTests.result(tcp, ok: true))
            #expect(try await store.auditEntries(limit: 1).first?.action == "recovered")
            #expect(try await store.openIncident(key: "service:xmpp") != nil)
            await rig.observe(IncidentManagerTests.result(tcp, ok: true))
            #expect(try await store.openIncident(key: "service:xmpp") == nil)
            #expect(try await store.events(incidentID: incident.id).map(\.kind).suffix(2) == [.recovered, .resolved])
        }
    }

    @Test func dryRunRunsNothing() async throws {
        try await IncidentManagerTests.withDirectory { directory in
            let marker = directory.appendingPathComponent("ran")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let script = directory.appendingPathComponent("restart").path
            try "#!/bin/sh\ntouch \(marker.path)\n".write(toFile: script, atomically: true, encoding: .utf8)
            chmod(script, 0o755)
            let site = try IncidentManagerTests.site(
                remediation: "    remediation: {restart_after: 1, command: [\(script), prosody]}"
            )
            let (rig, store, _) = try Self.make(site, directory: directory, dryRun: true)
            try await Self.running(rig) {
                await rig.observe(IncidentManagerTests.result(site.checks[0], ok: false))
                await rig.supervisor.remediation.idle()
            }
            let entry = try #require(try await store.auditEntries(limit: 1).first)
            #expect(entry.actor == "vigie-watchdog (dry run)")
            #expect(entry.result == "dry run: would run \(script) prosody")
            #expect(!FileManager.default.fileExists(atPath: marker.path))
        }
    }

    @Test func holdsFromTheRegisterSuspendRestarts() async throws {
        try await IncidentManagerTests.withDirectory { directory in
            let site = try IncidentManagerTests.site(
                remediation: "    remediation: {restart_after: 1, command: [/usr/bin/true, prosody]}"
            )
            let (rig, store, _) = try Self.make(site, directory: directory)
            try await store.setHold(service: "xmpp", held: true, at: Date(), by: "alice")
            try await Self.running(rig) {
                await rig.maintain()
                await rig.observe(IncidentManagerTests.result(site.checks[0], ok: false))
                await rig.supervisor.remediation.idle()
                #expect(try await store.auditEntries(limit: 10).isEmpty, "no restart while on hold")
                try await store.setHold(service: "xmpp", held: false, at: Date(), by: "alice")
                await rig.maintain()
                await rig.supervisor.remediation.idle()
                #expect(try await store.auditEntries(limit: 1).first?.action == "restart", "the release acts at once")
            }
        }
    }

    /// SIGTERM while a restart is in flight: the group's graceful shutdown waits for it, and its audit entry
    /// and timeline line are written before the agent ends.
    @Test func gracefulShutdownFinishesTheRestartInFlight() async throws {
        try await IncidentManagerTests.withDirectory { directory in
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let script = directory.appendingPathComponent("slow-restart").path
            try "#!/bin/sh\nsleep 1\n".write(toFile: script, atomically: true, encoding: .utf8)
            chmod(script, 0o755)
            let site = try IncidentManagerTests.site(
                remediation: "    remediation: {restart_after: 1, cooldown: 0s, command: [\(script), prosody]}",
                incidents: "incidents: {open_after: 1}"
            )
            let (rig, store, _) = try Self.make(site, directory: directory)
            let group = ServiceGroup(services: [rig.supervisor.remediation], logger: Logger(label: "test"))
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                await rig.observe(IncidentManagerTests.result(site.checks[0], ok: false))
                #expect(await rig.supervisor.watchdog(for: "xmpp")?.restarting == true)
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
            }
            // The group has returned: the restart it was running is recorded.
            let audit = try await store.auditEntries(limit: 10)
            #expect(audit.map(\.action) == ["restart"])
            #expect(audit.first?.result == "exit 0")
            let incident = try #require(try await store.openIncident(key: "service:xmpp"))
            #expect(try await store.events(incidentID: incident.id).map(\.kind) == [.opened, .restart])

            // After shutdown, a restart is not run, and that is recorded too.
            await rig.observe(IncidentManagerTests.result(site.checks[0], ok: false))
            await rig.observe(IncidentManagerTests.result(site.checks[0], ok: false))
            #expect(
                try await store.auditEntries(limit: 1).first?.result.contains("not run: the agent is stopping") == true
            )
        }
    }
}
