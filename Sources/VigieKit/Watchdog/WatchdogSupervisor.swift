public import Logging

public import struct Foundation.Date
public import VigieCore

// Check results and holds in, restarts and audit entries out.
//
// - Each service with a `remediation:` policy has a `Watchdog` (the pure state machine of the core).
//   Every check result of the service feeds it; so do the holds an administrator sets in the register
//   (`vigie watchdog hold`), read again at each maintenance pass.
// - A restart (a bridge's drain first: minutes) must not hold up the checks: the remediation service
//   runs it beside them and it reports back when done — on graceful shutdown too.
// - Every action (restart, escalation, recovery) is in the audit log; the listener (the incident
//   manager) puts it into the service's outage incident. The watchdog never writes incidents itself.

/// Drives the watchdogs of the site's services: feeds them, runs their restarts, records their actions.
public actor WatchdogSupervisor: CheckResultObserver {
    /// Runs the restarts: a service of the agent's group (run it beside the supervisor's users).
    public nonisolated let remediation: RemediationService
    private var site: Site
    private let executor: RestartExecutor
    /// Where the audit entries go and the holds come from.
    private let register: any IncidentStore
    private let listener: any WatchdogListener
    private let logger: Logger
    private let now: @Sendable () -> Date
    private var watchdogs: [String: Watchdog] = [:]
    private var holds: Set<String> = []

    public init(
        site: Site,
        executor: RestartExecutor,
        register: any IncidentStore,
        listener: any WatchdogListener,
        logger: Logger = Logger(label: "vigie.watchdog"),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.site = site
        self.executor = executor
        self.remediation = RemediationService(executor: executor)
        self.register = register
        self.listener = listener
        self.logger = logger
        self.now = now
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
    }

    /// The watchdog of a service, `nil` when the service has no `remediation:`.
    public func watchdog(for service: String) -> Watchdog? { watchdogs[service] }

    /// Takes one check result.
    public func observe(_ result: CheckResult) async {
        let check = result.check
        await feed(
            service: check.service,
            event: result.ok ? .checkPassed(check.name) : .checkFailed(check.name),
            at: now()
        )
    }

    /// Reads the holds from the register: a new hold suspends the service's restarts, a release lets them
    /// act at once. Called by the maintenance loop.
    public func refreshHolds() async {
        let at = now()
        do {
            let newHolds = try await register.holds()
            for service in newHolds.subtracting(holds) { await feed(service: service, event: .hold, at: at) }
            for service in holds.subtracting(newHolds) { await feed(service: service, event: .release, at: at) }
            holds = newHolds
        } catch {
            logger.error("incident register unavailable", metadata: ["vigie.error": "\(error)"])
        }
    }

    func feed(service name: String, event: Watchdog.Event, at: Date) async {
        guard var watchdog = watchdogs[name], let service = site.service(named: name) else { return }
        let action = watchdog.handle(event, at: at)
        watchdogs[name] = watchdog
        switch action {
        case .none:
            return
        case .restart(let attempt):
            logger.warning("restarting", metadata: ["vigie.service": "\(name)", "vigie.attempt": "\(attempt)"])
            let policy = watchdog.policy
            let accepted = remediation.submit(
                // The drain URL admitted by the site in force, not the one the agent started with.
                RemediationService.Request(
                    service: service,
                    policy: policy,
                    context: ProbeContext(allowlist: Allowlist(site: site))
                ) { outcome in
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
            await listener.watchdogEscalated(
                service: name,
                reason: reason,
                failingChecks: watchdog.failingChecks,
                at: at
            )
        case .recovered(let restarts):
            let detail = "all checks pass (\(Plural.count(restarts, "restart")) in the window)"
            await audit(action: "recovered", target: name, result: detail, at: at)
            await listener.watchdogRecovered(service: name, restarts: restarts, at: at)
        }
    }

    func restartFinished(service: String, attempt: Int, command: [String], outcome: RestartOutcome) async {
        let at = now()
        await audit(action: "restart", target: service, result: outcome.detail, at: at)
        await listener.watchdogRestarted(service: service, attempt: attempt, command: command, outcome: outcome, at: at)
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
            try await register.appendAudit(
                AuditEntry(at: at, actor: actor, action: action, target: target, result: result)
            )
        } catch {
            logger.error(
                "audit log unavailable",
                metadata: ["vigie.error": "\(error)", "vigie.action": "\(action) \(target)"]
            )
        }
    }
}
