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
// - The watchdog (WatchdogSupervisor) tells the manager what it did: a restart goes on the service's
//   open incidents, an escalation raises its incident to critical (opening it if the checks had not
//   yet), a recovery is a line of its timeline (IncidentManager+WatchdogListener.swift).
// - Alertmanager's alerts about a site service with an open incident join it; other alerts open and
//   resolve `alert:<fingerprint>` incidents.
// - `maintain()` applies the significance rule (NIS2 clocks) and exports the open incidents.
//
// Registers written before one-incident-per-outage hold `check:<service>/<check>` and
// `watchdog:<service>` keys: they are resolved with the service's incident.

/// Turns what the agent observes into incidents.
public actor IncidentManager: CheckResultObserver {
    public let store: any IncidentStore
    var site: Site
    /// Told the open incidents after each maintenance pass (the agent exports them as metrics).
    private let openIncidents: @Sendable ([Incident]) -> Void
    let logger: Logger
    let now: @Sendable () -> Date
    /// A summary of the load at detection, for an incident's impact (no personal data: counts only).
    let impact: @Sendable () async -> String?

    var failures: [String: Int] = [:]
    private var passes: [String: Int] = [:]
    private var lastReason: [String: String] = [:]
    /// Per service, the checks in its current outage: failed `open_after` runs, not yet passed `close_after`.
    var outage: [String: Set<String>] = [:]
    /// Services whose recovery the register has not taken yet (it was unavailable, or a reload removed the
    /// checks of their outage): tried again at each pass.
    var unresolved: Set<String> = []
    /// Services whose resolution is being written now.
    private var resolving: Set<String> = []
    public init(
        store: any IncidentStore,
        site: Site,
        openIncidents: @escaping @Sendable ([Incident]) -> Void = { _ in },
        logger: Logger = Logger(label: "vigie.incidents"),
        now: @escaping @Sendable () -> Date = { Date() },
        impact: @escaping @Sendable () async -> String? = { nil }
    ) {
        self.store = store
        self.site = site
        self.openIncidents = openIncidents
        self.logger = logger
        self.now = now
        self.impact = impact
    }

    /// Puts a reloaded site in force: the counts of checks it no longer has are dropped.
    public func siteChanged(_ site: Site) {
        self.site = site
        let checkIDs = Set(site.checks.map(\.id))
        failures = failures.filter { checkIDs.contains($0.key) }
        passes = passes.filter { checkIDs.contains($0.key) }
        for (service, checks) in outage {
            let kept = checks.filter { name in site.service(named: service)?.checks.contains { $0.name == name } == true
            }
            outage[service] = kept
            // The reload took away the checks that kept the outage open: the next pass resolves it.
            if kept.isEmpty, !checks.isEmpty { unresolved.insert(service) }
        }
        lastReason = lastReason.filter { checkIDs.contains($0.key) }
        // A service the site no longer has gets no pass that would retry its resolution.
        unresolved = unresolved.filter { site.service(named: $0) != nil }
    }

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
                let passed = passes[check.id, default: 0]
                let closeAfter = site.incidents.closeAfter
                // A check leaves the outage at its `close_after`-th pass, or at a later one when it joined
                // the outage after that (the watchdog's escalation); a resolution the register could not take
                // is tried again at the next pass.
                let leaving = passed >= closeAfter && outage[service]?.contains(check.name) == true
                let retry = passed > closeAfter && unresolved.contains(service)
                if passed == closeAfter || leaving || retry {
                    let wasInOutage = leaving && outage[service]?.remove(check.name) != nil
                    if outage[service, default: []].isEmpty, !resolving.contains(service) {
                        // Marked until the register has taken it (a throw leaves the mark); one resolution of a
                        // service at a time (two checks passing at once would write it twice).
                        unresolved.insert(service)
                        resolving.insert(service)
                        defer { resolving.remove(service) }
                        let resolved = try await resolveOutage(
                            service: service,
                            at: at,
                            message: TimelineText.serviceRecovered(service, last: label, runs: passed)
                        )
                        unresolved.remove(service)
                        // A check that failed into the outage while the register was resolving it joined the
                        // incident just closed: out of the outage, its next failing run opens a new one.
                        outage[service] = []
                        if let resolved {
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
                let failed = failures[check.id, default: 0]
                // At `open_after` failures, or at the next one when the register could not take it.
                if failed >= site.incidents.openAfter, outage[service]?.contains(check.name) != true {
                    // In the outage before the register is asked (a pass of another check meanwhile must not
                    // resolve what is being opened); out of it again if the register refuses.
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
                    let opened: (Incident, created: Bool)
                    do {
                        opened = try await store.open(
                            draft,
                            event: .checkFailed,
                            message: TimelineText.checkFailed(label, runs: failed, reason: reason),
                            at: at
                        )
                    } catch {
                        outage[service]?.remove(check.name)
                        throw error
                    }
                    let (incident, created) = opened
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
    }

    /// Resolves the service's outage incident, and what a register written before one incident per outage holds for it.
    func resolveOutage(service: String, at: Date, message: String) async throws -> Incident? {
        // One question to the register, however many checks the service has (a key per check was a
        // thousand lookups per recovery at a thousand checks, and the agent fell to a few probes a second).
        let outageKey = Self.key(service: service)
        var resolved: Incident?
        for incident in try await store.openIncidents(service: service) {
            let key = incident.key
            // Its outage, and what an earlier Vigie kept per check (even of a check since removed) and per watchdog.
            guard key == outageKey || key == "watchdog:\(service)" || key.hasPrefix("check:\(service)/") else {
                continue
            }
            let closed = try await store.update(id: incident.id, at: at, event: .resolved, message: message) {
                if $0.resolvedAt == nil { $0.resolvedAt = at }
            }
            if key == outageKey { resolved = closed }
        }
        return resolved
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

    /// The periodic work: the significance rule, and the incident series of the exporter.
    public func maintain() async {
        let at = now()
        do {
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
