import Logging

public import struct Foundation.Date
import VigieCore

// What the watchdog did, into the service's outage incident. Its audit entries are the watchdog's own.

extension IncidentManager: WatchdogListener {
    public func watchdogEscalated(service: String, reason: String, failingChecks: Set<String>, at: Date) async {
        // The checks the watchdog saw failing, of this site and failing now, are in the outage until they
        // pass `close_after` runs; out of it again if the register refuses the incident.
        let current = site.service(named: service)?.checks ?? []
        let failing = Set(
            current.filter { failingChecks.contains($0.name) && failures[$0.id, default: 0] > 0 }.map(\.name)
        )
        let added = failing.subtracting(outage[service, default: []])
        outage[service, default: []].formUnion(failing)
        do {
            if let open = try await store.openIncident(key: Self.key(service: service)) {
                _ = try await store.update(id: open.id, at: at, event: .escalation, message: reason) {
                    $0.severity = .critical
                }
            } else {
                let draft = Incident(
                    key: Self.key(service: service),
                    service: service,
                    severity: .critical,
                    title: TimelineText.escalationTitle(service),
                    source: .watchdog,
                    detectedAt: at,
                    impact: await impact()
                )
                _ = try await store.open(draft, event: .escalation, message: reason, at: at)
            }
            // No check of the site fails now (the watchdog's memory is older): the next pass resolves it.
            if outage[service, default: []].isEmpty { unresolved.insert(service) }
        } catch {
            outage[service]?.subtract(added)
            logger.error("incident register unavailable", metadata: ["vigie.error": "\(error)"])
        }
    }

    public func watchdogRecovered(service: String, restarts: Int, at: Date) async {
        do {
            // The incident itself resolves when the checks have passed `close_after` runs.
            if let open = try await store.openIncident(key: Self.key(service: service)) {
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

    public func watchdogRestarted(
        service: String,
        attempt: Int,
        command: [String],
        outcome: RestartOutcome,
        at: Date
    ) async {
        let message = TimelineText.restart(attempt: attempt, command: command, detail: outcome.detail)
        do {
            for incident in try await store.openIncidents(service: service) {
                try await store.addEvent(incidentID: incident.id, kind: .restart, message: message, at: at)
            }
        } catch {
            logger.error("incident register unavailable", metadata: ["vigie.error": "\(error)"])
        }
    }
}
