public import Logging
public import ServiceLifecycle
import VigieCore

/// Prepares the register, then every `interval` reads the watchdog's holds and runs the incident manager's
/// periodic work.
public struct MaintenanceService: ServiceLifecycle.Service {
    public let incidents: IncidentManager
    public let watchdogs: WatchdogSupervisor?
    public let postgres: PostgresIncidentStore?
    public let interval: Duration
    public let logger: Logger
    /// What the loop waits on: the continuous clock, or a test's.
    public let clock: any Clock<Duration>

    public init(
        incidents: IncidentManager,
        watchdogs: WatchdogSupervisor? = nil,
        postgres: PostgresIncidentStore?,
        interval: Duration = .seconds(15),
        logger: Logger = Logger(label: "vigie.incidents"),
        clock: any Clock<Duration> = ContinuousClock()
    ) {
        self.clock = clock
        self.incidents = incidents
        self.watchdogs = watchdogs
        self.postgres = postgres
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        if let postgres {
            // Keep trying: the agent's checks go on while the shared register is unreachable.
            while !Task.isShuttingDownGracefully, !Task.isCancelled {
                do {
                    try await postgres.migrate()
                    break
                } catch {
                    logger.error("incident register unavailable", metadata: ["vigie.error": "\(error)"])
                    try? await cancelWhenGracefulShutdown { try await clock.sleep(for: .seconds(10)) }
                }
            }
        }
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            await watchdogs?.refreshHolds()
            await incidents.maintain()
            try? await cancelWhenGracefulShutdown { try await clock.sleep(for: interval) }
        }
    }
}
