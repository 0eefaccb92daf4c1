import Clocks
import NIOCore
import NIOPosix
import ServiceLifecycleTestKit
import Synchronization
import Testing

@testable import VigieCore
@testable import VigieKit
@testable import VigieLogs
@testable import VigieRender

/// The scheduler on a test clock: time moves when the test says, so no test waits for an interval.
/// Probes still talk to real servers (the lab, an in-process silent one); their own timeouts are NIO's.
/// The schedule's rules themselves are tested as a pure plan (SchedulePlanTests).
@Suite struct SchedulerTests {
    typealias TestScheduler = Scheduler<TestClock<Duration>>

    static func scheduler(
        _ site: Site,
        concurrency: Int = 4
    ) -> (TestScheduler, SiteHolder, ObservationStore, AgentMetrics, TestClock<Duration>) {
        let holder = SiteHolder(site: site)
        let store = ObservationStore()
        let metrics = AgentMetrics()
        let clock = TestClock()
        let scheduler = Scheduler(
            holder: holder,
            store: store,
            metrics: metrics,
            concurrency: concurrency,
            clock: clock,
            random: { 0.5 }
        )
        return (scheduler, holder, store, metrics, clock)
    }

    static func runs(_ metrics: AgentMetrics, _ key: String) -> Double? {
        AgentMetricsTests.samples(metrics)["vigie_probe_runs_total{\(key)}"]
    }

    /// Moves the clock in steps of 100 ms until `condition` holds (looked at before each step, so the
    /// clock stops where the condition came true). The scheduler starts when its task runs, which the
    /// test does not see: a single jump made before that would leave its first runs in the future.
    static func advance(
        _ clock: TestClock<Duration>,
        until condition: @escaping () async -> Bool
    ) async -> Bool {
        await LoopbackHTTP.eventually {
            if await condition() { return true }
            await clock.advance(by: .milliseconds(100))
            return false
        }
    }

    /// Waits (on real time, for real I/O) until `metrics` count `count` runs of `key`.
    static func waitForRuns(_ metrics: AgentMetrics, _ key: String, _ count: Double) async -> Bool {
        await LoopbackHTTP.eventually { (runs(metrics, key) ?? 0) >= count }
    }

