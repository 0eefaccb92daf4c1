/// One component of the deployment (nginx, Prosody, coturn, a videobridge…) and how to prove it is up.
public struct Service: Sendable, Hashable {
    /// The name the site file gives it (`web`, `videobridge-1`); unique in the site.
    public var name: String
    /// The systemd unit that runs it (`nginx`, `jitsi-videobridge2`).
    public var unit: String?
    /// The checks, in the order of the site file.
    public var checks: [Check]
    /// The Jitsi statistics sources of this service (`vigie serve` collects them).
    public var collectors: [Collector]
    /// How the watchdog may restart it; `nil`: it never does.
    public var remediation: RemediationPolicy?

    public init(name: String, unit: String? = nil, checks: [Check] = [], collectors: [Collector] = []) {
        self.name = name
        self.unit = unit
        self.checks = checks
        self.collectors = collectors
    }
}
