import Foundation
import Testing

@testable import VigieCore
@testable import VigieKit
@testable import VigieLogs
@testable import VigieRender
import VigieTestSupport

@Suite struct AgentMetricsTests {
    static let startedAt = Date(timeIntervalSince1970: 1_795_000_000)

    static func site() throws -> Site {
        try SiteBuilder.site(
            """
            site: {name: s, domain: meet.example.org}
            services:
              web:
                checks:
                  - https: https://meet.example.org/
                  - tcp: 192.0.2.10:443
              turn:
                checks:
                  - stun: 192.0.2.10:3478
              videobridge-1:
                collect:
                  - jvb_colibri_stats: http://127.0.0.1:8080/colibri/stats
              videobridge-2:
                collect:
                  - jvb_colibri_stats: http://127.0.0.2:8080/colibri/stats
              xmpp:
                collect:
                  - prosody_openmetrics: http://127.0.0.1:5280/metrics
            """
        )
    }

    static func results(_ site: Site) -> [CheckResult] {
        var https = CheckResult(check: site.checks[0], verdict: .pass, startedAt: startedAt, latency: .milliseconds(30))
        https.http = HTTPReport(status: 200, hsts: true, hstsMaxAge: 1, hops: [], location: nil, bodyBytes: 0)
        https.tls = TLSReport(
            protocolVersion: "TLSv1.3",
            subject: "CN=meet.example.org",
            issuer: "CN=R11",
            subjectAltNames: [],
            notBefore: startedAt - 86_400,
            notAfter: startedAt + 10 * 86_400,
            daysLeft: 10,
            chainOK: true,
            hostnameOK: true,
            timeValid: true,
            problems: []
        )
        https.warn("certificate expires in 10 days")
        var tcp = CheckResult(check: site.checks[1], verdict: .pass, startedAt: startedAt)
        tcp.fail("connection refused")
        var stun = CheckResult(check: site.checks[2], verdict: .pass, startedAt: startedAt, latency: .milliseconds(2))
        stun.stun = STUNReport(
            mappedAddress: "198.51.100.7:40000",
            software: "Coturn",
            roundTrip: .milliseconds(2),
            requestsSent: 1
        )
        return [https, tcp, stun]
    }

    /// The exposition parsed back, as `name{labels}` → value.
    static func samples(_ metrics: AgentMetrics) -> [String: Double] {
        let scrape = PrometheusTextParser.parse(metrics.render())
        var out: [String: Double] = [:]
        for sample in scrape.samples {
            let labels = sample.labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
            out["\(sample.name){\(labels)}"] = sample.value
        }
        return out
    }

