public import struct Foundation.Date

// The watchdog's decisions, as a pure state machine: events in, actions out, time as a parameter.
// No I/O and no clock of its own, so every rule (threshold, cooldown, flap limit, recovery, hold)
// is tested exhaustively; `WatchdogService` does the I/O around it.
//
// Rules:
// - every failed run of any of the service's checks counts, while no restart is running and the
//   cooldown after the last restart has passed;
// - at `restartAfter` consecutive failures, restart — unless `maxRestarts` restarts already
//   happened in the last `window`: then escalate once and stop restarting (no restart storm);
// - when every check passes again, the count and the escalation reset (the restart history stays,
//   so a service that dies again right after recovering still meets the flap limit);
// - a manual hold suspends restarts (failures are still counted, so a release acts at once).

/// The restart decisions for one service.
public struct Watchdog: Sendable, Hashable {
    public enum Event: Sendable, Hashable {
        /// A run of this check failed.
        case checkFailed(String)
        /// A run of this check passed.
        case checkPassed(String)
        /// The restart the watchdog asked for has ended.
        case restartFinished(succeeded: Bool)
        /// An administrator suspends restarts.
        case hold
        /// An administrator lifts the hold.
        case release
    }

    public enum Action: Sendable, Hashable {
        case none
        /// Restart the service now; `attempt` counts restarts in the current window.
        case restart(attempt: Int)
        /// The flap limit is reached: stop restarting and open an incident.
        case escalate(String)
        /// Every check passes again after the watchdog acted.
        case recovered(restartsInWindow: Int)
    }

    public let policy: RemediationPolicy
    public private(set) var failingChecks: Set<String> = []
    public private(set) var consecutiveFailures = 0
    public private(set) var restarts: [Date] = []
    public private(set) var cooldownUntil: Date?
    public private(set) var restarting = false
    public private(set) var escalated = false
    public private(set) var held = false
    /// The watchdog acted since the service last recovered (so recovery is worth reporting).
    public private(set) var acted = false

    public init(policy: RemediationPolicy) {
        self.policy = policy
    }

    public mutating func handle(_ event: Event, at now: Date) -> Action {
        let windowStart = now.addingTimeInterval(-policy.window.seconds)
        restarts.removeAll { $0 <= windowStart }

        switch event {
        case .hold:
            held = true
            return .none
        case .release:
            held = false
            return decide(at: now)
        case .restartFinished:
            restarting = false
            cooldownUntil = now.addingTimeInterval(policy.cooldown.seconds)
            consecutiveFailures = 0
            return .none
        case .checkPassed(let check):
            failingChecks.remove(check)
            guard failingChecks.isEmpty else { return .none }
            consecutiveFailures = 0
            escalated = false
            if acted, !restarting {
                acted = false
                return .recovered(restartsInWindow: restarts.count)
            }
            return .none
        case .checkFailed(let check):
            failingChecks.insert(check)
            if restarting { return .none }
            if let cooldownUntil, now < cooldownUntil { return .none }
            consecutiveFailures += 1
            return decide(at: now)
        }
    }

    private mutating func decide(at now: Date) -> Action {
        guard !held, !restarting, !escalated, consecutiveFailures >= policy.restartAfter else { return .none }
        if restarts.count >= policy.maxRestarts {
            escalated = true
            acted = true
            return .escalate(TimelineText.escalation(restarts: restarts.count, window: policy.window))
        }
        restarts.append(now)
        restarting = true
        acted = true
        consecutiveFailures = 0
        return .restart(attempt: restarts.count)
    }
}