    /// A run per interval of the clock, none without it; a graceful shutdown ends the loop at once.
    @Test func runsChecksOnItsClockAndStopsOnGracefulShutdown() async throws {
        try await Lab.ready()
        let site = try SiteBuilder.site(
            checks: """
                          - tcp: 127.0.0.1:\(Lab.httpsOK)
                            interval: 1s
                          - stun: 127.0.0.1:\(Lab.stun)
                            interval: 1s
                """
        )
        let (scheduler, _, store, metrics, clock) = Self.scheduler(site)
        let tcp = "check=tcp,kind=tcp,service=svc"
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await scheduler.run() }
                // Nothing runs before the clock moves (the first run is half an interval in).
                try await Task.sleep(for: .milliseconds(300))
                #expect(Self.runs(metrics, tcp) == nil, "no run while the clock stands still")
                #expect(await Self.advance(clock) { (Self.runs(metrics, tcp) ?? 0) >= 1 })
                for expected in 2...3 {
                    try await Task.sleep(for: .milliseconds(200))
                    #expect(Self.runs(metrics, tcp) == Double(expected - 1), "none until the clock moves")
                    await clock.advance(by: .seconds(1))
                    #expect(await Self.waitForRuns(metrics, tcp, Double(expected)))
                }
                #expect(await store.isReady(for: site))
                let stopping = ContinuousClock.now
                trigger.triggerGracefulShutdown()
                try await group.waitForAll()
                #expect(ContinuousClock.now - stopping < .seconds(10), "shutdown does not wait for an interval")
            }
        }
        let results = await store.results(for: site)
        #expect(results.map(\.verdict) == [.pass, .pass])
    }

    /// A slow check (1.5 s against a silent server, real time) with its interval passed many times on
    /// the clock meanwhile: it never runs twice at once.
    @Test func aCheckNeverOverlapsItself() async throws {
        let tracker = ConnectionTracker()
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(tracker) }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        defer { server.close(promise: nil) }
        let site = try SiteBuilder.site(
            checks: """
                          - http: http://127.0.0.1:\(server.localAddress!.port!)/
                            interval: 1s
                            timeout: 1500ms
                """
        )
        let (scheduler, _, _, metrics, clock) = Self.scheduler(site)
        let http = "check=http,kind=http,service=svc"
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await scheduler.run() }
                #expect(await Self.advance(clock) { tracker.maximumConcurrent(grace: .zero) >= 1 })
                // Ten intervals pass while the first run waits on the silent server.
                await clock.advance(by: .seconds(10))
                #expect(await Self.waitForRuns(metrics, http, 1))
                await clock.advance(by: .seconds(10))
                #expect(await Self.waitForRuns(metrics, http, 2))
                trigger.triggerGracefulShutdown()
                try await group.waitForAll()
            }
        }
        #expect(tracker.maximumConcurrent() == 1)
    }

    /// Ten slow checks due at once with a concurrency of 3: never more than three connections at once,
    /// and all ten run without the clock moving again (the queue drains as slots free).
    @Test func concurrencyIsBoundedAcrossChecks() async throws {
        let tracker = ConnectionTracker()
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(tracker) }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        defer { server.close(promise: nil) }
        let port = server.localAddress!.port!
        let checks = (1...10).map {
            "      - http: http://127.0.0.1:\(port)/\($0)\n        interval: 1s\n        timeout: 600ms"
        }
        let site = try SiteBuilder.site(checks: checks.joined(separator: "\n"))
        let (scheduler, _, store, _, clock) = Self.scheduler(site, concurrency: 3)
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await scheduler.run() }
                // Once the first three start, the clock stands still: the queue drains as slots free.
                #expect(await Self.advance(clock) { tracker.maximumConcurrent(grace: .zero) >= 1 })
                #expect(await LoopbackHTTP.eventually { await store.results(for: site).count == 10 })
                trigger.triggerGracefulShutdown()
                try await group.waitForAll()
            }
        }
        #expect(tracker.maximumConcurrent() == 3)
    }

    @Test func aReloadReplacesTheChecks() async throws {
        try await Lab.ready()
        let first = try SiteBuilder.site(checks: "      - tcp: 127.0.0.1:\(Lab.httpsOK)\n        interval: 1s")
        let second = try SiteBuilder.site(
            checks: "      - tcp: 127.0.0.1:\(Lab.xmppC2S)\n        interval: 1s\n        name: xmpp-port"
        )
        let (scheduler, holder, store, metrics, clock) = Self.scheduler(first)
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await scheduler.run() }
                #expect(await Self.advance(clock) { await store.results(for: first).count == 1 })
                holder.update(second)
                await store.prune(keeping: second)
                metrics.prune(keeping: second)
                // The new generation's first run is half an interval after the reload, on the clock.
                #expect(await Self.advance(clock) { await store.results(for: second).count == 1 })
                #expect(Self.runs(metrics, "check=tcp,kind=tcp,service=svc") == nil, "the old check's series are gone")
                await clock.advance(by: .seconds(3))
                #expect(await Self.waitForRuns(metrics, "check=xmpp-port,kind=tcp,service=svc", 2))
                #expect(Self.runs(metrics, "check=tcp,kind=tcp,service=svc") == nil, "and it no longer runs")
                trigger.triggerGracefulShutdown()
                try await group.waitForAll()
            }
        }
    }

    @Test func collectorsRunAndFeedTheExporter() async throws {
        try await Lab.ready()
        let site = try SiteBuilder.site(
            "site: {name: s, domain: meet.vigie.test}\nservices:\n  xmpp:\n    collect:\n      - prosody_openmetrics: http://127.0.0.1:\(Lab.xmppHTTP)/metrics\n        interval: 1s\n"
        )
        let (scheduler, _, store, metrics, clock) = Self.scheduler(site)
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await scheduler.run() }
                #expect(await Self.advance(clock) { await !store.observations(for: site).isEmpty })
                trigger.triggerGracefulShutdown()
                try await group.waitForAll()
            }
        }
        let samples = AgentMetricsTests.samples(metrics)
        #expect(samples["vigie_jitsi_collector_up{collector=prosody_openmetrics,service=xmpp}"] == 1)
        #expect(samples["vigie_jitsi_muc_rooms{service=xmpp}"] != nil)
    }
}

/// Counts open connections to a server, and the most open at once.
final class ConnectionTracker: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    private struct State {
        var open: [ObjectIdentifier: ContinuousClock.Instant] = [:]
        var intervals: [(start: ContinuousClock.Instant, end: ContinuousClock.Instant)] = []
    }
    private let state = Mutex(State())

    func channelActive(context: ChannelHandlerContext) {
        let id = ObjectIdentifier(context.channel)
        state.withLock { $0.open[id] = .now }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        let id = ObjectIdentifier(context.channel)
        state.withLock { state in
            if let start = state.open.removeValue(forKey: id) { state.intervals.append((start, .now)) }
        }
        context.fireChannelInactive()
    }

    /// The most connections open at once, not counting the last `grace` of each: the server may
    /// see a probe's close after the next probe's connect (different event-loop threads), which is
    /// not an overlap of the probes. A real overlap lasts as long as a probe does.
    func maximumConcurrent(grace: Duration = .milliseconds(200)) -> Int {
        let now = ContinuousClock.now
        let intervals = state.withLock { state in state.intervals + state.open.values.map { ($0, now) } }
        var events: [(at: ContinuousClock.Instant, delta: Int)] = []
        for interval in intervals where interval.end - grace > interval.start {
            events.append((interval.start, 1))
            events.append((interval.end - grace, -1))
        }
        events.sort { $0.at == $1.at ? $0.delta < $1.delta : $0.at < $1.at }
        var open = 0
        var maximum = 0
        for event in events {
            open += event.delta
            maximum = max(maximum, open)
        }
        return maximum
    }
}
