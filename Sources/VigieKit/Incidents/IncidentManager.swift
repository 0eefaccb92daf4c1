import Logging

import struct Foundation.Date

// Observations in, register entries and restarts out.
//
// - A check opens an incident after `open_after` consecutive failed runs (one open incident per
//   check), its timeline grows when the reason changes, and it closes after `close_after`
//   consecutive passes (hysteresis: a flapping check does not open and close every run).
// - Each service with a `remediation:` policy has a `Watchdog`; its restart runs in the background
//   and reports back, every action is in the audit log and on the service's open incidents, and
//   an escalation opens a critical `watchdog:<service>` incident.
// - Alertmanager's alerts open and resolve `alert:<fingerprint>` incidents.
// - `maintain()` applies the significance rule (NIS2 clocks) and refreshes watchdog holds.

/// Turns what the agent observes into incidents, restarts and audit entries.
public actor IncidentManager {
    public let store: any IncidentStore
    private var site: Site
    private let executor: RestartExecutor
    private let metrics: AgentMetrics?
    private let logger: Logger
    private let now: @Sendable () -> Date
    /// A summary of the load at detection, for an incident's impact (no personal data: counts only).
    private let impact: @Sendable () async -> String?

    private var failures: [String: Int] = [:]
    private var passes: [String: Int] = [:]
    private var lastReason: [String: String] = [:]
    private var watchdogs: [String: Watchdog] = [:]
    private var holds: Set<String> = []

    public init(
        store: any IncidentStore,
        site: Site,
        executor: RestartExecutor,
        metrics: AgentMetrics? = nil,
        logger: Logger = Logger(label: "vigie.incidents"),
        now: @escaping @Sendable () -> Date = { Date() },
        impact: @escaping @Sendable () async -> String? = { nil }
    ) {
        self.store = store
        self.site = site
        self.executor = executor
        self.metrics = metrics
        self.logger = logger
        self.now = now
        self.impact = impact
        for service in site.services { if let policy = service.remediation { watchdogs[service.name] = Watchdog(policy: policy) } }
    }

    /// Puts a reloaded site in force; a watchdog keeps its state while its policy is unchanged.
    public func siteChanged(_ site: Site) {
        self.site = site
        var next: [String: Watchdog] = [:]
        for service in site.services {
            guard let policy = service.remediation else { continue }
            if let existing = watchdogs[service.name], existing.policy == policy {
                next[service.name] = existing
            } else {
                next[service.name] = Watchdog(policy: policy)
            }
        }
        watchdogs = next
        let checkIDs = Set(site.checks.map(\.id))
        failures = failures.filter { checkIDs.contains($0.key) }
        passes = passes.filter { checkIDs.contains($0.key) }
    }

    public func watchdog(for service: String) -> Watchdog? { watchdogs[service] }

    static func key(_ check: Check) -> String { "check:\(check.service)/\(check.name)" }

    // MARK: checks

    /// Takes one check result.
    public func observe(_ result: CheckResult) async {
        let check = result.check
        let at = now()
        do {
            if result.ok {
                failures[check.id] = 0
                passes[check.id, default: 0] += 1
                if passes[check.id] == site.incidents.closeAfter {
                    if let resolved = try await store.resolve(
                        key: Self.key(check), at: at, message: "recovered: \(site.incidents.closeAfter) passing runs"
                    ) {
                        logger.notice("incident resolved", metadata: ["vigie.incident": "\(resolved.id)"])
                    }
                }
            } else {
                passes[check.id] = 0
                failures[check.id, default: 0] += 1
                let reason = result.error ?? "failed"
                if failures[check.id] == site.incidents.openAfter {
                    let draft = Incident(
                        key: Self.key(check),
                        service: check.service,
                        severity: .major,
                        title: "\(check.service)/\(check.name) failing: \(reason)",
                        source: .check,
                        detectedAt: at,
                        impact: await impact()
                    )
                    let (incident, created) = try await store.open(
                        draft, event: .checkFailed, message: "\(site.incidents.openAfter) failed runs: \(reason)", at: at
                    )
                    if created { logger.warning("incident opened", metadata: ["vigie.incident": "\(incident.id)", "vigie.check": "\(check.service)/\(check.name)"]) }
                    lastReason[check.id] = reason
                } else if failures[check.id, default: 0] > site.incidents.openAfter, lastReason[check.id] != reason,
                    let open = try await store.openIncident(key: Self.key(check))
                {
                    try await store.addEvent(incidentID: open.id, kind: .checkFailed, message: reason, at: at)
                    lastReason[check.id] = reason
                }
            }
        } catch {
            logger.error("incident register unavailable", metadata: ["vigie.error": "\(error)"])
        }
        await feedWatchdog(service: check.service, event: result.ok ? .checkPassed(check.name) : .checkFailed(check.name), at: at)
    }

    // MARK: watchdog

    func feedWatchdog(service name: String, event: Watchdog.Event, at: Date) async {
        guard var watchdog = watchdogs[name], let service = site.service(named: name) else { return }
        let action = watchdog.handle(event, at: at)
        watchdogs[name] = watchdog
        switch action {
        case .none:
            return
        case .restart(let attempt):
            logger.warning("restarting", metadata: ["vigie.service": "\(name)", "vigie.attempt": "\(attempt)"])
            let executor = self.executor
            let policy = watchdog.policy
            // A restart (with a drain, minutes) must not hold up the checks: it reports back when done.
            Task {
                let outcome = await executor.restart(service, policy: policy)
                await self.restartFinished(service: name, attempt: attempt, command: policy.command, outcome: outcome)
            }
        case .escalate(let reason):
            logger.error("watchdog escalation", metadata: ["vigie.service": "\(name)", "vigie.reason": "\(reason)"])
            await audit(action: "escalate", target: name, result: reason, at: at)
            do {
                let draft = Incident(
                    key: "watchdog:\(name)", service: name, severity: .critical,
                    title: "\(name): restarts stopped at the flap limit", source: .watchdog, detectedAt: at,
                    impact: await impact()
                )
                _ = try await store.open(draft, event: .escalation, message: reason, at: at)
            } catch {
                logger.error("incident register unavailable", metadata: ["vigie.error": "\(error)"])
            }
        case .recovered(let restarts):
            await audit(action: "recovered", target: name, result: "all checks pass (\(restarts) restarts in the window)", at: at)
            do {
                try await store.resolve(key: "watchdog:\(name)", at: at, message: "all checks pass again")
            } catch {
                logger.error("incident register unavailable", metadata: ["vigie.error": "\(error)"])
            }
        }
    }

    func restartFinished(service: String, attempt: Int, command: [String], outcome: RestartOutcome) async {
        let at = now()
        let message = "restart #\(attempt) (\(command.joined(separator: " "))): \(outcome.detail)"
        await audit(action: "restart", target: service, result: outcome.detail, at: at)
        do {
            for incident in try await store.incidents(includeResolved: false, limit: 1000) where incident.service == service {
                try await store.addEvent(incidentID: incident.id, kind: .restart, message: message, at: at)
            }
        } catch {
            logger.error("incident register unavailable", metadata: ["vigie.error": "\(error)"])
        }
        logger.notice("restart finished", metadata: ["vigie.service": "\(service)", "vigie.result": "\(outcome.detail)"])
        if var watchdog = watchdogs[service] {
            _ = watchdog.handle(.restartFinished(succeeded: outcome.succeeded), at: at)
            watchdogs[service] = watchdog
        }
    }

    func audit(action: String, target: String, result: String, at: Date) async {
        let actor = executor.dryRun ? "vigie-watchdog (dry run)" : "vigie-watchdog"
        do {
            try await store.appendAudit(AuditEntry(at: at, actor: actor, action: action, target: target, result: result))
        } catch {
            logger.error("audit log unavailable", metadata: ["vigie.error": "\(error)", "vigie.action": "\(action) \(target)"])
        }
    }

    // MARK: alerts

    /// Applies one Alertmanager webhook call: firing alerts open (or update) incidents, resolved ones close them.
    public func apply(_ payload: AlertmanagerPayload) async throws -> (opened: Int, resolved: Int) {
        let at = now()
        var opened = 0
        var resolved = 0
        for alert in payload.alerts {
            let key = "alert:\(alert.fingerprint)"
            if alert.firing {
                let draft = Incident(
                    key: key, service: alert.service ?? "alertmanager", severity: alert.incidentSeverity,
                    title: alert.summary.map { "\(alert.name): \($0)" } ?? alert.name, source: .alert,
                    detectedAt: alert.startsAt ?? at
                )
                let (_, created) = try await store.open(draft, event: .alertFiring, message: "\(alert.name) firing", at: at)
                if created { opened += 1 }
            } else if try await store.resolve(key: key, at: Self.resolutionTime(alert, now: at), message: "\(alert.name) resolved") != nil {
                resolved += 1
            }
        }
        return (opened, resolved)
    }

    /// Alertmanager's `endsAt` when it is a real past time (it sends `0001-01-01` for "unknown").
    static func resolutionTime(_ alert: AlertmanagerPayload.Alert, now: Date) -> Date {
        guard let ends = alert.endsAt, ends > Date(timeIntervalSince1970: 946_684_800), ends <= now else { return now }
        return ends
    }

    // MARK: maintenance

    /// The periodic work: significance rule, holds, and the incident series of the exporter.
    public func maintain() async {
        let at = now()
        do {
            let newHolds = try await store.holds()
            for service in newHolds.subtracting(holds) { await feedWatchdog(service: service, event: .hold, at: at) }
            for service in holds.subtracting(newHolds) { await feedWatchdog(service: service, event: .release, at: at) }
            holds = newHolds

            var open = try await store.incidents(includeResolved: false, limit: 10_000)
            if let after = site.incidents.significantAfter {
                for (index, incident) in open.enumerated() where incident.significantAt == nil {
                    let crossing = incident.detectedAt.addingTimeInterval(after.seconds)
                    guard crossing <= at else { continue }
                    open[index] = try await store.update(
                        id: incident.id, at: at, event: .marked,
                        message: "significant: still open after \(DurationText.format(after)) (site rule)"
                    ) { $0.significantAt = crossing }
                }
            }
            metrics?.setIncidents(open)
        } catch {
            logger.error("incident register unavailable", metadata: ["vigie.error": "\(error)"])
        }
    }
}
