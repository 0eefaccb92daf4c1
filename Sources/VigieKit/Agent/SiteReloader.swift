public import Logging
public import ServiceLifecycle
import NIOPosix
import UnixSignals
import VigieCore

/// Reloads the site file on SIGHUP: a good file is put in force, a bad one is refused and logged.
public struct SiteReloader: ServiceLifecycle.Service {
    public let path: String
    public let holder: SiteHolder
    public let store: ObservationStore
    public let metrics: AgentMetrics
    public let incidents: IncidentManager?
    public let watchdogs: WatchdogSupervisor?
    public let logger: Logger

    public init(
        path: String,
        holder: SiteHolder,
        store: ObservationStore,
        metrics: AgentMetrics,
        incidents: IncidentManager? = nil,
        watchdogs: WatchdogSupervisor? = nil,
        logger: Logger
    ) {
        self.path = path
        self.incidents = incidents
        self.watchdogs = watchdogs
        self.holder = holder
        self.store = store
        self.metrics = metrics
        self.logger = logger
    }

    public func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        for await _ in signals.cancelOnGracefulShutdown() {
            await reload()
        }
    }

    /// Reads the site file again and puts it in force if it is valid.
    public func reload() async {
        do {
            // Off the event loops that run the agent's tasks (Agent+Executor.swift): reading and decoding a
            // large site file and its CA files takes long enough to hold up the probes and the HTTP server.
            let path = path
            let site = try await NIOThreadPool.singleton.runIfActive {
                try SiteLoader.load(path: path, resolving: .all)
            }
            holder.update(site)
            await incidents?.siteChanged(site)
            await watchdogs?.siteChanged(site)
            await store.prune(keeping: site)
            metrics.prune(keeping: site)
            metrics.recordReload(success: true)
            logger.notice("site file reloaded", metadata: ["vigie.checks": "\(site.checks.count)"])
        } catch {
            metrics.recordReload(success: false)
            logger.error("site file rejected, the previous one stays in force", metadata: ["vigie.error": "\(error)"])
        }
    }
}