    @Test func checkSeries() throws {
        let site = try Self.site()
        let metrics = AgentMetrics()
        metrics.prune(keeping: site)
        for result in Self.results(site) { metrics.record(result, duration: .milliseconds(40)) }
        let samples = Self.samples(metrics)
        #expect(samples["vigie_probe_success{check=https,kind=https,service=web}"] == 1)
        #expect(samples["vigie_probe_warning{check=https,kind=https,service=web}"] == 1)
        #expect(samples["vigie_probe_success{check=tcp,kind=tcp,service=web}"] == 0)
        #expect(samples["vigie_probe_failures_total{check=tcp,kind=tcp,service=web}"] == 1)
        #expect(samples["vigie_probe_runs_total{check=https,kind=https,service=web}"] == 1)
        #expect(samples["vigie_probe_duration_seconds{check=tcp,kind=tcp,service=web}"] == 0.04)
        #expect(samples["vigie_probe_last_run_timestamp_seconds{check=tcp,kind=tcp,service=web}"] == 1_795_000_000)
        #expect(samples["vigie_tls_certificate_expiry_seconds{check=https,kind=https,service=web}"] == 864_000)
        #expect(
            samples["vigie_tls_certificate_not_after_timestamp_seconds{check=https,kind=https,service=web}"]
                == 1_795_864_000
        )
        #expect(samples["vigie_http_status_code{check=https,kind=https,service=web}"] == 200)
        #expect(samples["vigie_stun_rtt_seconds{check=stun,kind=stun,service=turn}"] == 0.002)
        #expect(samples["vigie_site_checks{}"] == 3)
        #expect(samples["vigie_build_info{version=\(Vigie.version)}"] == 1)
    }

    @Test func jitsiSeriesKeepBridgesApart() throws {
        let site = try Self.site()
        let metrics = AgentMetrics()
        let one = CollectorObservation(
            collector: site.collectors[0],
            collectedAt: Self.startedAt,
            duration: .milliseconds(3),
            result: .success(JitsiStats([.conferences: 2, .participants: 9, .bitrateIn: 8000, .iceFailed: 4]))
        )
        let two = CollectorObservation(
            collector: site.collectors[1],
            collectedAt: Self.startedAt,
            duration: .milliseconds(3),
            result: .failure(CollectorFailure(reason: "connection refused"))
        )
        metrics.record(one, serviceStats: one.stats!)
        metrics.record(two, serviceStats: JitsiStats())
        let samples = Self.samples(metrics)
        #expect(samples["vigie_jitsi_conferences{service=videobridge-1}"] == 2)
        #expect(samples["vigie_jitsi_participants{service=videobridge-1}"] == 9)
        #expect(samples["vigie_jitsi_throughput_bytes_per_second{direction=in,service=videobridge-1}"] == 1000)
        #expect(samples["vigie_jitsi_ice_failed_total{service=videobridge-1}"] == 4)
        #expect(samples["vigie_jitsi_collector_up{collector=jvb_colibri_stats,service=videobridge-1}"] == 1)
        #expect(samples["vigie_jitsi_collector_up{collector=jvb_colibri_stats,service=videobridge-2}"] == 0)
        #expect(samples["vigie_jitsi_conferences{service=videobridge-2}"] == nil)

        // The upstream total goes down (the bridge restarted): the counter follows, as a reset.
        let restarted = CollectorObservation(
            collector: site.collectors[0],
            collectedAt: Self.startedAt,
            duration: .milliseconds(3),
            result: .success(JitsiStats([.iceFailed: 1]))
        )
        metrics.record(restarted, serviceStats: restarted.stats!)
        let after = Self.samples(metrics)
        #expect(after["vigie_jitsi_ice_failed_total{service=videobridge-1}"] == 1)
        #expect(
            after["vigie_jitsi_conferences{service=videobridge-1}"] == nil,
            "a statistic no source reports disappears"
        )
    }

    @Test func pruneDropsWhatTheSiteNoLongerDeclares() throws {
        let site = try Self.site()
        let metrics = AgentMetrics()
        for result in Self.results(site) { metrics.record(result, duration: .milliseconds(1)) }
        let observation = CollectorObservation(
            collector: site.collectors[0],
            collectedAt: Self.startedAt,
            duration: .zero,
            result: .success(JitsiStats([.conferences: 1]))
        )
        metrics.record(observation, serviceStats: observation.stats!)
        var smaller = site
        smaller.services = [site.services[0]]
        smaller.services[0].checks.removeLast()
        metrics.prune(keeping: smaller)
        let samples = Self.samples(metrics)
        #expect(samples["vigie_probe_success{check=https,kind=https,service=web}"] == 1)
        #expect(samples["vigie_probe_success{check=tcp,kind=tcp,service=web}"] == nil)
        #expect(samples["vigie_probe_runs_total{check=tcp,kind=tcp,service=web}"] == nil)
        #expect(samples["vigie_stun_rtt_seconds{check=stun,kind=stun,service=turn}"] == nil)
        #expect(samples["vigie_jitsi_conferences{service=videobridge-1}"] == nil)
        #expect(samples["vigie_jitsi_collector_up{collector=jvb_colibri_stats,service=videobridge-1}"] == nil)
        #expect(samples["vigie_site_checks{}"] == 1)
    }

    @Test func seriesOfAnAbsentFactAreDropped() throws {
        let site = try Self.site()
        let metrics = AgentMetrics()
        let results = Self.results(site)
        metrics.record(results[0], duration: .zero)
        var failed = CheckResult(check: site.checks[0], verdict: .pass, startedAt: Self.startedAt)
        failed.fail("connection refused")
        metrics.record(failed, duration: .zero)
        let samples = Self.samples(metrics)
        #expect(samples["vigie_probe_success{check=https,kind=https,service=web}"] == 0)
        #expect(
            samples["vigie_tls_certificate_expiry_seconds{check=https,kind=https,service=web}"] == nil,
            "no stale certificate figure"
        )
        #expect(samples["vigie_probe_runs_total{check=https,kind=https,service=web}"] == 2)
    }

    /// The exposition passes the real `promtool check metrics` (Debian's prometheus package).
    @Test func passesPromtool() async throws {
        let site = try Self.site()
        let metrics = AgentMetrics()
        metrics.prune(keeping: site)
        metrics.recordReload(success: true)
        metrics.setInFlight(0)
        for result in Self.results(site) { metrics.record(result, duration: .milliseconds(40)) }
        var stats = JitsiStats()
        for stat in JitsiStat.allCases { stats[stat] = 1 }
        for collector in site.collectors {
            let observation = CollectorObservation(
                collector: collector,
                collectedAt: Self.startedAt,
                duration: .milliseconds(1),
                result: .success(stats)
            )
            metrics.record(observation, serviceStats: stats)
        }
        let text = String(decoding: metrics.render(), as: UTF8.self)
        let result = try await Shell.run("/usr/bin/promtool", ["check", "metrics"], input: text)
        #expect(result.status == 0, "\(result.output)\(result.standardError)")
        #expect(text.contains("# HELP vigie_jitsi_loss_ratio "))
    }

    /// Real payloads, plus the personal data the real logs carry, go through the whole path to
    /// `/metrics`; none of it may come out. The colibri payload is the recorded 2.3.63 one with fields
    /// added that hold strings copied from the recorded logs (room names, addresses, JIDs, e-mails):
    /// a test construction, not a recorded payload.
    @Test func noPersonalDataReachesMetrics() throws {
        let site = try Self.site()
        let metrics = AgentMetrics()
        let personal = [
            "TiredLawyersInvadeWidely", "109.43.242.217", "37.225.89.211", "Henry-GDs", "Hortense-7g8",
            "test@conference.jitsi.su.sd", "focus@auth.meet.jitsi", "445446f8-775d-4709-b526-b586167ad282@mydomain.com",
            "meet.example.test",
            "jitsi-jvb-0", "2.3.63-g2a4cc2f8",
        ]
        var colibri = try Fixtures.text(Fixtures.colibri23)
        colibri.removeLast(2)
        colibri +=
            #", "conference_name": "TiredLawyersInvadeWidely", "endpoints_list": ["109.43.242.217", "Henry-GDs"], "#
            + #""focus": "focus@auth.meet.jitsi", "room": "test@conference.jitsi.su.sd", "owner": "445446f8-775d-4709-b526-b586167ad282@mydomain.com", "#
            + #""conferences_by_name": {"Hortense-7g8": 2, "37.225.89.211": 1}}"#
        let colibriStats = try JitsiStatsExtractor.extract(.jvbColibriStats, body: Array(colibri.utf8)).get()
        let prosodyStats = try JitsiStatsExtractor.extract(
            .prosodyOpenMetrics,
            body: try Fixtures.bytes(Fixtures.prosodyMetrics)
        ).get()
        metrics.record(
            CollectorObservation(
                collector: site.collectors[0],
                collectedAt: Self.startedAt,
                duration: .zero,
                result: .success(colibriStats)
            ),
            serviceStats: colibriStats
        )
        metrics.record(
            CollectorObservation(
                collector: site.collectors[2],
                collectedAt: Self.startedAt,
                duration: .zero,
                result: .success(prosodyStats)
            ),
            serviceStats: prosodyStats
        )
        for result in Self.results(site) { metrics.record(result, duration: .zero) }
        let text = String(decoding: metrics.render(), as: UTF8.self)
        #expect(text.contains("vigie_jitsi_threads{service=\"videobridge-1\"} 58"))
        #expect(text.contains("vigie_jitsi_xmpp_sessions{service=\"xmpp\",transport=\"c2s\"} 2"))
        for value in personal { #expect(!text.contains(value), "\(value) leaked into /metrics") }
        #expect(!text.contains("192.0.2.10"), "check targets are not labels")
        #expect(!text.contains("198.51.100.7"), "the STUN mapped address is not exported")
    }
}
