public import Logging

public import struct Foundation.Date
public import VigieCore

// Observations in, register entries and restarts out.
//
// - One outage of a service is one incident (`service:<name>`). A check that fails `open_after`
//   consecutive runs opens it, or joins the one already open; every failing check, reason change,
//   restart, escalation and Alertmanager alert about the service goes into that incident's timeline.
// - It resolves when the service recovers: a check that passes `close_after` consecutive runs leaves
//   the outage (hysteresis: a flapping check does not open and close every run), and the incident
//   resolves when no check of the service is left in it.
// - Each service with a `remediation:` policy has a `Watchdog`; its restart runs in the background
//   and reports back, every action is in the audit log and on the service's open incidents, and
//   an escalation raises the service's incident to critical (opening it if the checks had not yet).
// - Alertmanager's alerts about a site service with an open incident join it; other alerts open and
//   resolve `alert:<fingerprint>` incidents.
// - `maintain()` applies the significance rule (NIS2 clocks) and refreshes watchdog holds.
//
// Registers written before one-incident-per-outage hold `check:<service>/<check>` and
// `watchdog:<service>` keys: they are resolved with the service's incident.

/// Turns what the agent observes into incidents, restarts and audit entries.
public actor IncidentManager {
    public let store: any IncidentStore
    private var site: Site
    private let executor: RestartExecutor
    /// Runs the restarts: a service of the agent's group (run it beside the manager).
    public nonisolated let remediation: RemediationService
    /// Told the open incidents after each maintenance pass (the agent exports them as metrics).
    private let openIncidents: @Sendable ([Incident]) -> Void
    private let logger: Logger
    private let now: @Sendable () -> Date
    /// A summary of the load at detection, for an incident's impact (no personal data: counts only).
    private let impact: @Sendable () async -> String?

    private var failures: [String: Int] = [:]
    private var passes: [String: Int] = [:]
    private var lastReason: [String: String] = [:]
    /// Per service, the checks in its current outage: failed `open_after` runs, not yet passed `close_after`.
    private var outage: [String: Set<String>] = [:]
    private var watchdogs: [String: Watchdog] = [:]
    private var holds: Set<String> = []

    public init(
        store: any IncidentStore,
        site: Site,
        executor: RestartExecutor,
        openIncidents: @escaping @Sendable ([Incident]) -> Void = { _ in },
        logger: Logger = Logger(label: "vigie.incidents"),
        now: @escaping @Sendable () -> Date = { Date() },
        impact: @escaping @Sendable () async -> String? = { nil }
    ) {
        self.store = store
        self.site = site
        self.executor = executor
        self.remediation = RemediationService(executor: executor)
        self.openIncidents = openIncidents
        self.logger = logger
        self.now = now
        self.impact = impact
        for service in site.services {
            if let policy = service.remediation { watchdogs[service.name] = Watchdog(policy: policy) }
        }
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
        for (service, checks) in outage {
            let kept = checks.filter { name in site.service(named: service)?.checks.contains { $0.name == name } == true
            }
            outage[service] = kept
        }
    }

    public func watchdog(for service: String) -> Watchdog? { watchdogs[service] }

    /// The key of a service's outage: at most one open incident per service.
    static func key(service: String) -> String { "service:\(service)" }

    // MARK: checks

    /// Takes one check result.
    public func observe(_ result: CheckResult) async {
        let check = result.check
        let service = check.service
        let at = now()
        let label = "\(service)/\(check.name)"
        do {
            if result.ok {
                failures[check.id] = 0
                passes[check.id, default: 0] += 1
                if passes[check.id] == site.incidents.closeAfter {
                    let wasInOutage = outage[service]?.remove(check.name) != nil
                    if outage[service, default: []].isEmpty {
                        if let resolved = try await resolveOutage(
                            service: service,
                            at: at,
                            message: TimelineText.serviceRecovered(
                                service,
                                last: label,
                                runs: site.incidents.closeAfter
                            )
                        ) {
                            logger.notice(
                                "incident resolved",
                                metadata: ["vigie.incident": "\(resolved.id)", "vigie.service": "\(service)"]
                            )
                        }
                    } else if wasInOutage, let open = try await store.openIncident(key: Self.key(service: service)) {
                        try await store.addEvent(
                            incidentID: open.id,
                            kind: .recovered,
                            message: TimelineText.checkPassesAgain(label, runs: site.incidents.closeAfter),
                            at: at
                        )
                    }
                }
            } else {
                passes[check.id] = 0
                failures[check.id, default: 0] += 1
                let reason = result.error ?? "failed"
                if failures[check.id] == site.incidents.openAfter {
                    outage[service, default: []].insert(check.name)
                    let draft = Incident(
                        key: Self.key(service: service),
                        service: service,
                        severity: .major,
                        title: TimelineText.failingTitle(label, reason: reason),
                        source: .check,
                        detectedAt: at,
                        impact: await impact()
                    )
                    let (incident, created) = try await store.open(
                        draft,
                        event: .checkFailed,
                        message: TimelineText.checkFailed(label, runs: site.incidents.openAfter, reason: reason),
                        at: at
                    )
                    if created {
                        logger.warning(
                            "incident opened",
                            metadata: ["vigie.incident": "\(incident.id)", "vigie.check": "\(label)"]
                        )
                    }
                    lastReason[check.id] = reason
                } else if failures[check.id, default: 0] > site.incidents.openAfter, lastReason[check.id] != reason,
                    let open = try await store.openIncident(key: Self.key(service: service))
                {
                    try await store.addEvent(
                        incidentID: open.id,
                        kind: .checkFailed,
                        message: TimelineText.checkReason(label, reason: reason),
                        at: at
                    )
                    lastReason[check.id] = reason
                }
            }
        } catch {
            logger.error("incident register unavailable", metadata: ["vigie.error": "\(error)"])
        }
        await feedWatchdog(
            service: service,
            event: result.ok ? .checkPassed(check.name) : .checkFailed(check.name),
            at: at
        )
    }

    /// Resolves the service's outage incident, and what a register written before one incident per outage holds for it.
    func resolveOutage(service: String, at: Date, message: String) async throws -> Incident? {
        let resolved = try await store.resolve(key: Self.key(service: service), at: at, message: message)
        for check in site.service(named: service)?.checks ?? [] {
            try await store.resolve(key: "check:\(service)/\(check.name)", at: at, message: message)
        }
        try await store.resolve(key: "watchdog:\(service)", at: at, message: message)
        return resolved
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
            let policy = watchdog.policy
            // A restart (with a drain, minutes) must not hold up the checks: the remediation service runs it
            // and it reports back when done — on graceful shutdown too (the service finishes it first).
            let accepted = remediation.submit(
                RemediationService.Request(service: service, policy: policy) { outcome in
                    await self.restartFinished(
                        service: name,
                        attempt: attempt,
                        command: policy.command,
                        outcome: outcome
                    )
                }
            )
            if !accepted {
                await restartFinished(
                    service: name,
                    attempt: attempt,
                    command: policy.command,
                    outcome: RestartOutcome(succeeded: false, detail: "not run: the agent is stopping")
                )
            }
        case .escalate(let reason):
            logger.error("watchdog escalation", metadata: ["vigie.service": "\(name)", "vigie.reason": "\(reason)"])
            await audit(action: "escalate", target: name, result: reason, at: at)
            // The checks the watchdog saw failing are in the outage until they pass `close_after` runs.
            outage[name, default: []].formUnion(watchdog.failingChecks)
            do {
                if let open = try await store.openIncident(key: Self.key(service: name)) {
                    _ = try await store.update(id: open.id, at: at, event: .escalation, message: reason) {
                        $0.severity = .critical
                    }
                } else {
                    let draft = Incident(
                        key: Self.key(service: name),
                        service: name,
                        severity: .critical,
                        title: TimelineText.escalationTitle(name),
                        source: .watchdog,
                        detectedAt: at,
                        impact: await impact()
                    )
                    _ = try await store.open(draft, event: .escalation, message: reason, at: at)
                }
            } catch {
                logger.error("incident register unavailable", metadata: ["vigie.error": "\(error)"])
            }
        case .recovered(let restarts):
            let detail = "all checks pass (\(Plural.count(restarts, "restart")) in the window)"
            await audit(action: "recovered", target: name, result: detail, at: at)
            do {
                // The incident itself resolves when the checks have passed `close_after` runs.
                if let open = try await store.openIncident(key: Self.key(service: name)) {
                    try await store.addEvent(
                        incidentID: open.id,
                        kind: .recovered,
                        message: TimelineText.watchdogRecovered(restarts: restarts),
                        at: at
                    )
                }
            } catch {
                logger.error("incident register unavailable", metadata: ["vigie.error": "\(error)"])
            }
        }
    }

    func restartFinished(service: String, attempt: Int, command: [String], outcome: RestartOutcome) async {
        let at = now()
        let message = TimelineText.restart(attempt: attempt, command: command, detail: outcome.detail)
        await audit(action: "restart", target: service, result: outcome.detail, at: at)
        do {
            for incident in try await store.incidents(includeResolved: false, limit: 1000)
            where incident.service == service {
                try await store.addEvent(incidentID: incident.id, kind: .restart, message: message, at: at)
            }
        } catch {
            logger.error("incident register unavailable", metadata: ["vigie.error": "\(error)"])
        }
        logger.notice(
            "restart finished",
            metadata: ["vigie.service": "\(service)", "vigie.result": "\(outcome.detail)"]
        )
        if var watchdog = watchdogs[service] {
            _ = watchdog.handle(.restartFinished(succeeded: outcome.succeeded), at: at)
            watchdogs[service] = watchdog
        }
    }

    func audit(action: String, target: String, result: String, at: Date) async {
        let actor = executor.dryRun ? "vigie-watchdog (dry run)" : "vigie-watchdog"
        do {
            try await store.appendAudit(
                AuditEntry(at: at, actor: actor, action: action, target: target, result: result)
            )
        } catch {
            logger.error(
                "audit log unavailable",
                metadata: ["vigie.error": "\(error)", "vigie.action": "\(action) \(target)"]
            )
        }
    }

    // MARK: alerts

    /// What one Alertmanager webhook call did to the register.
    public struct AlertOutcome: Sendable, Hashable {
        public var opened = 0
        public var resolved = 0
        /// Alerts about a site service that joined its open outage incident.
        public var joined = 0
    }

    /// Applies one Alertmanager webhook call: an alert about a site service with an open outage joins that
    /// incident's timeline; other firing alerts open (or update) their own incidents, resolved ones close them.
    public func apply(_ payload: AlertmanagerPayload) async throws -> AlertOutcome {
        let at = now()
        var outcome = AlertOutcome()
        for alert in payload.alerts {
            let key = "alert:\(alert.fingerprint)"
            let outageIncident: Incident? =
                if let service = alert.service, site.service(named: service) != nil {
                    try await store.openIncident(key: Self.key(service: service))
                } else {
                    nil
                }
            if alert.firing {
                if let incident = outageIncident, try await store.openIncident(key: key) == nil {
                    let message = TimelineText.alertFiring(alert.name, fingerprint: alert.fingerprint)
                    // Alertmanager repeats a firing alert every repeat_interval: one line until it resolves.
                    if try await !Self.isFiring(message: message, in: store.events(incidentID: incident.id)) {
                        try await store.addEvent(incidentID: incident.id, kind: .alertFiring, message: message, at: at)
                        outcome.joined += 1
                    }
                    continue
                }
                let draft = Incident(
                    key: key,
                    service: alert.service ?? "alertmanager",
                    severity: alert.incidentSeverity,
                    title: alert.summary.map { "\(alert.name): \($0)" } ?? alert.name,
                    source: .alert,
                    detectedAt: alert.startsAt ?? at
                )
                let (_, created) = try await store.open(
                    draft,
                    event: .alertFiring,
                    message: TimelineText.alertFiring(alert.name),
                    at: at
                )
                if created { outcome.opened += 1 }
            } else if try await store.resolve(
                key: key,
                at: Self.resolutionTime(alert, now: at),
                message: TimelineText.alertResolved(alert.name)
            ) != nil {
                outcome.resolved += 1
            } else if let incident = outageIncident,
                try await Self.isFiring(
                    message: TimelineText.alertFiring(alert.name, fingerprint: alert.fingerprint),
                    in: store.events(incidentID: incident.id)
                )
            {
                try await store.addEvent(
                    incidentID: incident.id,
                    kind: .alertResolved,
                    message: TimelineText.alertResolved(alert.name, fingerprint: alert.fingerprint),
                    at: Self.resolutionTime(alert, now: at)
                )
            }
        }
        return outcome
    }

    /// Whether the timeline's last word on this alert is that it fires.
    static func isFiring(message: String, in events: [IncidentEvent]) -> Bool {
        // TimelineText's two forms of one alert's line.
        let resolvedMessage = message.replacingOccurrences(of: " firing (alert ", with: " resolved (alert ")
        for event in events.reversed() {
            if event.kind == .alertFiring, event.message == message { return true }
            if event.kind == .alertResolved, event.message == resolvedMessage { return false }
        }
        return false
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
                        id: incident.id,
                        at: at,
                        event: .marked,
                        message: TimelineText.significantBySiteRule(after: after)
                    ) { $0.significantAt = crossing }
                }
            }
            openIncidents(open)
        } catch {
            logger.error("incident register unavailable", metadata: ["vigie.error": "\(error)"])
        }
    }
}
