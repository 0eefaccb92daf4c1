/// A source of Jitsi's own statistics that `vigie serve` reads on a schedule.
public struct Collector: Sendable, Hashable {
    /// The kind of source, as the site file names it; the URLs in the comments are Jitsi's defaults.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// Jitsi Videobridge `/metrics` (Prometheus text, `jitsi_jvb_*`), http://127.0.0.1:8080/metrics
        case jvbMetrics = "jvb_metrics"
        /// Jitsi Videobridge `/colibri/stats` (JSON, off by default), http://127.0.0.1:8080/colibri/stats
        case jvbColibriStats = "jvb_colibri_stats"
        /// Jicofo `/stats` (JSON), http://127.0.0.1:8888/stats
        case jicofoStats = "jicofo_stats"
        /// Jicofo `/metrics` (Prometheus text, `jitsi_jicofo_*`), http://127.0.0.1:8888/metrics
        case jicofoMetrics = "jicofo_metrics"
        /// Prosody `mod_http_openmetrics`, http://127.0.0.1:5280/metrics
        case prosodyOpenMetrics = "prosody_openmetrics"
    }

    /// The service the statistics describe.
    public var service: String
    public var kind: Kind
    public var url: HTTPURL
    public var interval: Duration
    public var timeout: Duration
    public var resolve: IPAddress?
    public var location: SourceLocation?

    public static let defaultInterval: Duration = .seconds(15)

    public init(
        service: String,
        kind: Kind,
        url: HTTPURL,
        interval: Duration = Collector.defaultInterval,
        timeout: Duration = Check.defaultTimeout,
        resolve: IPAddress? = nil,
        location: SourceLocation? = nil
    ) {
        self.service = service
        self.kind = kind
        self.url = url
        self.interval = interval
        self.timeout = timeout
        self.resolve = resolve
        self.location = location
    }

    /// A stable identifier, unique within a site: `service/kind`.
    public var id: String { "\(service)/\(kind.rawValue)" }
}
