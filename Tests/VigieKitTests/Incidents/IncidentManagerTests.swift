import Foundation
import Synchronization
import Logging
import ServiceLifecycle
import Testing

@testable import VigieCore
@testable import VigieKit
@testable import VigieLogs
@testable import VigieRender

/// The manager against a real SQLite register, with check results made in the test and a fixed clock.
@Suite struct IncidentManagerTests {
    final class Clock: Sendable {
        let now = Mutex(Date(timeIntervalSince1970: 1_795_000_000))
        func advance(_ seconds: TimeInterval) { now.withLock { $0 += seconds } }
        var current: Date { now.withLock { $0 } }
    }

    static func site(remediation: String = "", incidents: String = "") throws -> Site {
        try SiteBuilder.site(
            """
            site: {name: s, domain: meet.example.org}
            \(incidents)
            services:
              xmpp:
                unit: prosody
                checks:
                  - tcp: 127.0.0.1:5222
                  - http: http://127.0.0.1:5280/http-bind
            \(remediation)
            """
        )
    }

    static func make(
        _ site: Site,
        directory: URL
    ) throws -> (IncidentManager, SQLiteIncidentStore, Clock) {
        let clock = Clock()
        let store = try SQLiteIncidentStore(dataDirectory: directory.path)
        let manager = IncidentManager(
            store: store,
            site: site,
            now: { clock.current },
            impact: { "at detection: videobridge: 2 conferences, 9 participants" }
        )
        return (manager, store, clock)
    }

    static func result(_ check: Check, ok: Bool, reason: String = "connection refused") -> CheckResult {
        var result = CheckResult(check: check, verdict: .pass, startedAt: Date())
        if !ok { result.fail(reason) }
        return result
    }

    static func withDirectory(_ body: (URL) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-manager-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        try await body(directory)
    }

