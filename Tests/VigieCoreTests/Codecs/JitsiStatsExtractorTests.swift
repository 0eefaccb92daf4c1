import Testing

@testable import VigieCore
import VigieTestSupport

/// Every recorded Jitsi payload, read by the extractor that serves it.
@Suite struct JitsiStatsExtractorTests {
    static func extract(_ kind: Collector.Kind, _ fixture: String) throws -> JitsiStats {
        try JitsiStatsExtractor.extract(kind, body: try Fixtures.bytes(fixture)).get()
    }

    @Test func videobridge2_3() throws {
        let stats = try Self.extract(.jvbColibriStats, Fixtures.colibri23)
        #expect(stats[.conferences] == 0)
        #expect(stats[.participants] == 0)
        #expect(stats[.largestConference] == 0)
        #expect(stats[.conferencesCreated] == 10)
        #expect(stats[.stress] == 0)
        #expect(stats[.healthy] == 1)
        #expect(stats[.draining] == 0)
        #expect(stats[.shuttingDown] == 0)
        #expect(stats[.gracefulShutdown] == 0)
        #expect(stats[.iceSucceeded] == 32)
        #expect(stats[.iceFailed] == 0)
        #expect(stats[.threads] == 58)
        #expect(stats[.bitrateIn] == 0)
        #expect(stats[.lossIn] == 0)
        #expect(stats[.lossOverall] == 0)
    }

    @Test func videobridge2_1() throws {
        let stats = try Self.extract(.jvbColibriStats, Fixtures.colibri21)
        #expect(stats[.threads] == 37)
        #expect(stats[.conferences] == 0)
        #expect(stats[.lossIn] == 0, "2.1 calls it loss_rate_download")
        #expect(stats[.healthy] == nil, "2.1 has no healthy key")
        #expect(stats[.stress] == nil)
    }

    @Test func legacyBridgeWithConferenceSizesAsAString() throws {
        // conference_sizes is the string "[]" here: that field is lost, nothing else.
        let stats = try Self.extract(.jvbColibriStats, Fixtures.colibriLegacy)
        #expect(stats[.conferences] == 0)
        #expect(stats[.participants] == 0)
        #expect(stats[.threads] == 0)
        #expect(stats[.lossIn] == 0)
        #expect(stats[.lossOverall] == 0, "legacy rtp_loss")
    }

    @Test func jicofo2020() throws {
        let stats = try Self.extract(.jicofoStats, Fixtures.jicofo2020)
        #expect(stats[.conferences] == 2)
        #expect(stats[.participants] == 4)
        #expect(stats[.largestConference] == 3)
        #expect(stats[.conferencesCreated] == 14)
        #expect(stats[.bridges] == 1)
        #expect(stats[.bridgesOperational] == 1)
        #expect(stats[.bridgesLost] == nil, "not in the 2020 format")
    }

    @Test func prosody0_12() throws {
        let stats = try Self.extract(.prosodyOpenMetrics, Fixtures.prosodyMetrics)
        #expect(stats[.c2sSessions] == 2)
        #expect(stats[.boshSessions] == 2, "BOSH sessions, active (0) and waiting (2), at the time of the recording")
        #expect(stats[.mucRooms] == 1)
    }

    /// No JVB `/metrics` scrape was ever recorded; this one is written here from the metric names
    /// in ../shared/reference/jitsi.md (JVB's VideobridgePeriodicMetrics and VideobridgeMetrics) to
    /// test the mapping, not passed off as a real payload.
    @Test func videobridgeMetricsNames() throws {
        let scrape = PrometheusTextParser.parse(
            """
            # TYPE jitsi_jvb_conferences gauge
            jitsi_jvb_conferences 3
            jitsi_jvb_current_endpoints 11
            jitsi_jvb_largest_conference 6
            jitsi_jvb_stress 0.42
            jitsi_jvb_healthy 1
            jitsi_jvb_drain_mode 0
            jitsi_jvb_graceful_shutdown 0
            jitsi_jvb_shutting_down 0
            jitsi_jvb_incoming_bitrate 2500000
            jitsi_jvb_outgoing_bitrate 7500000
            jitsi_jvb_incoming_packet_rate 900
            jitsi_jvb_outgoing_packet_rate 2100
            jitsi_jvb_incoming_loss_fraction 0.01
            jitsi_jvb_outgoing_loss_fraction 0.02
            jitsi_jvb_loss_fraction 0.015
            jitsi_jvb_ice_succeeded_total 40
            jitsi_jvb_ice_failed_total 2
            jitsi_jvb_thread_count 61
            """
        )
        let stats = JitsiStatsExtractor.jvbMetrics(scrape)
        #expect(stats[.conferences] == 3)
        #expect(stats[.participants] == 11)
        #expect(stats[.stress] == 0.42)
        #expect(stats[.bitrateIn] == 2_500_000, "bits per second, as JVB exports them")
        #expect(stats[.iceFailed] == 2)
        #expect(stats[.lossOverall] == 0.015)
        #expect(stats[.threads] == 61)
    }

    @Test func colibriBitratesAreKilobits() throws {
        let stats = JitsiStatsExtractor.colibriStats(
            try JSONValue.parse(#"{"bit_rate_download": 1500, "bit_rate_upload": 2.5}"#)
        )
        #expect(stats[.bitrateIn] == 1_500_000)
        #expect(stats[.bitrateOut] == 2_500)
    }

    @Test func aWrongTypeLosesOnlyThatField() throws {
        let stats = JitsiStatsExtractor.colibriStats(
            try JSONValue.parse(
                #"{"conferences": "[]", "participants": 7, "healthy": "yes", "stress_level": {"a": 1}, "threads": 12.0}"#
            )
        )
        #expect(stats[.conferences] == nil)
        #expect(stats[.participants] == 7)
        #expect(stats[.healthy] == nil)
        #expect(stats[.stress] == nil)
        #expect(stats[.threads] == 12)
    }

    @Test func nonsenseIsAFailureWithAReason() {
        let html = JitsiStatsExtractor.extract(.jvbColibriStats, body: Array("<html><body>404</body></html>".utf8))
        #expect(html == .failure(CollectorFailure(reason: "the answer is HTML, not JSON (is the REST API enabled?)")))
        let array = JitsiStatsExtractor.extract(.jicofoStats, body: Array("[1,2]".utf8))
        #expect(array == .failure(CollectorFailure(reason: "expected a JSON object")))
        let empty = JitsiStatsExtractor.extract(.prosodyOpenMetrics, body: Array("# EOF\n".utf8))
        #expect(empty == .failure(CollectorFailure(reason: "no metrics in the answer (6 bytes)")))
        guard
            case .failure(let truncated) = JitsiStatsExtractor.extract(
                .jicofoStats,
                body: Array(#"{"conferences": 1"#.utf8)
            )
        else {
            Issue.record("truncated JSON must fail")
            return
        }
        #expect(truncated.reason.hasPrefix("invalid JSON at byte"))
    }

    @Test func mergingPrefersTheFirstSource() {
        let native = JitsiStats([.conferences: 3, .stress: 0.5])
        let legacy = JitsiStats([.conferences: 4, .threads: 40])
        let merged = native.merging(legacy)
        #expect(merged[.conferences] == 3)
        #expect(merged[.threads] == 40)
        #expect(merged[.stress] == 0.5)
    }
}
