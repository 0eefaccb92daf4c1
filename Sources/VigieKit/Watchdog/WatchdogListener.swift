public import struct Foundation.Date
public import VigieCore

/// What the watchdog tells the incident register: its escalations, recoveries and finished restarts.
///
/// The watchdog does not write incidents itself; the ``IncidentManager`` listens and puts each of these
/// into the service's outage incident.
public protocol WatchdogListener: Sendable {
    /// The watchdog gave up restarting `service`: `failingChecks` are the checks it saw failing.
    func watchdogEscalated(service: String, reason: String, failingChecks: Set<String>, at: Date) async
    /// Every check of `service` passes again after `restarts` restarts in the window.
    func watchdogRecovered(service: String, restarts: Int, at: Date) async
    /// A restart of `service` ended (or was not run: the agent is stopping).
    func watchdogRestarted(service: String, attempt: Int, command: [String], outcome: RestartOutcome, at: Date) async
}