    @Test func opensAfterThresholdAndClosesWithHysteresis() async throws {
        try await Self.withDirectory { directory in
            let site = try Self.site()
            let (manager, store, clock) = try Self.make(site, directory: directory)
            let tcp = site.checks[0]
            for _ in 0..<2 {
                await manager.observe(Self.result(tcp, ok: false))
                clock.advance(30)
            }
            #expect(
                try await store.incidents(includeResolved: true, limit: 10).isEmpty,
                "two failures are not an incident"
            )
            await manager.observe(Self.result(tcp, ok: false))
            let open = try #require(try await store.openIncident(key: "service:xmpp"))
            #expect(open.title == "xmpp/tcp failing: connection refused")
            #expect(open.service == "xmpp")
            #expect(open.impact == "at detection: videobridge: 2 conferences, 9 participants")
            #expect(open.detectedAt == clock.current)

            await manager.observe(Self.result(tcp, ok: false))  // same reason: no new line
            await manager.observe(Self.result(tcp, ok: false, reason: "no answer in 5s"))
            await manager.observe(Self.result(tcp, ok: true))  // one pass is not a recovery (close_after 2)
            await manager.observe(Self.result(tcp, ok: false, reason: "no answer in 5s"))
            #expect(try await store.openIncident(key: "service:xmpp")?.id == open.id)
            await manager.observe(Self.result(tcp, ok: true))
            clock.advance(30)
            await manager.observe(Self.result(tcp, ok: true))
            let resolved = try #require(try await store.incident(id: open.id))
            #expect(resolved.resolvedAt == clock.current)
            let timeline = try await store.events(incidentID: open.id)
            #expect(timeline.map(\.kind) == [.opened, .checkFailed, .resolved])
            #expect(timeline[0].message == "xmpp/tcp: 3 failed runs: connection refused")
            #expect(timeline[1].message == "xmpp/tcp: no answer in 5s")
            #expect(timeline[2].message == "recovered: every check of xmpp passes (xmpp/tcp: 2 passing runs)")
        }
    }

    @Test func significanceRuleStartsTheNIS2Clocks() async throws {
        try await Self.withDirectory { directory in
            let site = try Self.site(incidents: "incidents: {open_after: 1, significant_after: 30m}")
            let metrics = AgentMetrics()
            let clock = Clock()
            let store = try SQLiteIncidentStore(dataDirectory: directory.path)
            let manager = IncidentManager(
                store: store,
                site: site,
                openIncidents: { metrics.setIncidents($0) },
                now: { clock.current }
            )
            await manager.observe(Self.result(site.checks[0], ok: false))
            let detected = clock.current
            clock.advance(29 * 60)
            await manager.maintain()
            #expect(try await store.openIncident(key: "service:xmpp")?.significantAt == nil)
            clock.advance(120)
            await manager.maintain()
            let incident = try #require(try await store.openIncident(key: "service:xmpp"))
            #expect(
                incident.significantAt == detected + 1800,
                "aware when it crossed the rule, not when it was noticed"
            )
            #expect(incident.deadlines?.earlyWarning == detected + 1800 + 86_400)
            let samples = AgentMetricsTests.samples(metrics)
            #expect(
                samples["vigie_incident_deadline_timestamp_seconds{incident=\(incident.id),stage=early_warning}"]
                    == (detected + 1800 + 86_400).timeIntervalSince1970
            )
            #expect(samples["vigie_incidents_open{severity=major}"] == 1)
            _ = try await store.resolve(id: incident.id, at: clock.current, message: "done")
            await manager.maintain()
            let after = AgentMetricsTests.samples(metrics)
            #expect(
                after["vigie_incident_deadline_timestamp_seconds{incident=\(incident.id),stage=early_warning}"] == nil
            )
            #expect(after["vigie_incidents_open{severity=major}"] == 0)
        }
    }

    /// Both checks of a service fail, an Alertmanager alert about it fires (twice: repeat_interval) and
    /// resolves: one incident holds it all, and it resolves only when the last check recovers.
    @Test func oneOutageOfAServiceIsOneIncident() async throws {
        try await Self.withDirectory { directory in
            let site = try Self.site(incidents: "incidents: {open_after: 1, close_after: 1}")
            let (manager, store, clock) = try Self.make(site, directory: directory)
            let (tcp, http) = (site.checks[0], site.checks[1])
            await manager.observe(Self.result(tcp, ok: false))
            clock.advance(5)
            await manager.observe(Self.result(http, ok: false, reason: "HTTP 502"))
            let alert =
                #"{"version":"4","status":"firing","alerts":[{"status":"firing","labels":{"alertname":"XMPPDown","service":"xmpp","severity":"critical"},"annotations":{},"startsAt":"2026-11-24T10:00:00Z","fingerprint":"abc123"}]}"#
            let payload = try AlertmanagerPayload.decode(Array(alert.utf8))
            #expect(try await manager.apply(payload) == .init(opened: 0, resolved: 0, joined: 1))
            #expect(
                try await manager.apply(payload) == .init(opened: 0, resolved: 0, joined: 0),
                "a repeat is not a new line"
            )
            let elsewhere = try AlertmanagerPayload.decode(
                Array(
                    alert.replacingOccurrences(of: #""service":"xmpp""#, with: #""service":"nosuch""#)
                        .replacingOccurrences(of: "abc123", with: "def456").utf8
                )
            )
            #expect(
                try await manager.apply(elsewhere).opened == 1,
                "an alert about no site service has its own incident"
            )

            await manager.observe(Self.result(tcp, ok: true))
            let incident = try #require(
                try await store.openIncident(key: "service:xmpp"),
                "http still fails: still open"
            )
            let resolvedAlert = try AlertmanagerPayload.decode(
                Array(alert.replacingOccurrences(of: "firing", with: "resolved").utf8)
            )
            #expect(try await manager.apply(resolvedAlert).resolved == 0)
            await manager.observe(Self.result(http, ok: true))
            #expect(try await store.openIncident(key: "service:xmpp") == nil)

            let timeline = try await store.events(incidentID: incident.id)
            #expect(
                timeline.map(\.kind) == [.opened, .checkFailed, .alertFiring, .recovered, .alertResolved, .resolved]
            )
            #expect(
                timeline.map(\.message) == [
                    "xmpp/tcp: 1 failed run: connection refused",
                    "xmpp/http: 1 failed run: HTTP 502",
                    "XMPPDown firing (alert abc123)",
                    "xmpp/tcp passes again (1 passing run)",
                    "XMPPDown resolved (alert abc123)",
                    "recovered: every check of xmpp passes (xmpp/http: 1 passing run)",
                ]
            )
            let keys = try await store.incidents(includeResolved: true, limit: 10).map(\.key).sorted()
            #expect(keys == ["alert:def456", "service:xmpp"])
        }
    }

    /// A register written before one incident per outage: its open per-check and watchdog incidents
    /// resolve with the service's recovery instead of staying open for ever.
    @Test func incidentsOfEarlierKeysResolveWithTheService() async throws {
        try await Self.withDirectory { directory in
            let site = try Self.site(incidents: "incidents: {open_after: 1, close_after: 1}")
            let (manager, store, clock) = try Self.make(site, directory: directory)
            for key in ["check:xmpp/tcp", "watchdog:xmpp", "check:xmpp/gone", "check:xmpp-other/tcp"] {
                _ = try await store.open(
                    Incident(
                        key: key,
                        service: "xmpp",
                        severity: .major,
                        title: key,
                        source: .check,
                        detectedAt: clock.current
                    ),
                    event: .checkFailed,
                    message: "old",
                    at: clock.current
                )
            }
            await manager.observe(Self.result(site.checks[0], ok: true))
            // A check the site no longer has resolves with its service; another service's does not.
            let open = try await store.incidents(includeResolved: false, limit: 10).map(\.key).sorted()
            #expect(open == ["check:xmpp-other/tcp"])
        }
    }

    /// A check that recovers asks the register one question, however many checks its service has: with a
    /// thousand checks, each recovery was a thousand lookups (one per older `check:` key), and the agent
    /// probed a few checks a second. An outage still opens and resolves.
    @Test func aRecoveryAsksTheRegisterOnce() async throws {
        try await Self.withDirectory { directory in
            let checks = (0..<300).map { "      - tcp: 127.0.0.1:\(20_000 + $0)" }.joined(separator: "\n")
            let site = try SiteBuilder.site(
                """
                site: {name: s, domain: meet.example.org}
                incidents: {open_after: 1, close_after: 1}
                services:
                  web:
                    checks:
                \(checks)
                """
            )
            let store = ObservedIncidentStore(try SQLiteIncidentStore(dataDirectory: directory.path))
            let manager = IncidentManager(store: store, site: site)
            for check in site.checks { await manager.observe(Self.result(check, ok: true)) }
            #expect(store.openIncidentLookups == site.checks.count)
            await manager.observe(Self.result(site.checks[7], ok: false))
            #expect(try await store.incidents(includeResolved: false, limit: 10).map(\.key) == ["service:web"])
            let beforeRecovery = store.openIncidentLookups
            await manager.observe(Self.result(site.checks[7], ok: true))
            #expect(try await store.incidents(includeResolved: false, limit: 10).isEmpty)
            #expect(store.openIncidentLookups - beforeRecovery == 1)
        }
    }

    /// A check that fails into the outage while the register resolves it joins the incident being closed:
    /// its next failing run opens a new one (it was left in an outage with no incident until it recovered).
    @Test func aFailureDuringTheResolutionOpensANewIncident() async throws {
        try await Self.withDirectory { directory in
            let site = try Self.site(incidents: "incidents: {open_after: 1, close_after: 1}")
            let store = ObservedIncidentStore(try SQLiteIncidentStore(dataDirectory: directory.path))
            let manager = IncidentManager(store: store, site: site)
            let (tcp, http) = (site.checks[0], site.checks[1])
            await manager.observe(Self.result(tcp, ok: false))
            store.holdNextServiceLookup()
            let recovery = Task { await manager.observe(Self.result(tcp, ok: true)) }
            await store.serviceLookupHeld()
            await manager.observe(Self.result(http, ok: false, reason: "HTTP 502"))
            store.release()
            await recovery.value
            #expect(try await store.openIncident(key: "service:xmpp") == nil, "the recovery closed it")
            await manager.observe(Self.result(http, ok: false, reason: "HTTP 502"))
            #expect(try await store.openIncident(key: "service:xmpp") != nil, "http still fails: a new incident")
            #expect(try await store.incidents(includeResolved: true, limit: 10).count == 2)
        }
    }

    /// An escalation the register refused leaves no check in the outage (the next failing run opens the
    /// incident), and only checks of the site that fail now join an outage by escalation.
    @Test func anEscalationTheRegisterRefusedIsOpenedByTheNextFailure() async throws {
        try await Self.withDirectory { directory in
            let site = try Self.site(incidents: "incidents: {open_after: 1, close_after: 1}")
            let store = ObservedIncidentStore(try SQLiteIncidentStore(dataDirectory: directory.path))
            let manager = IncidentManager(store: store, site: site)
            let tcp = site.checks[0]
            store.setDown(true)
            await manager.observe(Self.result(tcp, ok: false))
            await manager.watchdogEscalated(service: "xmpp", reason: "3 restarts", failingChecks: ["tcp"], at: Date())
            store.setDown(false)
            #expect(try await store.openIncident(key: "service:xmpp") == nil)
            await manager.observe(Self.result(tcp, ok: false))
            #expect(try await store.openIncident(key: "service:xmpp") != nil)
            // A check the watchdog remembers failing, which passes now, or which the site no longer has.
            await manager.observe(Self.result(tcp, ok: true))
            await manager.watchdogEscalated(
                service: "xmpp",
                reason: "3 restarts",
                failingChecks: ["tcp", "removed"],
                at: Date()
            )
            #expect(await manager.outage["xmpp", default: []].isEmpty)
            // Its incident resolves at the next pass rather than staying open for ever.
            #expect(try await store.openIncident(key: "service:xmpp") != nil)
            await manager.observe(Self.result(tcp, ok: true))
            #expect(try await store.openIncident(key: "service:xmpp") == nil)
        }
    }

    /// A register that cannot be reached at the run that should open or resolve the outage: the next run
    /// tries again, so that an outage is never left without its incident, nor an incident open for ever.
    @Test func whatTheRegisterCouldNotTakeIsTriedAgain() async throws {
        try await Self.withDirectory { directory in
            let site = try Self.site(incidents: "incidents: {open_after: 2, close_after: 2}")
            let store = ObservedIncidentStore(try SQLiteIncidentStore(dataDirectory: directory.path))
            let manager = IncidentManager(store: store, site: site)
            let tcp = site.checks[0]
            store.setDown(true)
            for _ in 0..<2 { await manager.observe(Self.result(tcp, ok: false)) }
            store.setDown(false)
            #expect(try await store.incidents(includeResolved: true, limit: 10).isEmpty)
            await manager.observe(Self.result(tcp, ok: false))
            let incident = try #require(try await store.openIncident(key: "service:xmpp"))
            let opening = try await store.events(incidentID: incident.id).map(\.message)
            #expect(opening.contains { $0.contains("3 failed runs") }, "\(opening)")
            // Further failures with the same reason add nothing.
            await manager.observe(Self.result(tcp, ok: false))
            #expect(try await store.events(incidentID: incident.id).count == opening.count)

            await manager.observe(Self.result(tcp, ok: true))
            store.setDown(true)
            await manager.observe(Self.result(tcp, ok: true))
            store.setDown(false)
            #expect(try await store.openIncident(key: "service:xmpp") != nil, "the register was down")
            await manager.observe(Self.result(tcp, ok: true))
            #expect(try await store.openIncident(key: "service:xmpp") == nil)
            #expect(try await store.incident(id: incident.id)?.resolvedAt != nil)
            // Once taken, passes cost nothing more.
            let lookups = store.openIncidentLookups
            for _ in 0..<3 { await manager.observe(Self.result(tcp, ok: true)) }
            #expect(store.openIncidentLookups == lookups)
        }
    }

}
