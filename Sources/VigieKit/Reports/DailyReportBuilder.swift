public import Foundation
public import VigieCore
import VigieLogs

/// Gathers the day's series from Prometheus (and counts from the logs) and writes the report files.
public struct DailyReportBuilder: Sendable {
    public var site: Site
    public var prometheus: PrometheusClient?
    public var logsDirectory: String?
    public var step: Duration = .seconds(60)

    public init(site: Site, prometheus: PrometheusClient?, logsDirectory: String?) {
        self.site = site
        self.prometheus = prometheus
        self.logsDirectory = logsDirectory
    }

    /// Why the day could not be read.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// The queries, each aggregated so that its answer grows with the services, not with the checks
    /// (a raw per-check range query over a day is ~30 MB at 1,000 checks).
    enum Query {
        static let success = "min by (service) (vigie_probe_success)"
        /// The slowest check of each service at each step; udp checks have no round-trip time (a passing one
        /// waits its whole timeout), so they are left out.
        static let latency = #"max by (service) (vigie_probe_duration_seconds{kind!="udp"})"#
        /// The day's last figure per check, evaluated once at the day's end.
        static let certificates = "min by (service, check) (last_over_time(vigie_tls_certificate_expiry_seconds[1d]))"
        static let participants = "max by (service) (vigie_jitsi_participants)"
        static let conferences = "max by (service) (vigie_jitsi_conferences)"
        static let stress = "max by (service) (vigie_jitsi_stress_level)"
        static let throughput = "max by (service, direction) (vigie_jitsi_throughput_bytes_per_second)"
        static let cpu = #"1 - avg(rate(node_cpu_seconds_total{mode="idle"}[5m]))"#
    }

    /// The analysis of the UTC day starting at `dayStart`.
    public func analyse(dayStart: Date) async throws(Failure) -> DailyAnalysis {
        var input = DailyAnalysis.Input(site: site, dayStart: dayStart, step: step)
        if let prometheus {
            let end = dayStart.addingTimeInterval(86_400 - step.seconds)
            func range(_ query: String, from start: Date = dayStart) async throws(Failure) -> [TimeSeries] {
                do {
                    return try await prometheus.queryRange(query, start: start, end: end, step: step)
                } catch {
                    throw Failure(description: error.description)
                }
            }
            input.success = try await range(Query.success)
            input.durations = try await range(Query.latency)
            input.certificates = try await range(Query.certificates, from: end)
            input.participants = try await range(Query.participants)
            input.conferences = try await range(Query.conferences)
            input.stress = try await range(Query.stress)
            input.throughput = try await range(Query.throughput)
            input.cpu = try await range(Query.cpu)
        }
        if let logsDirectory {
            do {
                input.logs = try LogDaySummary.read(directory: logsDirectory, day: dayStart)
            } catch {
                throw Failure(description: error.description)
            }
        }
        return DailyAnalysis(input)
    }

    /// What the report was written as.
    public struct Written: Sendable {
        public var markdown: String
        public var html: String
        /// The charts: participants (`load-<day>`) and the slowest probe (`latency-<day>`), SVG then PNG.
        public var charts: [String] = []
        /// Why there is no PNG (no SVG renderer installed, or it failed), when there is none.
        public var pngSkipped: String?
    }

    public struct WriteFailure: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// Writes `load-<day>.svg`/`.png`, `latency-<day>.svg`/`.png`, then `daily-<day>.md` (linking the
    /// charts) and `daily-<day>.html` (showing them) into `directory`.
    public func write(
        _ analysis: DailyAnalysis,
        to directory: String,
        source: String,
        now: Date
    ) async throws(WriteFailure) -> Written {
        let day = analysis.dayStart.formatted(.iso8601.year().month().day())
        let base = URL(fileURLWithPath: directory)
        func path(_ name: String) -> String { base.appendingPathComponent(name).path }
        let svgs = [
            ("load-\(day)", DailyReport.loadChart(analysis, site: site)),
            ("latency-\(day)", DailyReport.latencyChart(analysis, site: site)),
        ]
        do {
            try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
            for (name, svg) in svgs { try svg.write(toFile: path(name + ".svg"), atomically: true, encoding: .utf8) }
        } catch {
            throw WriteFailure(description: "cannot write the report into \(directory): \(error.localizedDescription)")
        }
        var written = Written(markdown: path("daily-\(day).md"), html: path("daily-\(day).html"))
        var files: [String: [String]] = [:]
        for (name, _) in svgs {
            files[name] = [name + ".svg"]
            written.charts.append(path(name + ".svg"))
            switch await Self.convert(svg: path(name + ".svg"), png: path(name + ".png")) {
            case nil:
                files[name]?.append(name + ".png")
                written.charts.append(path(name + ".png"))
            case let reason?:
                written.pngSkipped = written.pngSkipped ?? reason
            }
        }
        let charts = DailyReport.ChartFiles(load: files["load-\(day)"] ?? [], latency: files["latency-\(day)"] ?? [])
        let document = DailyReport.document(analysis, site: site, source: source, generatedAt: now, charts: charts)
        do {
            try document.markdown.write(toFile: written.markdown, atomically: true, encoding: .utf8)
            try document.html.write(toFile: written.html, atomically: true, encoding: .utf8)
        } catch {
            throw WriteFailure(description: "cannot write the report into \(directory): \(error.localizedDescription)")
        }
        return written
    }

    /// Renders `svg` as `png` with rsvg-convert; `nil` when done, else why not.
    ///
    /// rsvg-convert writes a file of our making (created exclusively, so never through a link planted in
    /// the output directory), which is then renamed over `png` (a link there is replaced, not followed);
    /// a converter that hangs is killed after 60 s and the report goes on without the PNG.
    static func convert(svg: String, png: String) async -> String? {
        guard
            let converter = ["/usr/bin/rsvg-convert", "/usr/local/bin/rsvg-convert"].first(
                where: FileManager.default.isExecutableFile(atPath:)
            )
        else {
            return "rsvg-convert is not installed (Debian package librsvg2-bin)"
        }
        let directory = (png as NSString).deletingLastPathComponent
        let temporary = (directory as NSString).appendingPathComponent(
            ".\((png as NSString).lastPathComponent).\(UUID().uuidString).tmp"
        )
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return "cannot create a file in \(directory): \(String(cString: strerror(errno)))" }
        close(fd)
        defer { unlink(temporary) }
        let runner = RestartExecutor(dryRun: false, context: ProbeContext(allowlist: Allowlist(checks: [])))
        let outcome = await runner.run(
            [converter, "--format=png", "--output=\(temporary)", svg],
            timeout: .seconds(60)
        )
        guard outcome.succeeded else { return "rsvg-convert: \(outcome.detail)" }
        guard rename(temporary, png) == 0 else { return "cannot write \(png): \(String(cString: strerror(errno)))" }
        return nil
    }
}

extension DailyReportBuilder.Written {
    init(markdown: String, html: String) {
        self.init(markdown: markdown, html: html, charts: [], pngSkipped: nil)
    }
}
