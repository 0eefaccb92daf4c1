public import Foundation

// The numbers of the daily report, computed from range-query series as pure functions: every figure
// of the report comes from here, and the tests load known data into a real Prometheus and assert
// each one.

/// What the day's series say.
public struct DailyAnalysis: Sendable {
    /// The series the analysis reads, one range query each (step `step`, over the day).
    public struct Input: Sendable {
        public var site: Site
        public var dayStart: Date
        public var step: Duration
        /// `min by (service) (vigie_probe_success)`: 1 when every check of the service passed.
        public var success: [TimeSeries] = []
        /// `max by (service) (vigie_probe_duration_seconds{kind!="udp"})`: the slowest check of the service.
        public var durations: [TimeSeries] = []
        /// `vigie_tls_certificate_expiry_seconds`, per check (its last figure counts).
        public var certificates: [TimeSeries] = []
        /// `vigie_jitsi_participants`, `vigie_jitsi_conferences`, `vigie_jitsi_stress_level`, per service.
        public var participants: [TimeSeries] = []
        public var conferences: [TimeSeries] = []
        public var stress: [TimeSeries] = []
        /// `vigie_jitsi_throughput_bytes_per_second`, per service and direction.
        public var throughput: [TimeSeries] = []
        /// Host CPU busy ratio (node_exporter), when Prometheus has it.
        public var cpu: [TimeSeries] = []
        public var logs: LogDaySummary?

        public init(site: Site, dayStart: Date, step: Duration) {
            self.site = site
            self.dayStart = dayStart
            self.step = step
        }
    }

    public struct Outage: Sendable, Hashable {
        public var start: Date
        public var end: Date
        public var duration: TimeInterval { end.timeIntervalSince(start) }
    }

    public struct Availability: Sendable, Hashable {
        public var service: String
        /// Percent of the samples with every check passing, over the part of the day with data; `nil` without data.
        public var percent: Double?
        public var samples: Int
        /// The samples a whole day has at the analysis' step.
        public var expected: Int
        public var outages: [Outage]
        /// The share of the day with data, 0–1.
        public var coverage: Double { expected == 0 ? 0 : min(1, Double(samples) / Double(expected)) }
    }

    public struct Latency: Sendable, Hashable {
        public var service: String
        public var p50: Double
        public var p95: Double
        public var max: Double
    }

    public struct Certificate: Sendable, Hashable {
        public var service: String
        public var check: String
        public var daysLeft: Int
    }

    public struct Peak: Sendable, Hashable {
        public var value: Double
        public var at: Date
    }

    public struct Crossing: Sendable, Hashable {
        public enum Metric: String, Sendable, Hashable {
            case participants, stress, probeLatency = "probe_latency", certificateDays = "certificate_days"
        }
        public var metric: Metric
        /// The service or check concerned; empty for the whole site.
        public var subject: String
        public var threshold: Double
        public var worst: Double
        public var firstAt: Date?
        public var minutesBeyond: Int
    }

    public struct Capacity: Sendable, Hashable {
        public var service: String
        public var peak: Peak
        public var capacity: Int
        public var ratio: Double { peak.value / Double(capacity) }
    }

    public var dayStart: Date
    /// The step of the day's series, seconds.
    public var step: TimeInterval
    public var availability: [Availability] = []
    /// udp checks (`service/check`): no round-trip time, so not in latency figures or thresholds.
    public var udpChecks: [String] = []
    /// The share of the day (0–1) where latency, load or stress had a figure to compare with its threshold
    /// (certificates are a figure of the day: compared when ``certificates`` is not empty).
    public var thresholdCoverage: Double = 0
    public var latency: [Latency] = []
    public var certificates: [Certificate] = []
    public var participantsPeak: Peak?
    public var conferencesPeak: Peak?
    public var bitrateInPeak: Peak?
    public var bitrateOutPeak: Peak?
    public var cpuPeak: Peak?
    public var crossings: [Crossing] = []
    public var capacity: [Capacity] = []
    public var logs: LogDaySummary?
    /// Total participants over the day, and the slowest probe at each step, for the charts.
    public var participantsSeries: [TimeSeries.Sample] = []
    public var latencySeries: [TimeSeries.Sample] = []

