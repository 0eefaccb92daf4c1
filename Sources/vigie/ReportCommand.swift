import ArgumentParser
import Foundation
import VigieKit
import VigieCore
import VigieRender
import VigieLogs

struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write the reports an administrator keeps.",
        subcommands: [Daily.self]
    )

    struct Daily: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "The daily analysis: availability, latency, certificates, load peaks, thresholds, capacity, log errors.",
            discussion:
                "Markdown and a self-contained HTML page with SVG charts, in the site's language, and a PNG of the load chart."
        )
        @OptionGroup var siteOptions: SiteOptions
        @Option(name: .long, help: ArgumentHelp("The UTC day (YYYY-MM-DD), default yesterday.", valueName: "day"))
        var date: String?
        @Option(name: .long, help: ArgumentHelp("Prometheus to read the day's series from.", valueName: "url"))
        var prometheus: String?
        @Option(name: .long, help: ArgumentHelp("The day's logs (their error counts).", valueName: "dir")) var logs:
            String?
        @Option(name: .long, help: ArgumentHelp("Where to write the report.", valueName: "dir")) var out: String

        func validate() throws {
            if let date, Self.day(date) == nil { throw ValidationError("--date must be YYYY-MM-DD, got \"\(date)\"") }
            if prometheus == nil, logs == nil {
                throw ValidationError("give --prometheus and/or --logs: the report needs data")
            }
            if let prometheus, case .failure(let failure) = HTTPURL.parse(prometheus) {
                throw ValidationError("--prometheus: \(failure)")
            }
            if let logs {
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: logs, isDirectory: &isDirectory), isDirectory.boolValue
                else {
                    throw ValidationError("--logs: no directory at \(PrintableText.escaped(logs))")
                }
            }
        }

        static func day(_ text: String) -> Date? {
            guard text.count == 10 else { return nil }
            // Strict: 2026-11-31 is refused, not rolled over to 1 December.
            return RFC3339.parseStrict(text + "T00:00:00Z")
        }

        func run() async throws {
            let site = try siteOptions.load()
            let now = Date()
            let dayStart =
                date.flatMap(Self.day) ?? Self.day(
                    now.addingTimeInterval(-86_400).formatted(.iso8601.year().month().day())
                )!
            let client = try prometheus.map { PrometheusClient(url: try HTTPURL.parse($0).get()) }
            let builder = DailyReportBuilder(site: site, prometheus: client, logsDirectory: logs)
            do {
                let analysis = try await builder.analyse(dayStart: dayStart)
                let source = [prometheus.map { "Prometheus \($0)" }, logs.map { "logs \($0)" }].compactMap { $0 }
                    .joined(separator: ", ")
                let written = try await builder.write(analysis, to: out, source: source, now: now)
                let text = ([written.markdown, written.html] + written.charts).map { "wrote \($0)\n" }.joined()
                writeStandardOutput(text)
                if let skipped = written.pngSkipped { writeStandardError("warning: no PNG: \(skipped)\n") }
            } catch {
                writeStandardError("error: \(error)\n")
                throw ExitCode(1)
            }
        }
    }
}
