import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import UnixSignals

/// `vigie serve`: the scheduler, the site reloader and the HTTP server in one service group.
///
/// SIGTERM and SIGINT shut the group down gracefully: the listener closes, loops stop, in-flight
/// probes are cancelled (each is bounded by its own timeout anyway). SIGHUP reloads the site file.
public struct Agent: Sendable {
    public struct Configuration: Sendable {
        /// The site file (reloaded on SIGHUP).
        public var sitePath: String
        public var host: String
        public var port: Int
        public var concurrency: Int

        public static let defaultHost = "127.0.0.1"
        public static let defaultPort = 9470

        public init(
            sitePath: String,
            host: String = Configuration.defaultHost,
            port: Int = Configuration.defaultPort,
            concurrency: Int = ProbeEngine.defaultConcurrency
        ) {
            self.sitePath = sitePath
            self.host = host
            self.port = port
            self.concurrency = concurrency
        }
    }

    public let configuration: Configuration
    public let holder: SiteHolder
    public let store: ObservationStore
    public let metrics: AgentMetrics
    public let logger: Logger

    /// Prepares an agent for an already loaded site.
    public init(configuration: Configuration, site: Site, logger: Logger) {
        self.configuration = configuration
        self.holder = SiteHolder(site: site)
        self.store = ObservationStore()
        self.metrics = AgentMetrics()
        self.logger = logger
        metrics.prune(keeping: site)
    }

    /// The services of the group, in start order (graceful shutdown runs in reverse: HTTP first).
    public func makeServices(onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }) -> [any ServiceLifecycle.Service] {
        let router = AgentAPI.makeRouter(holder: holder, store: store, metrics: metrics)
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "vigie"),
            onServerRunning: onServerRunning,
            logger: Logger(label: "vigie.http")
        )
        let scheduler = Scheduler(
            holder: holder,
            store: store,
            metrics: metrics,
            concurrency: configuration.concurrency,
            logger: Logger(label: "vigie.scheduler")
        )
        let reloader = SiteReloader(
            path: configuration.sitePath,
            holder: holder,
            store: store,
            metrics: metrics,
            logger: Logger(label: "vigie.site")
        )
        return [scheduler, reloader, app]
    }

    /// Runs until SIGTERM or SIGINT.
    public func run(onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }) async throws {
        let group = ServiceGroup(
            configuration: .init(
                services: makeServices(onServerRunning: onServerRunning).map {
                    ServiceGroupConfiguration.ServiceConfiguration(service: $0, failureTerminationBehavior: .gracefullyShutdownGroup)
                },
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        try await group.run()
    }
}
