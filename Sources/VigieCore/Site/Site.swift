/// A Jitsi Meet deployment as its site file (`vigie.yml`) describes it.
public struct Site: Sendable {
    /// A short name for the deployment (`visio-pme`).
    public var name: String
    /// The public domain of the Jitsi Meet service (`meet.example.org`).
    public var domain: String
    /// The language of generated reports.
    public var language: Language
    public var hosting: Hosting
    /// The services, in the order of the site file.
    public var services: [Service]
    /// Where incidents are kept and when they open, close and become significant.
    public var incidents: IncidentSettings = IncidentSettings()
    /// The Alertmanager webhook; `nil`: the endpoint is disabled.
    public var webhook: WebhookSettings?
    /// The host's logs: retention, directories, pseudonymisation.
    public var logs: LogSettings = LogSettings()
    /// Capacity and thresholds of the daily report.
    public var report: ReportSettings = ReportSettings()
    /// Alertmanager's e-mail route.
    public var alerting: AlertingSettings = AlertingSettings()
    /// The site file's name as the user gave it, for errors about the files it names.
    public var file: String = "vigie.yml"
    /// The bytes of each checks' `ca` file, by path, once the host's files are resolved
    /// (`Site.resolving(_:reader:)` (VigieKit)): the probes trust what was read and checked then, and do
    /// not read the file again. Empty for a site only decoded.
    public var caFileContents: [String: [UInt8]] = [:]

    public init(
        name: String,
        domain: String,
        language: Language = .en,
        hosting: Hosting = Hosting(),
        services: [Service] = []
    ) {
        self.name = name
        self.domain = domain
        self.language = language
        self.hosting = hosting
        self.services = services
    }

    /// Every check of every service, in file order.
    public var checks: [Check] { services.flatMap(\.checks) }

    /// Services with neither a check nor a collector: declared, but nothing watches them (a site file
    /// may say so on purpose, for a service only incidents are filed against; it is said, not refused).
    public var unwatchedServices: [String] {
        services.filter { $0.checks.isEmpty && $0.collectors.isEmpty }.map(\.name)
    }

    /// Every statistics collector of every service, in file order.
    public var collectors: [Collector] { services.flatMap(\.collectors) }

    /// Every endpoint the watchdog may call to drain a videobridge.
    public var drainURLs: [HTTPURL] { services.compactMap { $0.remediation?.drain?.url } }

    /// The service with this name, if the site declares it.
    public func service(named name: String) -> Service? {
        services.first { $0.name == name }
    }
}
