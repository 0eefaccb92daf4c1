public import Prometheus
import Synchronization

import struct Foundation.Date
public import VigieCore

// The exporter's series. Every family has a HELP text (promtool lints its absence), base units,
// and labels drawn only from names the site file gives (service, check) and fixed vocabularies
// (kind, direction, state…). Targets, addresses and anything Jitsi reports about users never become
// labels. The registry is swift-prometheus's, used directly rather than through swift-metrics so that
// each family keeps its help text and series can be removed when the site file drops a check.

/// The metrics `vigie serve` exports, fed by the scheduler and read by `/metrics`.
public final class AgentMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    private let tracked = Mutex<Tracked>(Tracked())
    private let inFlight: Gauge
    private let scrapeDurationGauge: Gauge

    private struct Tracked {
        /// Series per check key (`service/check/kind`), so a dropped check loses its series.
        var checkSeries: [String: CheckSeries] = [:]
        /// Jitsi series per service, keyed by series identity.
        var jitsiGauges: [String: [JitsiStat: Gauge]] = [:]
        var jitsiCounters: [String: [JitsiStat: Counter]] = [:]
        var collectorGauges: [String: [Gauge]] = [:]
        var incidentGauges: [Gauge] = []
    }

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        registry.makeGauge(descriptor: Self.buildInfo.descriptor, labels: [("version", Vigie.version)]).set(1.0)
        inFlight = registry.makeGauge(descriptor: Self.probesInFlight.descriptor)
        scrapeDurationGauge = registry.makeGauge(descriptor: Self.scrapeDuration.descriptor)
    }

    // MARK: descriptors

    /// A family's name and help (swift-prometheus's descriptor is not `Sendable`, so it is made on use).
    struct Family: Sendable {
        var name: String
        var help: String
        var descriptor: MetricNameDescriptor { MetricNameDescriptor(metricName: name, unitName: "", helpText: help) }
    }

    static func descriptor(_ name: String, _ help: String) -> Family {
        Family(name: name, help: help)
    }

    static let buildInfo = descriptor("vigie_build_info", "Vigie's version, as a label; always 1.")
    static let probeSuccess = descriptor(
        "vigie_probe_success",
        "1 when the check's last run passed (warnings included), 0 when it failed."
    )
    static let probeWarning = descriptor(
        "vigie_probe_warning",
        "1 when the check's last run passed with a warning (a certificate near expiry)."
    )
    static let probeDuration = descriptor("vigie_probe_duration_seconds", "How long the check's last run took.")
    static let probeLastRun = descriptor(
        "vigie_probe_last_run_timestamp_seconds",
        "When the check last ran, Unix time."
    )
    static let probeRuns = descriptor("vigie_probe_runs_total", "Runs of the check since the agent started.")
    static let probeFailures = descriptor(
        "vigie_probe_failures_total",
        "Failed runs of the check since the agent started."
    )
    static let tlsExpiry = descriptor(
        "vigie_tls_certificate_expiry_seconds",
        "Seconds until the served certificate expires, at the last run (negative once expired)."
    )
    static let tlsNotAfter = descriptor(
        "vigie_tls_certificate_not_after_timestamp_seconds",
        "The served certificate's notAfter, Unix time."
    )
    static let stunRTT = descriptor(
        "vigie_stun_rtt_seconds",
        "Round-trip time of the last answered STUN Binding Request."
    )
    static let httpStatus = descriptor("vigie_http_status_code", "HTTP status of the last answer.")
    static let checksConfigured = descriptor("vigie_site_checks", "Checks declared in the site file in force.")
    static let reloads = descriptor("vigie_site_reloads_total", "SIGHUP reloads of the site file, by result.")
    static let reloadSuccess = descriptor(
        "vigie_site_reload_success",
        "1 when the last reload of the site file succeeded."
    )
    static let collectorUp = descriptor(
        "vigie_jitsi_collector_up",
        "1 when the last collection from this Jitsi source succeeded."
    )
    static let collectorDuration = descriptor(
        "vigie_jitsi_collector_duration_seconds",
        "How long the last collection from this Jitsi source took."
    )
    static let probesInFlight = descriptor("vigie_probes_in_flight", "Probes and collections running now.")
    static let incidentsOpen = descriptor("vigie_incidents_open", "Open incidents in the register, by severity.")
    static let incidentDeadline = descriptor(
        "vigie_incident_deadline_timestamp_seconds",
        "NIS2 / RGPD deadline of an open incident, Unix time (stage: early_warning, notification, final_report, rgpd_notification)."
    )
    static let scrapeDuration = descriptor(
        "vigie_exporter_scrape_duration_seconds",
        "How long rendering the previous /metrics answer took."
    )

    /// Every family the exporter can write: its own and one per Jitsi series (the dashboards and
    /// alert rules `vigie render` writes refer only to these names; the render tests hold them to it).
    public static var familyNames: Set<String> {
        let own = [
            buildInfo, probeSuccess, probeWarning, probeDuration, probeLastRun, probeRuns, probeFailures, tlsExpiry,
            tlsNotAfter,
            stunRTT, httpStatus, checksConfigured, reloads, reloadSuccess, collectorUp, collectorDuration,
            probesInFlight,
            incidentsOpen, incidentDeadline, scrapeDuration,
        ]
        return Set(own.map(\.name)).union(JitsiStat.allCases.map(\.series.name))
    }

    // MARK: checks

    static func labels(_ check: Check) -> [(String, String)] {
        [("service", check.service), ("check", check.name), ("kind", check.kind.rawValue)]
    }

    static func key(_ check: Check) -> String { "\(check.service)/\(check.name)/\(check.kind.rawValue)" }

    /// The series of one check, made once and reused on every run (no label hashing per run).
    final class CheckSeries: Sendable {
        let success: Gauge
        let warning: Gauge
        let duration: Gauge
        let lastRun: Gauge
        let runs: Counter
        let failures: Counter
        /// Series that exist only when the last run produced the fact (a certificate, an answer).
        let optional: Mutex<[String: Gauge]> = Mutex([:])

        init(registry: PrometheusCollectorRegistry, labels: [(String, String)]) {
            success = registry.makeGauge(descriptor: AgentMetrics.probeSuccess.descriptor, labels: labels)
            warning = registry.makeGauge(descriptor: AgentMetrics.probeWarning.descriptor, labels: labels)
            duration = registry.makeGauge(descriptor: AgentMetrics.probeDuration.descriptor, labels: labels)
            lastRun = registry.makeGauge(descriptor: AgentMetrics.probeLastRun.descriptor, labels: labels)
            runs = registry.makeCounter(descriptor: AgentMetrics.probeRuns.descriptor, labels: labels)
            failures = registry.makeCounter(descriptor: AgentMetrics.probeFailures.descriptor, labels: labels)
        }

        var gauges: [Gauge] { [success, warning, duration, lastRun] + optional.withLock { Array($0.values) } }
        var counters: [Counter] { [runs, failures] }
    }

    /// Records one run of a check.
    public func record(_ result: CheckResult, duration: Duration) {
        let key = Self.key(result.check)
        let series = tracked.withLock { tracked -> CheckSeries in
            if let existing = tracked.checkSeries[key] { return existing }
            let made = CheckSeries(registry: registry, labels: Self.labels(result.check))
            tracked.checkSeries[key] = made
            return made
        }
        series.success.set(result.ok ? 1.0 : 0.0)
        series.warning.set(result.verdict == .warn ? 1.0 : 0.0)
        series.duration.set(duration.seconds)
        series.lastRun.set(result.startedAt.timeIntervalSince1970)
        series.runs.increment()
        if !result.ok { series.failures.increment() }

        var facts: [(Family, Double)] = []
        if let tls = result.tls {
            facts.append((Self.tlsExpiry, tls.notAfter.timeIntervalSince(result.startedAt)))
            facts.append((Self.tlsNotAfter, tls.notAfter.timeIntervalSince1970))
        }
        if let rtt = result.stun?.roundTrip { facts.append((Self.stunRTT, rtt.seconds)) }
        if let status = result.http?.status { facts.append((Self.httpStatus, Double(status))) }
        // A fact the last run did not produce (no certificate this time) loses its series, not left stale.
        let stale = series.optional.withLock { optional -> [Gauge] in
            for (family, value) in facts {
                let gauge =
                    optional[family.name]
                    ?? registry.makeGauge(descriptor: family.descriptor, labels: Self.labels(result.check))
                gauge.set(value)
                optional[family.name] = gauge
            }
            let present = Set(facts.map(\.0.name))
            let gone = optional.filter { !present.contains($0.key) }
            for name in gone.keys { optional.removeValue(forKey: name) }
            return Array(gone.values)
        }
        stale.forEach(registry.unregisterGauge)
    }

    // MARK: collectors

    /// Records one collection and the merged statistics of its service.
    public func record(_ observation: CollectorObservation, serviceStats stats: JitsiStats) {
        let collector = observation.collector
        let labels = [("service", collector.service), ("collector", collector.kind.rawValue)]
        let up = registry.makeGauge(descriptor: Self.collectorUp.descriptor, labels: labels)
        up.set(observation.isUp ? 1.0 : 0.0)
        let duration = registry.makeGauge(descriptor: Self.collectorDuration.descriptor, labels: labels)
        duration.set(observation.duration.seconds)
        tracked.withLock { $0.collectorGauges[collector.id] = [up, duration] }
        setJitsi(service: collector.service, stats: stats)
    }

    /// Sets the `vigie_jitsi_*` series of a service; statistics no source reports any more disappear.
    func setJitsi(service: String, stats: JitsiStats) {
        var staleGauges: [Gauge] = []
        var staleCounters: [Counter] = []
        for stat in JitsiStat.allCases {
            let series = stat.series
            var labels = [("service", service)]
            if let extra = series.extraLabel { labels.append(extra) }
            let descriptor = Self.descriptor(series.name, series.help).descriptor
            if series.isCounter {
                if let value = stats[stat] {
                    let counter = registry.makeCounter(descriptor: descriptor, labels: labels)
                    // Mirror the component's own total: a restart shows as a counter reset, as it should.
                    counter.reset()
                    counter.increment(by: value * stat.exportScale)
                    tracked.withLock { $0.jitsiCounters[service, default: [:]][stat] = counter }
                } else if let old = tracked.withLock({ $0.jitsiCounters[service]?.removeValue(forKey: stat) }) {
                    staleCounters.append(old)
                }
            } else {
                if let value = stats[stat] {
                    let gauge = registry.makeGauge(descriptor: descriptor, labels: labels)
                    gauge.set(value * stat.exportScale)
                    tracked.withLock { $0.jitsiGauges[service, default: [:]][stat] = gauge }
                } else if let old = tracked.withLock({ $0.jitsiGauges[service]?.removeValue(forKey: stat) }) {
                    staleGauges.append(old)
                }
            }
        }
        staleGauges.forEach(registry.unregisterGauge)
        staleCounters.forEach(registry.unregisterCounter)
    }

    // MARK: the site

    /// Drops the series of checks, collectors and services the site no longer declares.
    public func prune(keeping site: Site) {
        let checkKeys = Set(site.checks.map(Self.key))
        let collectorIDs = Set(site.collectors.map(\.id))
        let services = Set(site.services.filter { !$0.collectors.isEmpty }.map(\.name))
        let (gauges, counters) = tracked.withLock { tracked -> ([Gauge], [Counter]) in
            var gauges: [Gauge] = []
            var counters: [Counter] = []
            for key in tracked.checkSeries.keys where !checkKeys.contains(key) {
                if let series = tracked.checkSeries.removeValue(forKey: key) {
                    gauges += series.gauges
                    counters += series.counters
                }
            }
            for id in tracked.collectorGauges.keys where !collectorIDs.contains(id) {
                gauges += tracked.collectorGauges.removeValue(forKey: id) ?? []
            }
            for service in tracked.jitsiGauges.keys where !services.contains(service) {
                gauges += tracked.jitsiGauges.removeValue(forKey: service)?.values.map { $0 } ?? []
            }
            for service in tracked.jitsiCounters.keys where !services.contains(service) {
                counters += tracked.jitsiCounters.removeValue(forKey: service)?.values.map { $0 } ?? []
            }
            return (gauges, counters)
        }
        gauges.forEach(registry.unregisterGauge)
        counters.forEach(registry.unregisterCounter)
        registry.makeGauge(descriptor: Self.checksConfigured.descriptor).set(Double(site.checks.count))
    }

    /// Records a SIGHUP reload.
    public func recordReload(success: Bool) {
        registry.makeCounter(descriptor: Self.reloads.descriptor, labels: [("result", success ? "success" : "failure")])
            .increment()
        registry.makeGauge(descriptor: Self.reloadSuccess.descriptor).set(success ? 1.0 : 0.0)
    }

    /// Replaces the incident series with those of the open incidents.
    public func setIncidents(_ open: [Incident]) {
        var gauges: [Gauge] = []
        for severity in Incident.Severity.allCases {
            let gauge = registry.makeGauge(
                descriptor: Self.incidentsOpen.descriptor,
                labels: [("severity", severity.rawValue)]
            )
            gauge.set(Double(open.filter { $0.severity == severity }.count))
        }
        for incident in open {
            for (stage, date) in incident.deadlines?.stages ?? [] {
                let gauge = registry.makeGauge(
                    descriptor: Self.incidentDeadline.descriptor,
                    labels: [("incident", String(incident.id)), ("stage", stage)]
                )
                gauge.set(date.timeIntervalSince1970)
                gauges.append(gauge)
            }
        }
        let stale = tracked.withLock { tracked -> [Gauge] in
            let old = tracked.incidentGauges.filter { previous in !gauges.contains { $0 === previous } }
            tracked.incidentGauges = gauges
            return old
        }
        stale.forEach(registry.unregisterGauge)
    }

    public func setInFlight(_ count: Int) {
        inFlight.set(Double(count))
    }

    /// The exposition, in the Prometheus text format 0.0.4.
    public func render() -> [UInt8] {
        let start = ContinuousClock.now
        let bytes = registry.emitToBuffer()
        scrapeDurationGauge.set((ContinuousClock.now - start).seconds)
        return bytes
    }
}
