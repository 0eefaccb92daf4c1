import Logging
import ServiceLifecycle
import Synchronization

import struct Foundation.Date

// Every check and every collector runs in its own loop: a random start within the first interval
// (or the first two seconds, whichever is shorter) so that a site's probes do not fire together,
// then every `interval` ±5 %. A loop runs its job to completion before sleeping, so one check
// never overlaps itself, and a semaphore bounds how many jobs run at once across the agent.
// A site reload ends the current loops (in-flight probes are cancelled) and starts the new ones.

/// Runs the site's checks and collectors on their schedules and records what they observe.
public struct Scheduler: ServiceLifecycle.Service {
    public let holder: SiteHolder
    public let store: ObservationStore
    public let metrics: AgentMetrics
    public let concurrency: Int
    public let logger: Logger
    /// A uniform random number in [0, 1), injectable for tests.
    let random: @Sendable () -> Double

    public init(
        holder: SiteHolder,
        store: ObservationStore,
        metrics: AgentMetrics,
        concurrency: Int = ProbeEngine.defaultConcurrency,
        logger: Logger = Logger(label: "vigie.scheduler"),
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) {
        self.holder = holder
        self.store = store
        self.metrics = metrics
        self.concurrency = concurrency
        self.logger = logger
        self.random = random
    }

    public func run() async throws {
        let limiter = AsyncSemaphore(permits: concurrency)
        let inFlight = InFlightCounter(metrics: metrics)
        await withGracefulShutdownHandler {
            while !holder.isShutDown, !Task.isCancelled {
                let (generation, site) = holder.current
                logger.info(
                    "scheduling the site's checks",
                    metadata: ["vigie.checks": "\(site.checks.count)", "vigie.collectors": "\(site.collectors.count)"]
                )
                let context = ProbeContext(allowlist: Allowlist(site: site))
                let engine = ProbeEngine(context: context, concurrency: 1)
                let runner = CollectorRunner(context: context)
                await withTaskGroup(of: Void.self) { group in
                    for check in site.checks {
                        group.addTask { await loop(check, engine: engine, limiter: limiter, inFlight: inFlight) }
                    }
                    for collector in site.collectors {
                        guard let service = site.service(named: collector.service) else { continue }
                        group.addTask {
                            await loop(collector, service: service, runner: runner, limiter: limiter, inFlight: inFlight)
                        }
                    }
                    group.addTask { await holder.waitForChange(after: generation) }
                    // Loops only end when cancelled: the first child to finish is the change (or shutdown) watcher.
                    await group.next()
                    group.cancelAll()
                }
            }
        } onGracefulShutdown: {
            holder.shutDown()
        }
        logger.info("scheduler stopped")
    }

    func firstDelay(_ interval: Duration) -> Duration {
        min(interval, .seconds(2)) * random()
    }

    func jittered(_ interval: Duration) -> Duration {
        interval * (0.95 + 0.1 * random())
    }

    func loop(_ check: Check, engine: ProbeEngine, limiter: AsyncSemaphore, inFlight: InFlightCounter) async {
        var lastVerdict: Verdict?
        do {
            try await Task.sleep(for: firstDelay(check.interval))
            while !Task.isCancelled {
                try await limiter.acquire()
                let started = ContinuousClock.now
                inFlight.add(1)
                let result = try? await engine.run(check)
                inFlight.add(-1)
                limiter.release()
                // A probe cut short by a reload or shutdown says nothing about the service.
                guard !Task.isCancelled, let result else { return }
                let duration = ContinuousClock.now - started
                metrics.record(result, duration: duration)
                await store.record(result)
                logTransition(result, from: lastVerdict)
                lastVerdict = result.verdict
                try await Task.sleep(until: started + jittered(check.interval), clock: .continuous)
            }
        } catch {
            return
        }
    }

    func loop(
        _ collector: Collector,
        service: Service,
        runner: CollectorRunner,
        limiter: AsyncSemaphore,
        inFlight: InFlightCounter
    ) async {
        var wasUp: Bool?
        do {
            try await Task.sleep(for: firstDelay(collector.interval))
            while !Task.isCancelled {
                try await limiter.acquire()
                let started = ContinuousClock.now
                inFlight.add(1)
                let observation = try? await runner.collect(collector)
                inFlight.add(-1)
                limiter.release()
                guard !Task.isCancelled, let observation else { return }
                await store.record(observation)
                metrics.record(observation, serviceStats: await store.stats(forService: service))
                if case .failure(let failure) = observation.result, wasUp != false {
                    logger.warning(
                        "collector failed",
                        metadata: ["vigie.collector": "\(collector.id)", "vigie.reason": "\(failure.reason)"]
                    )
                } else if observation.isUp, wasUp == false {
                    logger.info("collector recovered", metadata: ["vigie.collector": "\(collector.id)"])
                }
                wasUp = observation.isUp
                try await Task.sleep(until: started + jittered(collector.interval), clock: .continuous)
            }
        } catch {
            return
        }
    }

    /// Logs a check only when its verdict changes: the first failure, and the recovery.
    func logTransition(_ result: CheckResult, from previous: Verdict?) {
        guard result.verdict != previous else { return }
        let metadata: Logger.Metadata = ["vigie.check": "\(result.check.service)/\(result.check.name)"]
        switch result.verdict {
        case .fail:
            logger.warning("check failed", metadata: metadata.merging(["vigie.reason": "\(result.error ?? "")"]) { $1 })
        case .warn:
            logger.notice("check passed with a warning", metadata: metadata.merging(["vigie.reason": "\(result.warning ?? "")"]) { $1 })
        case .pass:
            if previous != nil { logger.notice("check recovered", metadata: metadata) }
        }
    }
}

/// Counts running jobs for `vigie_probes_in_flight`.
final class InFlightCounter: Sendable {
    private let count = Mutex(0)
    let metrics: AgentMetrics

    init(metrics: AgentMetrics) {
        self.metrics = metrics
    }

    func add(_ delta: Int) {
        let now = count.withLock { value -> Int in
            value += delta
            return value
        }
        metrics.setInFlight(now)
    }
}
