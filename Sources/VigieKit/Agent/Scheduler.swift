public import Logging
public import ServiceLifecycle

import struct Foundation.Date
import VigieCore

// One loop schedules every job of the site (checks and collectors) from a queue ordered by due
// time, and runs each due job in a short-lived child task. Why not a long-lived task per check:
// such a task keeps its async stack slabs for its whole life, tens of kilobytes per check, which a
// site of a thousand checks pays for ever. Here a waiting job costs one queue entry.
//
// Rules: a job's first run falls at a random moment within its first interval (at most 2 s), so a
// site's probes do not fire together; the next run is queued only when the current one ends (a job
// never overlaps itself), `interval` ±5 % after it started; at most `concurrency` jobs run at once.
// The decisions are a pure plan (SchedulePlan); this loop runs it against an injected clock, so that
// tests move time themselves. A site reload ends the generation: running probes are cancelled and
// the new site's jobs start.

/// Runs the site's checks and collectors on their schedules and records what they observe.
public struct Scheduler<C: Clock>: ServiceLifecycle.Service where C.Duration == Duration {
    public let holder: SiteHolder
    public let store: ObservationStore
    public let metrics: AgentMetrics
    public let concurrency: Int
    public let logger: Logger
    /// Take each check result after it is recorded, one after the other in the order given (the agent's:
    /// the incident manager, then the watchdog supervisor).
    public let observers: [any CheckResultObserver]
    /// A uniform random number in [0, 1), injectable for tests.
    let random: @Sendable () -> Double
    /// What the schedule runs on: the continuous clock, or a test's.
    let clock: C

    public init(
        holder: SiteHolder,
        store: ObservationStore,
        metrics: AgentMetrics,
        concurrency: Int = ProbeEngine.defaultConcurrency,
        observers: [any CheckResultObserver] = [],
        logger: Logger = Logger(label: "vigie.scheduler"),
        clock: C,
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) {
        self.clock = clock
        self.observers = observers
        self.holder = holder
        self.store = store
        self.metrics = metrics
        self.concurrency = max(1, concurrency)
        self.logger = logger
        self.random = random
    }

    public func run() async throws {
        await withGracefulShutdownHandler {
            while !holder.isShutDown, !Task.isCancelled {
                let (generation, site) = holder.current
                logger.info(
                    "scheduling the site's checks",
                    metadata: ["vigie.checks": "\(site.checks.count)", "vigie.collectors": "\(site.collectors.count)"]
                )
                await runGeneration(site, generation: generation)
            }
        } onGracefulShutdown: {
            holder.shutDown()
        }
        metrics.setInFlight(0)
        logger.info("scheduler stopped")
    }

    /// A job of the site: one check, or one collector with the service it describes.
    enum Job: Sendable {
        case check(Check)
        case collector(Collector, Service)

        var interval: Duration {
            switch self {
            case .check(let check): check.interval
            case .collector(let collector, _): collector.interval
            }
        }
    }

    /// What a finished job tells the loop (for transition logs).
    enum Outcome: Sendable {
        case check(Verdict, reason: String?)
        case collector(up: Bool, reason: String?)
        case cancelled
    }

    enum Event: Sendable {
        case finished(index: Int, started: C.Instant, outcome: Outcome)
        case tick
        case siteChanged
    }

