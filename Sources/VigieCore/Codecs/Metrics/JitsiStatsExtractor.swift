// From each Jitsi source to `JitsiStats`: pure functions, one per kind of source.
//
// The JSON of `/colibri/stats` and Jicofo's `/stats` drifted across versions: every key is optional,
// numbers may be integers, floats or strings, and a field of the wrong type (`conference_sizes` served
// as the string "[]") loses that field only. Metric names that moved are looked up by every name
// they have had.

/// Reads Jitsi statistics out of each kind of source.
public enum JitsiStatsExtractor {
    /// The statistics of one source body, or why it cannot be read at all.
    public static func extract(_ kind: Collector.Kind, body: [UInt8]) -> Result<JitsiStats, CollectorFailure> {
        switch kind {
        case .jvbColibriStats, .jicofoStats:
            let json: JSONValue
            do {
                json = try JSONValue.parse(body)
            } catch {
                return .failure(CollectorFailure(reason: notJSONReason(body, error)))
            }
            guard case .object = json else { return .failure(CollectorFailure(reason: "expected a JSON object")) }
            return .success(kind == .jicofoStats ? jicofoStats(json) : colibriStats(json))
        case .jvbMetrics, .jicofoMetrics, .prosodyOpenMetrics:
            let scrape = PrometheusTextParser.parse(body)
            guard !scrape.samples.isEmpty else {
                return .failure(CollectorFailure(reason: "no metrics in the answer (\(body.count) bytes)"))
            }
            switch kind {
            case .jvbMetrics: return .success(jvbMetrics(scrape))
            case .jicofoMetrics: return .success(jicofoMetrics(scrape))
            default: return .success(prosody(scrape))
            }
        }
    }

    static func notJSONReason(_ body: [UInt8], _ error: JSONParseError) -> String {
        let start = body.first { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }
        if start == UInt8(ascii: "<") { return "the answer is HTML, not JSON (is the REST API enabled?)" }
        return error.description
    }

    /// Jitsi Videobridge `/colibri/stats` (2.1 to 2.3 and the legacy 2019 keys).
    public static func colibriStats(_ json: JSONValue) -> JitsiStats {
        var stats = JitsiStats()
        stats[.conferences] = json["conferences"]?.double
        stats[.participants] = (json["participants"] ?? json["endpoints"])?.double
        stats[.largestConference] = json["largest_conference"]?.double
        stats[.conferencesCreated] = json["total_conferences_created"]?.double
        stats[.stress] = json["stress_level"]?.double
        stats[.healthy] = json["healthy"]?.bool.map { $0 ? 1 : 0 }
        stats[.draining] = json["drain"]?.bool.map { $0 ? 1 : 0 }
        stats[.gracefulShutdown] = json["graceful_shutdown"]?.bool.map { $0 ? 1 : 0 }
        stats[.shuttingDown] = json["shutting_down"]?.bool.map { $0 ? 1 : 0 }
        // Kilobits per second in this API.
        stats[.bitrateIn] = json["bit_rate_download"]?.double.map { $0 * 1000 }
        stats[.bitrateOut] = json["bit_rate_upload"]?.double.map { $0 * 1000 }
        stats[.packetRateIn] = json["packet_rate_download"]?.double
        stats[.packetRateOut] = json["packet_rate_upload"]?.double
        stats[.lossIn] = (json["incoming_loss"] ?? json["loss_rate_download"])?.double
        stats[.lossOut] = (json["outgoing_loss"] ?? json["loss_rate_upload"])?.double
        stats[.lossOverall] = (json["overall_loss"] ?? json["rtp_loss"])?.double
        stats[.iceSucceeded] = json["total_ice_succeeded"]?.double
        stats[.iceFailed] = json["total_ice_failed"]?.double
        stats[.threads] = json["threads"]?.double
        return stats
    }

