import CSystemShims
import Hummingbird
import HummingbirdCore
public import Logging
public import NIOCore
public import ServiceLifecycle
import UnixSignals
public import VigieCore

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
        /// Where the SQLite incident register lives (unless the site names a PostgreSQL one).
        public var dataDirectory: String
        /// Log the watchdog's restarts instead of running them.
        public var dryRun: Bool
        /// A connection that has not sent a whole request head within this time, or that stays idle this
        /// long between requests, is closed (slow clients cannot hold connections forever).
        public var idleTimeout: Duration
        /// Connections beyond this many wait in the listen backlog until one closes.
        public var maximumConnections: Int

        public static let defaultHost = AgentDefaults.host
        public static let defaultPort = AgentDefaults.port
        public static let defaultDataDirectory = AgentDefaults.dataDirectory
        public static let defaultIdleTimeout = AgentDefaults.idleTimeout
        public static let defaultMaximumConnections = 4096

        public init(
            sitePath: String,
            host: String = Configuration.defaultHost,
            port: Int = Configuration.defaultPort,
            concurrency: Int = ProbeEngine.defaultConcurrency,
            dataDirectory: String = Configuration.defaultDataDirectory,
            dryRun: Bool = false,
            idleTimeout: Duration = Configuration.defaultIdleTimeout,
            maximumConnections: Int = Configuration.defaultMaximumConnections
        ) {
            self.idleTimeout = idleTimeout
            self.maximumConnections = maximumConnections
            self.sitePath = sitePath
            self.host = host
            self.port = port
            self.concurrency = concurrency
            self.dataDirectory = dataDirectory
            self.dryRun = dryRun
        }
    }

    public let configuration: Configuration
    public let holder: SiteHolder
    public let store: ObservationStore
    public let metrics: AgentMetrics
    public let incidents: IncidentManager
    /// The watchdogs of the services with a `remediation:` policy, and the restarts they run.
    public let watchdogs: WatchdogSupervisor
    /// Set when the register is PostgreSQL: its client runs in the service group.
    let postgres: PostgresIncidentStore?
    public let logger: Logger

    /// Prepares an agent for an already loaded site and opens its incident register.
    ///
    /// - Throws: ``IncidentStoreError`` when the SQLite register cannot be opened.
    public init(configuration: Configuration, site: Site, logger: Logger) throws {
        self.configuration = configuration
        let holder = SiteHolder(site: site)
        let store = ObservationStore()
        self.holder = holder
        self.store = store
        self.metrics = AgentMetrics()
        self.logger = logger
        let register: any IncidentStore
        if let database = site.incidents.database {
            let postgres = PostgresIncidentStore(configuration: database)
            self.postgres = postgres
            register = postgres
        } else {
            self.postgres = nil
            register = try SQLiteIncidentStore(dataDirectory: configuration.dataDirectory)
        }
        let incidents = IncidentManager(
            store: register,
            site: site,
            openIncidents: { [metrics] in metrics.setIncidents($0) },
            impact: { await store.loadSummary(for: holder.current.site) }
        )
        self.incidents = incidents
        self.watchdogs = WatchdogSupervisor(
            site: site,
            executor: RestartExecutor(
                dryRun: configuration.dryRun,
                context: ProbeContext(allowlist: Allowlist(site: site))
            ),
            register: register,
            listener: incidents
        )
        metrics.prune(keeping: site)
    }

    /// The services of the group, in start order (graceful shutdown runs in reverse: HTTP first).
    public func makeServices(
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) -> [any ServiceLifecycle.Service] {
        let router = AgentAPI.makeRouter(holder: holder, store: store, metrics: metrics, incidents: incidents)
        let app = Application(
            router: router,
            server: .http1(configuration: .init(idleTimeout: TimeAmount(configuration.idleTimeout))),
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port),
                serverName: "vigie",
                backlog: 1024,
                availableConnectionsDelegate: MaximumAvailableConnections(
                    configuration.maximumConnections,
                    logger: Logger(label: "vigie.http")
                )
            ),
            onServerRunning: onServerRunning,
            logger: Logger(label: "vigie.http")
        )
        let scheduler = Scheduler(
            holder: holder,
            store: store,
            metrics: metrics,
            concurrency: configuration.concurrency,
            observers: [incidents, watchdogs],
            logger: Logger(label: "vigie.scheduler"),
            clock: EventLoopClock()
        )
        let reloader = SiteReloader(
            path: configuration.sitePath,
            holder: holder,
            store: store,
            metrics: metrics,
            incidents: incidents,
            watchdogs: watchdogs,
            logger: Logger(label: "vigie.site")
        )
        let maintenance = MaintenanceService(incidents: incidents, watchdogs: watchdogs, postgres: postgres)
        var services: [any ServiceLifecycle.Service] = []
        if let postgres { services.append(postgres) }
        // Shut down in reverse: the listener, the reloader and the checks first, then the restarts in flight
        // finish (their records written), then the register's client.
        return services + [maintenance, watchdogs.remediation, scheduler, reloader, app]
    }

    /// Runs until SIGTERM or SIGINT.
    public func run(onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }) async throws {
        let group = ServiceGroup(
            configuration: .init(
                services: makeServices(onServerRunning: onServerRunning).map {
                    ServiceGroupConfiguration.ServiceConfiguration(
                        service: $0,
                        failureTerminationBehavior: .gracefullyShutdownGroup
                    )
                },
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        try await group.run()
    }

    /// The agent holds a descriptor per connection, probe and register link: the soft limit of open
    /// files (often 1,024) is raised to the hard one (at most 1,048,576), as Go programs do, so that a
    /// thousand slow clients cannot starve it. Returns the limit in force.
    @discardableResult
    public static func raiseOpenFileLimit() -> Int {
        Int(vigie_raise_open_file_limit(1 << 20))
    }
}
