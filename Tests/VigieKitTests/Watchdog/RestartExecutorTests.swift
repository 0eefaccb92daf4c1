import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Synchronization
import Testing

@testable import VigieCore
@testable import VigieKit
@testable import VigieLogs
@testable import VigieRender

/// The drain sequence against an HTTP server that implements the two JVB endpoints it uses
/// (`POST /colibri/drain/enable`, `GET /metrics` with `jitsi_jvb_conferences`) — a protocol
/// stand-in written for this test, since no Jitsi Videobridge can run here.
@Suite struct RestartExecutorTests {
    final class BridgeState: Sendable {
        let draining = Mutex(false)
        let conferences = Mutex(2)
        let enableCalls = Mutex(0)
    }

    static func bridge(_ state: BridgeState) -> Application<RouterResponder<BasicRequestContext>> {
        let router = Router()
        router.post("/colibri/drain/enable") { _, _ -> HTTPResponse.Status in
            state.draining.withLock { $0 = true }
            state.enableCalls.withLock { $0 += 1 }
            return .ok
        }
        router.get("/metrics") { _, _ -> String in
            // Conferences end one by one once draining.
            let count = state.conferences.withLock { value -> Int in
                if state.draining.withLock({ $0 }), value > 0 { value -= 1 }
                return value
            }
            return "# TYPE jitsi_jvb_conferences gauge\njitsi_jvb_conferences \(count)\n"
        }
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    }

    @Test func drainsThenRestarts() async throws {
        let state = BridgeState()
        try await Self.bridge(state).test(.live) { client in
            let port = try #require(client.port)
            let site = try SiteBuilder.site(
                """
                site: {name: s, domain: d.org}
                services:
                  videobridge:
                    unit: jitsi-videobridge2
                    remediation:
                      command: [/usr/bin/true, jitsi-videobridge2]
                      drain: {url: "http://127.0.0.1:\(port)", deadline: 10s}
                """
            )
            let executor = RestartExecutor(
                dryRun: false,
                context: ProbeContext(allowlist: Allowlist(site: site)),
                drainPollInterval: .milliseconds(50)
            )
            let outcome = await executor.restart(site.services[0], policy: site.services[0].remediation!)
            #expect(outcome.succeeded)
            #expect(outcome.detail.hasPrefix("drained in"), "\(outcome.detail)")
            #expect(outcome.detail.hasSuffix("; exit 0"))
            #expect(state.enableCalls.withLock { $0 } == 1)
            #expect(state.conferences.withLock { $0 } == 0)
        }
    }

    @Test func theDeadlineBoundsTheDrain() async throws {
        let state = BridgeState()
        state.conferences.withLock { $0 = 1_000_000 }
        try await Self.bridge(state).test(.live) { client in
            let port = try #require(client.port)
            let site = try SiteBuilder.site(
                "site: {name: s, domain: d.org}\nservices:\n  jvb:\n    unit: jvb\n    remediation:\n      command: [/usr/bin/true, jvb]\n      drain: {url: \"http://127.0.0.1:\(port)\", deadline: 1s}\n"
            )
            let start = ContinuousClock.now
            let outcome = await RestartExecutor(
                dryRun: false,
                context: ProbeContext(allowlist: Allowlist(site: site)),
                drainPollInterval: .milliseconds(100)
            )
            .restart(site.services[0], policy: site.services[0].remediation!)
            #expect(outcome.detail == "drain deadline (1s) reached with conferences still running; exit 0")
            // Bounded by the 1 s deadline, not the bridge: generous, the suite shares two cores.
            #expect(ContinuousClock.now - start < .seconds(15))
        }
    }

    @Test func anUnreachableBridgeIsRestartedAnyway() async throws {
        let port = try await TestServers.freePort(udp: false)
        let site = try SiteBuilder.site(
            "site: {name: s, domain: d.org}\nservices:\n  jvb:\n    unit: jvb\n    remediation:\n      command: [/usr/bin/true, jvb]\n      drain: {url: \"http://127.0.0.1:\(port)\"}\n"
        )
        let outcome = await RestartExecutor(dryRun: false, context: ProbeContext(allowlist: Allowlist(site: site)))
            .restart(site.services[0], policy: site.services[0].remediation!)
        #expect(outcome == RestartOutcome(succeeded: true, detail: "drain API unreachable, restarting anyway; exit 0"))
    }

    @Test func failingAndSlowCommandsAreReported() async throws {
        let executor = RestartExecutor(dryRun: false, context: ProbeContext(allowlist: Allowlist(checks: [])))
        // A generous budget: the whole suite shares two cores, and the command's exit is what is judged here.
        let failing = await executor.run(
            ["/bin/sh", "-c", "echo 'Job for prosody.service failed' >&2; exit 1", "prosody"],
            timeout: .seconds(60)
        )
        #expect(failing == RestartOutcome(succeeded: false, detail: "exit 1: Job for prosody.service failed"))
        let start = ContinuousClock.now
        let slow = await executor.run(["/bin/sleep", "30"], timeout: .milliseconds(500))
        #expect(slow == RestartOutcome(succeeded: false, detail: "timed out after 500ms"))
        #expect(ContinuousClock.now - start < .seconds(8))
        let missing = await executor.run(["/nonexistent/restart", "prosody"], timeout: .seconds(60))
        #expect(!missing.succeeded)
        #expect(missing.detail.hasPrefix("cannot run /nonexistent/restart"))
    }
}