    /// Jitsi Videobridge `/metrics` (`jitsi_jvb_*`).
    public static func jvbMetrics(_ scrape: MetricScrape) -> JitsiStats {
        var stats = JitsiStats()
        stats[.conferences] = scrape.value("jitsi_jvb_conferences")
        stats[.participants] = scrape.value(anyOf: ["jitsi_jvb_current_endpoints", "jitsi_jvb_local_endpoints"])
        stats[.largestConference] = scrape.value("jitsi_jvb_largest_conference")
        stats[.conferencesCreated] = scrape.value(anyOf: [
            "jitsi_jvb_conferences_created_total", "jitsi_jvb_conferences_created",
        ])
        stats[.stress] = scrape.value("jitsi_jvb_stress")
        stats[.healthy] = scrape.value("jitsi_jvb_healthy")
        stats[.draining] = scrape.value(anyOf: ["jitsi_jvb_drain_mode", "jitsi_jvb_drain"])
        stats[.gracefulShutdown] = scrape.value("jitsi_jvb_graceful_shutdown")
        stats[.shuttingDown] = scrape.value("jitsi_jvb_shutting_down")
        stats[.bitrateIn] = scrape.value("jitsi_jvb_incoming_bitrate")
        stats[.bitrateOut] = scrape.value("jitsi_jvb_outgoing_bitrate")
        stats[.packetRateIn] = scrape.value("jitsi_jvb_incoming_packet_rate")
        stats[.packetRateOut] = scrape.value("jitsi_jvb_outgoing_packet_rate")
        stats[.lossIn] = scrape.value("jitsi_jvb_incoming_loss_fraction")
        stats[.lossOut] = scrape.value("jitsi_jvb_outgoing_loss_fraction")
        stats[.lossOverall] = scrape.value("jitsi_jvb_loss_fraction")
        stats[.iceSucceeded] = scrape.value(anyOf: ["jitsi_jvb_ice_succeeded_total", "jitsi_jvb_ice_succeeded"])
        stats[.iceFailed] = scrape.value(anyOf: ["jitsi_jvb_ice_failed_total", "jitsi_jvb_ice_failed"])
        stats[.threads] = scrape.value("jitsi_jvb_thread_count")
        return stats
    }

    /// Jicofo `/stats` (2020 and 2022+ formats).
    public static func jicofoStats(_ json: JSONValue) -> JitsiStats {
        var stats = JitsiStats()
        stats[.conferences] = json["conferences"]?.double
        stats[.participants] = json["participants"]?.double
        stats[.largestConference] = json["largest_conference"]?.double
        stats[.conferencesCreated] = json["total_conferences_created"]?.double
        stats[.healthy] = (json["healthy"]?.bool ?? json["health"]?["success"]?.bool).map { $0 ? 1 : 0 }
        let selector = json["bridge_selector"]
        stats[.bridges] = selector?["bridge_count"]?.double
        stats[.bridgesOperational] = selector?["operational_bridge_count"]?.double
        stats[.bridgesInShutdown] = selector?["in_shutdown_bridge_count"]?.double
        stats[.bridgesLost] = selector?["lost_bridges"]?.double
        stats[.threads] = json["threads"]?.double
        return stats
    }

    /// Jicofo `/metrics` (`jitsi_jicofo_*`).
    public static func jicofoMetrics(_ scrape: MetricScrape) -> JitsiStats {
        var stats = JitsiStats()
        stats[.conferences] = scrape.value("jitsi_jicofo_conferences")
        stats[.participants] = scrape.value(anyOf: ["jitsi_jicofo_participants_current", "jitsi_jicofo_participants"])
        stats[.largestConference] = scrape.value("jitsi_jicofo_largest_conference")
        stats[.conferencesCreated] = scrape.value(anyOf: [
            "jitsi_jicofo_conferences_created_total", "jitsi_jicofo_conferences_created",
        ])
        stats[.healthy] = scrape.value("jitsi_jicofo_healthy")
        stats[.bridges] = scrape.value("jitsi_jicofo_bridge_selector_bridge_count")
        stats[.bridgesOperational] = scrape.value("jitsi_jicofo_bridge_selector_bridge_count_operational")
        stats[.bridgesInShutdown] = scrape.value("jitsi_jicofo_bridge_selector_bridge_count_in_shutdown")
        stats[.bridgesLost] = scrape.value(anyOf: [
            "jitsi_jicofo_bridge_selector_lost_bridges_total", "jitsi_jicofo_bridge_selector_lost_bridges",
        ])
        stats[.threads] = scrape.value("jitsi_jicofo_threads")
        return stats
    }

    /// Prosody `mod_http_openmetrics` (0.12).
    public static func prosody(_ scrape: MetricScrape) -> JitsiStats {
        var stats = JitsiStats()
        stats[.c2sSessions] = scrape.sum("prosody_mod_c2s__connections", matching: ["type": "c2s"])
        let active = scrape.sum("prosody_mod_bosh__active_sessions")
        let inactive = scrape.sum("prosody_mod_bosh__inactive_sessions")
        stats[.boshSessions] = active.map { $0 + (inactive ?? 0) } ?? inactive
        stats[.mucRooms] = scrape.sum("prosody_mod_muc__live_room")
        return stats
    }
}

/// Why a collection failed: logged, and exported as `vigie_jitsi_collector_up 0`.
public struct CollectorFailure: Error, Sendable, Hashable, CustomStringConvertible {
    public var reason: String

    public init(reason: String) {
        self.reason = reason
    }

    public var description: String { reason }
}
