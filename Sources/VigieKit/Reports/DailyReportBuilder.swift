import Foundation
import Subprocess

#if canImport(System)
import System
#else
import SystemPackage
#endif

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

    /// The analysis of the UTC day starting at `dayStart`.
    public func analyse(dayStart: Date) async throws(PrometheusClient.Failure) -> DailyAnalysis {
        var input = DailyAnalysis.Input(site: site, dayStart: dayStart, step: step)
        if let prometheus {
            let end = dayStart.addingTimeInterval(86_400 - step.seconds)
            func range(_ query: String) async throws(PrometheusClient.Failure) -> [TimeSeries] {
                try await prometheus.queryRange(query, start: dayStart, end: end, step: step)
            }
            input.success = try await range("min by (service) (vigie_probe_success)")
            input.durations = try await range("vigie_probe_duration_seconds")
            input.certificates = try await range("min by (service, check) (vigie_tls_certificate_expiry_seconds)")
            input.participants = try await range("max by (service) (vigie_jitsi_participants)")
            input.conferences = try await range("max by (service) (vigie_jitsi_conferences)")
            input.stress = try await range("max by (service) (vigie_jitsi_stress_level)")
            input.throughput = try await range("max by (service, direction) (vigie_jitsi_throughput_bytes_per_second)")
            input.cpu = try await range(#"1 - avg(rate(node_cpu_seconds_total{mode="idle"}[5m]))"#)
        }
        if let logsDirectory { input.logs = LogDaySummary.read(directory: logsDirectory, day: dayStart) }
        return DailyAnalysis(input)
    }

    /// What the report was written as.
    public struct Written: Sendable {
        public var markdown: String
        public var html: String
        public var svg: String
        /// `nil` when no SVG renderer is installed (the reason is in `pngSkipped`).
        public var png: String?
        public var pngSkipped: String?
    }

    public struct WriteFailure: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// Writes `daily-<day>.md`, `.html`, `load-<day>.svg` and `load-<day>.png` into `directory`.
    public func write(_ analysis: DailyAnalysis, to directory: String, source: String, now: Date) async throws(WriteFailure) -> Written {
        let day = analysis.dayStart.formatted(.iso8601.year().month().day())
        let document = DailyReport.document(analysis, site: site, source: source, generatedAt: now)
        let base = URL(fileURLWithPath: directory)
        let written = Written(
            markdown: base.appendingPathComponent("daily-\(day).md").path,
            html: base.appendingPathComponent("daily-\(day).html").path,
            svg: base.appendingPathComponent("load-\(day).svg").path
        )
        var result = written
        do {
            try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
            try document.markdown.write(toFile: written.markdown, atomically: true, encoding: .utf8)
            try document.html.write(toFile: written.html, atomically: true, encoding: .utf8)
            try DailyReport.loadChart(analysis, site: site).write(toFile: written.svg, atomically: true, encoding: .utf8)
        } catch {
            throw WriteFailure(description: "cannot write the report into \(directory): \(error.localizedDescription)")
        }
        let png = base.appendingPathComponent("load-\(day).png").path
        if let converter = ["/usr/bin/rsvg-convert", "/usr/local/bin/rsvg-convert"].first(where: FileManager.default.isExecutableFile(atPath:)) {
            do {
                let outcome = try await Subprocess.run(
                    .path(FilePath(converter)),
                    arguments: ["--format=png", "--output=\(png)", written.svg],
                    output: .discarded,
                    error: .string(limit: 4096)
                )
                switch outcome.terminationStatus {
                case .exited(0):
                    result.png = png
                case .exited(let code):
                    let reason = outcome.standardError.split(separator: "\n").first.map(String.init) ?? ""
                    result.pngSkipped = "rsvg-convert failed (exit \(code))" + (reason.isEmpty ? "" : ": \(reason)")
                case .signaled(let signal):
                    result.pngSkipped = "rsvg-convert was killed by signal \(signal)"
                }
            } catch {
                result.pngSkipped = "cannot run rsvg-convert: \(error)"
            }
        } else {
            result.pngSkipped = "rsvg-convert is not installed (Debian package librsvg2-bin)"
        }
        return result
    }
}

extension DailyReportBuilder.Written {
    init(markdown: String, html: String, svg: String) {
        self.init(markdown: markdown, html: html, svg: svg, png: nil, pngSkipped: nil)
    }
}