    func runGeneration(_ site: Site, generation: Int) async {
        var jobs: [Job] = site.checks.map { .check($0) }
        for collector in site.collectors {
            if let service = site.service(named: collector.service) { jobs.append(.collector(collector, service)) }
        }
        let context = ProbeContext(allowlist: Allowlist(site: site), trust: TrustStores(site: site))
        let engine = ProbeEngine(context: context, concurrency: 1)
        let runner = CollectorRunner(context: context)

        var plan = SchedulePlan(intervals: jobs.map(\.interval), start: clock.now, concurrency: concurrency) {
            firstDelay($0)
        }
        var previous = [Outcome?](repeating: nil, count: jobs.count)

        await withTaskGroup(of: Event.self) { group in
            group.addTask {
                await holder.waitForChange(after: generation)
                return .siteChanged
            }
            var timer: C.Instant?
            while true {
                for index in plan.start(at: clock.now) {
                    let job = jobs[index]
                    group.addTask {
                        let started = clock.now
                        let outcome = await execute(job, engine: engine, runner: runner)
                        return .finished(index: index, started: started, outcome: outcome)
                    }
                }
                metrics.setInFlight(plan.running)
                // One timer for the earliest waiting job (when a slot is free to run it).
                if let wakeUp = plan.wakeUp, timer.map({ wakeUp < $0 }) ?? true {
                    timer = wakeUp
                    group.addTask {
                        try? await clock.sleep(until: wakeUp, tolerance: nil)
                        return .tick
                    }
                }
                guard let event = await group.next() else { return }
                switch event {
                case .siteChanged:
                    group.cancelAll()
                    return
                case .tick:
                    timer = nil
                case .finished(let index, let started, let outcome):
                    if case .cancelled = outcome {
                        plan.finished(index)
                        continue
                    }
                    logTransition(jobs[index], outcome, previous: previous[index])
                    previous[index] = outcome
                    plan.finished(index, nextAt: started.advanced(by: jittered(jobs[index].interval)))
                }
            }
        }
    }

    /// Runs one job and records what it observed.
    func execute(_ job: Job, engine: ProbeEngine, runner: CollectorRunner) async -> Outcome {
        let started = ContinuousClock.now
        switch job {
        case .check(let check):
            // Undeclared is impossible here: the engine's allowlist is made from this very site.
            guard let result = try? await engine.run(check), !Task.isCancelled else { return .cancelled }
            metrics.record(result, duration: .now - started)
            await store.record(result)
            for observer in observers { await observer.observe(result) }
            return .check(result.verdict, reason: result.error ?? result.warning)
        case .collector(let collector, let service):
            guard let observation = try? await runner.collect(collector), !Task.isCancelled else { return .cancelled }
            await store.record(observation)
            metrics.record(observation, serviceStats: await store.stats(forService: service))
            if case .failure(let failure) = observation.result { return .collector(up: false, reason: failure.reason) }
            return .collector(up: true, reason: nil)
        }
    }

    func firstDelay(_ interval: Duration) -> Duration {
        min(interval, .seconds(2)) * random()
    }

    func jittered(_ interval: Duration) -> Duration {
        interval * (0.95 + 0.1 * random())
    }

    /// Logs a job only when its state changes: the first failure, and the recovery.
    func logTransition(_ job: Job, _ outcome: Outcome, previous: Outcome?) {
        switch (job, outcome) {
        case (.check(let check), .check(let verdict, let reason)):
            if case .check(let before, _)? = previous, before == verdict { return }
            let metadata: Logger.Metadata = ["vigie.check": "\(check.service)/\(check.name)"]
            switch verdict {
            case .fail:
                logger.warning("check failed", metadata: metadata.merging(["vigie.reason": "\(reason ?? "")"]) { $1 })
            case .warn:
                logger.notice(
                    "check passed with a warning",
                    metadata: metadata.merging(["vigie.reason": "\(reason ?? "")"]) { $1 }
                )
            case .pass:
                if previous != nil { logger.notice("check recovered", metadata: metadata) }
            }
        case (.collector(let collector, _), .collector(let up, let reason)):
            if case .collector(let before, _)? = previous, before == up { return }
            if up {
                if previous != nil {
                    logger.notice("collector recovered", metadata: ["vigie.collector": "\(collector.id)"])
                }
            } else {
                logger.warning(
                    "collector failed",
                    metadata: ["vigie.collector": "\(collector.id)", "vigie.reason": "\(reason ?? "")"]
                )
            }
        default:
            return
        }
    }
}

extension Scheduler where C == ContinuousClock {
    /// A scheduler on the continuous clock (the agent's).
    public init(
        holder: SiteHolder,
        store: ObservationStore,
        metrics: AgentMetrics,
        concurrency: Int = ProbeEngine.defaultConcurrency,
        observers: [any CheckResultObserver] = [],
        logger: Logger = Logger(label: "vigie.scheduler"),
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) {
        self.init(
            holder: holder,
            store: store,
            metrics: metrics,
            concurrency: concurrency,
            observers: observers,
            logger: logger,
            clock: ContinuousClock(),
            random: random
        )
    }
}