    public init(_ input: Input) {
        dayStart = input.dayStart
        logs = input.logs
        let step = input.step.seconds
        self.step = step
        let expected = step > 0 ? Int((86_400 / step).rounded(.down)) : 0
        udpChecks = input.site.services.flatMap { service in
            service.checks.filter { $0.kind == .udp }.map { "\(service.name)/\($0.name)" }
        }
        let services = input.site.services.map(\.name)

        // Availability and outages.
        for service in services {
            guard let series = input.success.first(where: { $0.labels["service"] == service }) else {
                if input.site.service(named: service)?.checks.isEmpty == false {
                    availability.append(
                        Availability(service: service, percent: nil, samples: 0, expected: expected, outages: [])
                    )
                }
                continue
            }
            let up = series.samples.filter { $0.value >= 1 }.count
            var outages: [Outage] = []
            var downSince: Date?
            for sample in series.samples {
                if sample.value < 1 {
                    if downSince == nil { downSince = sample.at }
                } else if let start = downSince {
                    outages.append(Outage(start: start, end: sample.at))
                    downSince = nil
                }
            }
            if let start = downSince, let last = series.samples.last {
                outages.append(Outage(start: start, end: last.at.addingTimeInterval(step)))
            }
            availability.append(
                Availability(
                    service: service,
                    percent: series.samples.isEmpty ? nil : Double(up) / Double(series.samples.count) * 100,
                    samples: series.samples.count,
                    expected: expected,
                    outages: outages
                )
            )
        }

        // Probe latency per service.
        for service in services {
            let values = input.durations.filter { $0.labels["service"] == service }.flatMap(\.samples).map(\.value)
                .sorted()
            guard !values.isEmpty else { continue }
            latency.append(
                Latency(
                    service: service,
                    p50: Self.percentile(values, 0.5),
                    p95: Self.percentile(values, 0.95),
                    max: values.last!
                )
            )
            if let worst = values.last, worst > input.site.report.probeLatencyThreshold.seconds {
                let samples = input.durations.filter { $0.labels["service"] == service }.flatMap(\.samples)
                let beyond = samples.filter { $0.value > input.site.report.probeLatencyThreshold.seconds }
                crossings.append(
                    Crossing(
                        metric: .probeLatency,
                        subject: service,
                        threshold: input.site.report.probeLatencyThreshold.seconds,
                        worst: worst,
                        firstAt: beyond.map(\.at).min(),
                        minutesBeyond: Int((Double(beyond.count) * step / 60).rounded())
                    )
                )
            }
        }
        latencySeries = Self.combine(input.durations.map(\.samples), using: { $0.max() ?? 0 })

        // Certificates: the day's last figure per check.
        for series in input.certificates {
            guard let last = series.samples.last else { continue }
            let days = Int((last.value / 86_400).rounded(.towardZero))  // whole days, as the probes count them
            let certificate = Certificate(
                service: series.labels["service"] ?? "?",
                check: series.labels["check"] ?? "?",
                daysLeft: days
            )
            certificates.append(certificate)
            if days < input.site.report.certificateDaysThreshold {
                crossings.append(
                    Crossing(
                        metric: .certificateDays,
                        subject: "\(certificate.service)/\(certificate.check)",
                        threshold: Double(input.site.report.certificateDaysThreshold),
                        worst: Double(days),
                        firstAt: nil,
                        minutesBeyond: 0
                    )
                )
            }
        }
        certificates.sort { ($0.service, $0.check) < ($1.service, $1.check) }

        // Load: bridges' participants (Jicofo's count is the same people again).
        let bridges = Set(
            input.site.services.filter {
                $0.collectors.contains { $0.kind == .jvbMetrics || $0.kind == .jvbColibriStats }
            }.map(\.name)
        )
        let counted =
            bridges.isEmpty
            ? input.participants : input.participants.filter { bridges.contains($0.labels["service"] ?? "") }
        participantsSeries = Self.combine(counted.map(\.samples), using: { $0.reduce(0, +) })
        participantsPeak = Self.peak(participantsSeries)
        let countedConferences =
            bridges.isEmpty
            ? input.conferences : input.conferences.filter { bridges.contains($0.labels["service"] ?? "") }
        conferencesPeak = Self.peak(Self.combine(countedConferences.map(\.samples), using: { $0.reduce(0, +) }))
        bitrateInPeak = Self.peak(
            Self.combine(
                input.throughput.filter { $0.labels["direction"] == "in" }.map(\.samples),
                using: { $0.reduce(0, +) * 8 }
            )
        )
        bitrateOutPeak = Self.peak(
            Self.combine(
                input.throughput.filter { $0.labels["direction"] == "out" }.map(\.samples),
                using: { $0.reduce(0, +) * 8 }
            )
        )
        cpuPeak = Self.peak(Self.combine(input.cpu.map(\.samples), using: { $0.max() ?? 0 }))

        if let threshold = input.site.report.participantsThreshold, let peak = participantsPeak, peak.value > threshold
        {
            let beyond = participantsSeries.filter { $0.value > threshold }
            crossings.append(
                Crossing(
                    metric: .participants,
                    subject: "",
                    threshold: threshold,
                    worst: peak.value,
                    firstAt: beyond.first?.at,
                    minutesBeyond: Int((Double(beyond.count) * step / 60).rounded())
                )
            )
        }
        for series in input.stress {
            let beyond = series.samples.filter { $0.value > input.site.report.stressThreshold }
            guard let worst = beyond.map(\.value).max() else { continue }
            crossings.append(
                Crossing(
                    metric: .stress,
                    subject: series.labels["service"] ?? "?",
                    threshold: input.site.report.stressThreshold,
                    worst: worst,
                    firstAt: beyond.first?.at,
                    minutesBeyond: Int((Double(beyond.count) * step / 60).rounded())
                )
            )
        }

        // What the thresholds were compared with: the steps where latency, load or stress had a figure.
        var covered = Set<Date>()
        for series in input.durations + input.participants + input.stress {
            for sample in series.samples { covered.insert(sample.at) }
        }
        thresholdCoverage = expected == 0 ? 0 : min(1, Double(covered.count) / Double(expected))

        if let perBridge = input.site.report.capacityPerBridge {
            for series in input.participants where bridges.contains(series.labels["service"] ?? "") {
                guard let peak = Self.peak(series.samples) else { continue }
                capacity.append(Capacity(service: series.labels["service"]!, peak: peak, capacity: perBridge))
            }
            capacity.sort { $0.service < $1.service }
        }
    }

    /// Nearest-rank percentile of sorted values.
    static func percentile(_ sorted: [Double], _ fraction: Double) -> Double {
        let rank = Int((fraction * Double(sorted.count)).rounded(.up))
        return sorted[max(0, min(sorted.count - 1, rank - 1))]
    }

    /// The highest sample (the first, on a tie).
    static func peak(_ samples: [TimeSeries.Sample]) -> Peak? {
        guard var best = samples.first else { return nil }
        for sample in samples where sample.value > best.value { best = sample }
        return Peak(value: best.value, at: best.at)
    }

    /// One sample per timestamp present in any series, combining the values found at it.
    static func combine(_ series: [[TimeSeries.Sample]], using combine: ([Double]) -> Double) -> [TimeSeries.Sample] {
        var byTime: [Date: [Double]] = [:]
        for samples in series { for sample in samples { byTime[sample.at, default: []].append(sample.value) } }
        return byTime.keys.sorted().map { TimeSeries.Sample(at: $0, value: combine(byTime[$0]!)) }
    }
}
