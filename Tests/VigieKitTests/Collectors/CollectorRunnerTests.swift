import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import VigieCore
@testable import VigieKit
@testable import VigieLogs
@testable import VigieRender
import VigieTestSupport

/// Collectors against a local HTTP server serving the recorded payloads, and against the lab's real Prosody.
@Suite struct CollectorRunnerTests {
    static func fixtureServer() throws -> Application<RouterResponder<BasicRequestContext>> {
        let router = Router()
        let files: [(String, String, String)] = [
            ("/colibri/stats", Fixtures.colibri23, "application/json"),
            ("/legacy/colibri/stats", Fixtures.colibriLegacy, "application/json"),
            ("/old/colibri/stats", Fixtures.colibri21, "application/json"),
            ("/stats", Fixtures.jicofo2020, "application/json"),
            ("/prosody/metrics", Fixtures.prosodyMetrics, "application/openmetrics-text; version=0.0.4"),
        ]
        for (path, fixture, type) in files {
            let body = try Fixtures.bytes(fixture)
            router.get(RouterPath(path)) { _, _ in
                Response(status: .ok, headers: [.contentType: type], body: .init(byteBuffer: ByteBuffer(bytes: body)))
            }
        }
        router.get("/html/colibri/stats") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "text/html"],
                body: .init(byteBuffer: ByteBuffer(string: "<html>nginx</html>"))
            )
        }
        router.get("/forbidden/metrics") { _, _ in HTTPResponse.Status.forbidden }
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    }

    static func site(port: Int) throws -> Site {
        try SiteBuilder.site(
            """
            site: {name: s, domain: meet.example.org}
            services:
              videobridge-1:
                collect:
                  - jvb_colibri_stats: http://127.0.0.1:\(port)/colibri/stats
              videobridge-2:
                collect:
                  - jvb_colibri_stats: http://127.0.0.1:\(port)/legacy/colibri/stats
              videobridge-3:
                collect:
                  - jvb_colibri_stats: http://127.0.0.1:\(port)/old/colibri/stats
              focus:
                collect:
                  - jicofo_stats: http://127.0.0.1:\(port)/stats
              xmpp:
                collect:
                  - prosody_openmetrics: http://127.0.0.1:\(port)/prosody/metrics
              broken-html:
                collect:
                  - jvb_colibri_stats: http://127.0.0.1:\(port)/html/colibri/stats
              broken-forbidden:
                collect:
                  - prosody_openmetrics: http://127.0.0.1:\(port)/forbidden/metrics
              broken-404:
                collect:
                  - jvb_colibri_stats: http://127.0.0.1:\(port)/missing
            """
        )
    }

    @Test func everyRecordedPayloadOverHTTP() async throws {
        try await Self.fixtureServer().test(.live) { client in
            let port = try #require(client.port)
            let site = try Self.site(port: port)
            let runner = CollectorRunner(context: ProbeContext(allowlist: Allowlist(site: site)))
            var observations: [String: CollectorObservation] = [:]
            for collector in site.collectors { observations[collector.service] = try await runner.collect(collector) }

            #expect(observations["videobridge-1"]?.stats?[.iceSucceeded] == 32)
            #expect(observations["videobridge-2"]?.stats?[.conferences] == 0)
            #expect(observations["videobridge-3"]?.stats?[.threads] == 37)
            #expect(observations["focus"]?.stats?[.participants] == 4)
            #expect(observations["xmpp"]?.stats?[.c2sSessions] == 2)
            #expect(
                observations["broken-html"]?.result
                    == .failure(CollectorFailure(reason: "the answer is HTML, not JSON (is the REST API enabled?)"))
            )
            #expect(
                observations["broken-forbidden"]?.result
                    == .failure(
                        CollectorFailure(
                            reason:
                                "HTTP 403 Forbidden (Prosody serves /metrics only to openmetrics_allow_ips / openmetrics_allow_cidr)"
                        )
                    )
            )
            #expect(
                observations["broken-404"]?.result
                    == .failure(
                        CollectorFailure(
                            reason:
                                "HTTP 404 Not Found (the COLIBRI REST API is off by default: videobridge.apis.rest.enabled)"
                        )
                    )
            )
            #expect(observations.values.allSatisfy { $0.duration > .zero })
        }
    }

    @Test func aSourceThatIsDownIsAFailedObservation() async throws {
        let port = try await TestServers.freePort(udp: false)
        let site = try SiteBuilder.site(
            "site: {name: s, domain: d.org}\nservices:\n  videobridge:\n    collect:\n      - jvb_metrics: http://127.0.0.1:\(port)/metrics\n"
        )
        let observation = try await CollectorRunner(context: ProbeContext(allowlist: Allowlist(site: site))).collect(
            site.collectors[0]
        )
        #expect(observation.result == .failure(CollectorFailure(reason: "connection refused")))
        #expect(!observation.isUp)
    }

    @Test func anUndeclaredSourceIsRefused() async throws {
        let site = try SiteBuilder.site(checks: "      - tcp: 127.0.0.1:1")
        let stray = Collector(
            service: "svc",
            kind: .jvbMetrics,
            url: try HTTPURL.parse("http://127.0.0.1:8080/metrics").get()
        )
        await #expect(throws: UndeclaredTargetError.self) {
            try await CollectorRunner(context: ProbeContext(allowlist: Allowlist(site: site))).collect(stray)
        }
    }

    /// The lab's real Prosody 0.12 with mod_http_openmetrics.
    @Test func realProsody() async throws {
        try await Lab.ready()
        let site = try SiteBuilder.site(
            "site: {name: s, domain: meet.vigie.test}\nservices:\n  xmpp:\n    collect:\n      - prosody_openmetrics: http://127.0.0.1:\(Lab.xmppHTTP)/metrics\n"
        )
        let observation = try await CollectorRunner(context: ProbeContext(allowlist: Allowlist(site: site))).collect(
            site.collectors[0]
        )
        let stats = try observation.result.get()
        // Counts depend on what other tests do at the same moment; that they are read is the point.
        #expect((stats[.c2sSessions] ?? -1) >= 0, "a declared family without samples counts as 0")
        #expect((stats[.boshSessions] ?? -1) >= 0)
        #expect((stats[.mucRooms] ?? -1) >= 0)
    }
}
