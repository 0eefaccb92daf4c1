import NIOCore
import NIOPosix
import ServiceLifecycleTestKit
import Synchronization
import Testing

@testable import VigieCore
@testable import VigieKit
@testable import VigieLogs
@testable import VigieRender

@Suite struct SchedulerTests {
    static func scheduler(_ site: Site, concurrency: Int = 4) -> (Scheduler, SiteHolder, ObservationStore, AgentMetrics)
    {
        let holder = SiteHolder(site: site)
        let store = ObservationStore()
        let metrics = AgentMetrics()
        let scheduler = Scheduler(
            holder: holder,
            store: store,
            metrics: metrics,
            concurrency: concurrency,
            random: { 0.5 }
        )
        return (scheduler, holder, store, metrics)
    }

    static func runs(_ metrics: AgentMetrics, _ key: String) -> Double? {
        AgentMetricsTests.samples(metrics)["vigie_probe_runs_total{\(key)}"]
    }

    @Test func runsChecksRepeatedlyAndStopsOnGracefulShutdown() async throws {
        try await Lab.ready()
        let site = try SiteBuilder.site(
            checks: """
                          - tcp: 127.0.0.1:\(Lab.httpsOK)
                            interval: 1s
                          - stun: 127.0.0.1:\(Lab.stun)
                            interval: 1s
                """
        )
        let (scheduler, _, store, metrics) = Self.scheduler(site)
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await scheduler.run() }
                let ran = await LoopbackHTTP.eventually(timeout: .seconds(60)) {
                    (Self.runs(metrics, "check=tcp,kind=tcp,service=svc") ?? 0) >= 3
                }
                #expect(ran, "three runs in a few seconds at a 1 s interval")
                #expect(await store.isReady(for: site))
                let stopping = ContinuousClock.now
                trigger.triggerGracefulShutdown()
                try await group.waitForAll()
                #expect(ContinuousClock.now - stopping < .seconds(3), "shutdown is prompt")
            }
        }
        let results = await store.results(for: site)
        #expect(results.map(\.verdict) == [.pass, .pass])
    }

    /// A slow check (1.5 s against a silent server) at a 1 s interval never runs twice at once.
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
        let (scheduler, _, _, metrics) = Self.scheduler(site)
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await scheduler.run() }
                // Three runs of 1.5 s each, 1 s apart, after a first start within 2 s: about 8.5 s on an idle
                // machine; the wait ends as soon as they are done, and allows for a loaded one.
                _ = await LoopbackHTTP.eventually(timeout: .seconds(40)) {
                    (Self.runs(metrics, "check=http,kind=http,service=svc") ?? 0) >= 3
                }
                trigger.triggerGracefulShutdown()
                try await group.waitForAll()
            }
        }
        #expect(tracker.maximumConcurrent() == 1)
        #expect((Self.runs(metrics, "check=http,kind=http,service=svc") ?? 0) >= 3)
    }

    /// Ten slow checks with a concurrency of 3: never more than three connections at once.
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
        let (scheduler, _, store, _) = Self.scheduler(site, concurrency: 3)
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await scheduler.run() }
                #expect(
                    await LoopbackHTTP.eventually(timeout: .seconds(60)) { await store.results(for: site).count == 10 }
                )
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
        let (scheduler, holder, store, metrics) = Self.scheduler(first)
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await scheduler.run() }
                #expect(
                    await LoopbackHTTP.eventually(timeout: .seconds(60)) { await store.results(for: first).count == 1 }
                )
                holder.update(second)
                await store.prune(keeping: second)
                metrics.prune(keeping: second)
                #expect(
                    await LoopbackHTTP.eventually(timeout: .seconds(60)) { await store.results(for: second).count == 1 }
                )
                let before = Self.runs(metrics, "check=tcp,kind=tcp,service=svc")
                #expect(before == nil, "the old check's series are gone")
                try await Task.sleep(for: .milliseconds(1500))
                #expect(Self.runs(metrics, "check=tcp,kind=tcp,service=svc") == nil, "and it no longer runs")
                #expect((Self.runs(metrics, "check=xmpp-port,kind=tcp,service=svc") ?? 0) >= 1)
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
        let (scheduler, _, store, metrics) = Self.scheduler(site)
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await scheduler.run() }
                #expect(
                    await LoopbackHTTP.eventually(timeout: .seconds(60)) {
                        await !store.observations(for: site).isEmpty
                    }
                )
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
