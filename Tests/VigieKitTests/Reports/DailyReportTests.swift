import Foundation
import Testing

@testable import VigieCore
@testable import VigieKit
@testable import VigieLogs
@testable import VigieRender

/// The daily report against a real Prometheus loaded with known data (`promtool tsdb
/// create-blocks-from openmetrics`): every number is asserted against what was loaded.
@Suite(.serialized) struct DailyReportTests {
    static let day = RFC3339.parse("2026-11-20T00:00:00Z")!

    /// Participants on the bridge: 0 at 08:00, rising to 42 at 14:00, back to 0 at 20:00.
    static func participants(minute: Int) -> Int {
        let fromPeak = abs(minute - 14 * 60)
        return fromPeak >= 360 ? 0 : Int((42 * Double(360 - fromPeak) / 360).rounded())
    }

    static let site = """
        site: {name: visio-test, domain: meet.example.org, lang: en}
        services:
          web:
            checks:
              - https: https://meet.example.org/
              - tcp: meet.example.org:443
          xmpp:
            checks:
              - xmpp: 127.0.0.1:5222
          media:
            checks:
              - udp: 127.0.0.1:10000
          videobridge:
            collect:
              - jvb_metrics: http://127.0.0.1:8080/metrics
          focus:
            collect:
              - jicofo_stats: http://127.0.0.1:8888/stats
        report:
          capacity_per_bridge: 50
          thresholds: {participants: 40, stress: 0.8, probe_latency: 1s, certificate_days: 14}
        """

    /// The day in OpenMetrics, one sample a minute per series.
    static func openMetrics() -> String {
        var families: [String: [String]] = [:]
        func add(_ name: String, _ labels: String, _ value: (Int) -> Double?) {
            for minute in 0..<1440 {
                guard let number = value(minute) else { continue }
                let time = Int(day.timeIntervalSince1970) + minute * 60
                families[name, default: []].append("\(name){\(labels)} \(number) \(time)")
            }
        }
        add("vigie_probe_success", #"service="web",check="https",kind="https""#) { (600..<630).contains($0) ? 0 : 1 }
        add("vigie_probe_success", #"service="web",check="tcp",kind="tcp""#) { _ in 1 }
        add("vigie_probe_success", #"service="xmpp",check="xmpp",kind="xmpp""#) { (1320..<1325).contains($0) ? 0 : 1 }
        add("vigie_probe_duration_seconds", #"service="web",check="https",kind="https""#) { $0 == 720 ? 1.5 : 0.05 }
        add("vigie_probe_duration_seconds", #"service="xmpp",check="xmpp",kind="xmpp""#) { _ in 0.01 }
        // A passing udp check waits its whole timeout (2 s, above the 1 s threshold): not a latency.
        add("vigie_probe_success", #"service="media",check="udp",kind="udp""#) { _ in 1 }
        add("vigie_probe_duration_seconds", #"service="media",check="udp",kind="udp""#) { _ in 2 }
        add("vigie_tls_certificate_expiry_seconds", #"service="web",check="https",kind="https""#) { _ in
            10 * 86_400 + 3600
        }
        add("vigie_jitsi_participants", #"service="videobridge""#) { Double(participants(minute: $0)) }
        add("vigie_jitsi_participants", #"service="focus""#) { Double(participants(minute: $0)) }
        add("vigie_jitsi_conferences", #"service="videobridge""#) { Double((participants(minute: $0) + 6) / 7) }
        add("vigie_jitsi_throughput_bytes_per_second", #"service="videobridge",direction="in""#) {
            $0 == 840 ? 250_000 : 125_000
        }
        add("vigie_jitsi_stress_level", #"service="videobridge""#) { (840..<850).contains($0) ? 0.9 : 0.2 }
        var text = ""
        for name in families.keys.sorted() {
            text += "# TYPE \(name) gauge\n" + families[name]!.joined(separator: "\n") + "\n"
        }
        return text + "# EOF\n"
    }

    /// Runs `body` with a Prometheus serving the loaded day.
    static func withLoadedPrometheus(_ body: (String) async throws -> Void) async throws {
        try await LoadedPrometheus.with(openMetrics: openMetrics(), body)
    }

    @Test func everyNumberMatchesTheLoadedDay() async throws {
        let site = try SiteBuilder.site(Self.site)
        try await Self.withLoadedPrometheus { url in
            let builder = DailyReportBuilder(
                site: site,
                prometheus: PrometheusClient(url: try HTTPURL.parse(url).get()),
                logsDirectory: nil
            )
            let analysis = try await builder.analyse(dayStart: Self.day)
            let at = { (minute: Int) in Self.day.addingTimeInterval(Double(minute) * 60) }

            let web = try #require(analysis.availability.first { $0.service == "web" })
            #expect(web.samples == 1440)
            #expect(abs((web.percent ?? 0) - 1410.0 / 1440 * 100) < 1e-9)
            #expect(web.outages == [DailyAnalysis.Outage(start: at(600), end: at(630))])
            let xmpp = try #require(analysis.availability.first { $0.service == "xmpp" })
            #expect(abs((xmpp.percent ?? 0) - 1435.0 / 1440 * 100) < 1e-9)
            #expect(xmpp.outages.map(\.duration) == [300])

            let webLatency = try #require(analysis.latency.first { $0.service == "web" })
            #expect(webLatency.p50 == 0.05)
            #expect(webLatency.p95 == 0.05)
            #expect(webLatency.max == 1.5)
            #expect(analysis.latency.first { $0.service == "xmpp" }?.p95 == 0.01)
            #expect(!analysis.latency.contains { $0.service == "media" }, "udp has no round-trip time")
            #expect(analysis.udpChecks == ["media/udp"])
            #expect(analysis.latencySeries.map(\.value).max() == 1.5, "the udp timeout is not the slowest probe")
            #expect(web.coverage == 1)
            #expect(analysis.thresholdCoverage == 1)

            #expect(analysis.certificates == [DailyAnalysis.Certificate(service: "web", check: "https", daysLeft: 10)])
            // The first minute at the top (rounding makes a short plateau around 14:00).
            let firstAt42 = (0..<1440).first { Self.participants(minute: $0) == 42 }!
            let firstAt6 = (0..<1440).first { (Self.participants(minute: $0) + 6) / 7 == 6 }!
            #expect(
                analysis.participantsPeak == DailyAnalysis.Peak(value: 42, at: at(firstAt42)),
                "bridges only: Jicofo's count is not added"
            )
            #expect(analysis.conferencesPeak == DailyAnalysis.Peak(value: 6, at: at(firstAt6)))
            #expect(analysis.bitrateInPeak == DailyAnalysis.Peak(value: 2_000_000, at: at(840)))
            #expect(analysis.cpuPeak == nil, "no node_exporter data loaded")

            let above40 = (0..<1440).filter { Self.participants(minute: $0) > 40 }
            let crossings = Dictionary(grouping: analysis.crossings, by: \.metric)
            #expect(crossings[.participants]?.first?.minutesBeyond == above40.count)
            #expect(crossings[.participants]?.first?.firstAt == at(above40.first!))
            #expect(
                crossings[.stress]?.first
                    == DailyAnalysis.Crossing(
                        metric: .stress,
                        subject: "videobridge",
                        threshold: 0.8,
                        worst: 0.9,
                        firstAt: at(840),
                        minutesBeyond: 10
                    )
            )
            #expect(
                crossings[.probeLatency] == [
                    DailyAnalysis.Crossing(
                        metric: .probeLatency,
                        subject: "web",
                        threshold: 1,
                        worst: 1.5,
                        firstAt: at(720),
                        minutesBeyond: 1
                    )
                ]
            )
            #expect(crossings[.certificateDays]?.first?.worst == 10)
            #expect(analysis.capacity.map(\.service) == ["videobridge"])
            #expect(analysis.capacity.first?.ratio == 42.0 / 50)

            // The document says the same.
            let document = DailyReport.document(
                analysis,
                site: site,
                source: url,
                generatedAt: Self.day.addingTimeInterval(86_400)
            )
            let markdown = document.markdown
            #expect(markdown.contains("| web | 97.92 % | 100 % | 1 | 30m |"))
            #expect(markdown.contains("| xmpp | 99.65 % | 100 % | 1 | 5m |"))
            #expect(markdown.contains("| media | 100.00 % | 100 % | 0 | 0s |"))
            #expect(markdown.contains("udp checks (media/udp) have no round-trip time"))
            #expect(!markdown.contains("Data for part of the day only"))
            #expect(markdown.contains("- web: 10:00 UTC → 10:30 UTC (30m)"))
            let peakTime = String(format: "%02d:%02d UTC", firstAt42 / 60, firstAt42 % 60)
            #expect(markdown.contains("- **Participants**: 42 at \(peakTime)"))
            #expect(markdown.contains("- **Bitrate in**: 2.0 Mbit/s at 14:00 UTC"))
            #expect(markdown.contains("| bridge stress | videobridge | 0.80 | 0.90 | 14:00 UTC | 10 |"))
            #expect(
                markdown.contains(
                    "videobridge: peak of 42 participants at \(peakTime), 84 % of the 50 planned — above 80 %: plan another bridge"
                )
            )
            #expect(document.html.contains("<svg xmlns=\"http://www.w3.org/2000/svg\""))
            #expect(document.html.contains("<polyline"))
        }
    }

    /// 1,000 checks in 10 services over the day, one sample every 15 minutes (Prometheus's lookback set to
    /// 16 minutes, so every one-minute step has a value, as at a 30 s scrape): the report's queries are
    /// aggregated per service, so its answers stay small; a raw per-check range query (~30 MB) is refused
    /// loudly past the client's limit, never decoded cut.
    @Test func aThousandChecksGetTheirReport() async throws {
        var services = "site: {name: big, domain: meet.example.org, lang: en}\nservices:\n"
        for service in 0..<10 {
            services += "  s\(service):\n    checks:\n"
            for check in 0..<100 {
                services += "      - {https: \"https://meet.example.org/c\(check)\", name: c\(check)}\n"
            }
        }
        services += "report:\n  thresholds: {probe_latency: 1s}\n"
        let site = try SiteBuilder.site(services)
        #expect(site.checks.count == 1000)
        // 192,000 samples as text (12 MB): built off the cooperative pool, which the timing tests need (see Offload).
        let text = try await Offload.run { () -> String in
            var text = ""
            typealias Value = @Sendable (_ service: Int, _ check: Int, _ minute: Int) -> Double
            let success: Value = { service, check, minute in
                service == 4 && check == 7 && (720..<750).contains(minute) ? 0 : 1
            }
            let duration: Value = { service, check, minute in
                if service == 3 && check == 42 && minute == 600 { return 2.5 }
                return 0.02 + Double(check) / 10_000
            }
            let families: [(String, Value)] = [
                ("vigie_probe_success", success), ("vigie_probe_duration_seconds", duration),
            ]
            for (family, value) in families {
                text += "# TYPE \(family) gauge\n"
                for service in 0..<10 {
                    for check in 0..<100 {
                        let labels = "service=\"s\(service)\",check=\"c\(check)\",kind=\"https\""
                        for minute in stride(from: 0, to: 1440, by: 15) {
                            text +=
                                "\(family){\(labels)} \(value(service, check, minute)) \(Int(Self.day.timeIntervalSince1970) + minute * 60)\n"
                        }
                    }
                }
            }
            return text
        }
        try await LoadedPrometheus.with(openMetrics: text + "# EOF\n", lookback: "16m") { url in
            let client = PrometheusClient(url: try HTTPURL.parse(url).get())
            let analysis = try await DailyReportBuilder(site: site, prometheus: client, logsDirectory: nil).analyse(
                dayStart: Self.day
            )
            #expect(analysis.availability.count == 10)
            #expect(analysis.availability.allSatisfy { $0.samples == 1440 && $0.coverage == 1 })
            let s4 = try #require(analysis.availability.first { $0.service == "s4" })
            #expect(s4.outages.map(\.duration) == [1800], "one check of s4 down 30 minutes")
            #expect(analysis.latency.count == 10)
            let s0 = try #require(analysis.latency.first { $0.service == "s0" })
            #expect(abs(s0.p50 - 0.0299) < 1e-9 && abs(s0.max - 0.0299) < 1e-9, "the slowest check of s0 at every step")
            #expect(analysis.crossings.map(\.subject) == ["s3"])
            #expect(analysis.crossings.first?.worst == 2.5)

            // The raw series, over a client limit of 1 MiB: an error saying so, not "invalid JSON".
            var small = client
            small.bodyLimit = 1 << 20
            let error = await #expect(throws: PrometheusClient.Failure.self) {
                try await small.queryRange(
                    "vigie_probe_duration_seconds",
                    start: Self.day,
                    end: Self.day.addingTimeInterval(86_340),
                    step: .seconds(60)
                )
            }
            #expect(error?.description.contains("answered more than 1 MiB") == true, "\(String(describing: error))")
        }
    }

    /// Seven minutes of data are not a day: the report states each service's coverage, computes availability
    /// over the covered part and says so, and with no data at all never claims that no threshold was crossed.
    @Test func partialAndMissingDataAreSaid() throws {
        let site = try SiteBuilder.site(Self.site)
        let minutes = (0..<7).map { Self.day.addingTimeInterval(Double(600 + $0) * 60) }
        var input = DailyAnalysis.Input(site: site, dayStart: Self.day, step: .seconds(60))
        input.success = [
            TimeSeries(
                labels: ["service": "web"],
                samples: minutes.enumerated().map { .init(at: $1, value: $0 == 3 ? 0 : 1) }
            )
        ]
        input.durations = [TimeSeries(labels: ["service": "web"], samples: minutes.map { .init(at: $0, value: 0.05) })]
        let partial = DailyAnalysis(input)
        let web = try #require(partial.availability.first { $0.service == "web" })
        #expect(web.samples == 7 && web.expected == 1440)
        let markdown = DailyReport.document(partial, site: site, source: "test", generatedAt: Self.day).markdown
        #expect(markdown.contains("| web | 85.71 % | 0.5 % (7m) | 1 | 1m |"), "\(markdown)")
        #expect(markdown.contains("| xmpp | no data | no data | 0 | 0s |"))
        #expect(
            markdown.contains(
                "Data for part of the day only for web: availability is that of the covered part, not of the day."
            )
        )
        #expect(markdown.contains("No threshold crossed over the part of the day with data (0.5 %)."))
        #expect(!markdown.contains("No threshold crossed."))

        let empty = DailyAnalysis(DailyAnalysis.Input(site: site, dayStart: Self.day, step: .seconds(60)))
        let nothing = DailyReport.document(empty, site: site, source: "test", generatedAt: Self.day).markdown
        #expect(nothing.contains("No data to compare with the thresholds"))
        #expect(!nothing.contains("No threshold crossed"))
        #expect(nothing.contains("No latency data."))
        var french = site
        french.language = .fr
        let rien = DailyReport.document(empty, site: french, source: "test", generatedAt: Self.day).markdown
        #expect(rien.contains("Aucune donnée à comparer aux seuils"))
        #expect(!rien.contains("Aucun seuil franchi"))
    }

    @Test func theCommandWritesMarkdownHTMLAndPNGInFrench() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-daily-cli-\(UUID())")
        try FileManager.default.createDirectory(
            at: directory.appendingPathComponent("logs"),
            withIntermediateDirectories: true
        )
        defer { try? FileManager.default.removeItem(at: directory) }
        let siteFile = directory.appendingPathComponent("vigie.yml")
        try Self.site.replacingOccurrences(of: "lang: en", with: "lang: fr").write(
            to: siteFile,
            atomically: true,
            encoding: .utf8
        )
        try """
        JVB 2026-11-20 10:01:00.000 WARNING: [51] Conference.expire#12: something
        JVB 2026-11-20 10:02:00.000 SEVERE: [51] Conference.expire#13: broken
        JVB 2026-11-19 10:02:00.000 SEVERE: [51] Conference.expire#13: another day
        JVB 2026-11-20 10:03:00.000 INFO: [51] Conference.expire#14: fine
        """.write(to: directory.appendingPathComponent("logs/jvb.log"), atomically: true, encoding: .utf8)
        try
            "Nov 20 10:00:01 mod_bosh\twarn\tsession filters\nNov 20 10:00:02 c2s1\terror\tstream error\nNov 21 00:00:00 c2s1\terror\tnext day\n"
            .write(to: directory.appendingPathComponent("logs/prosody.log"), atomically: true, encoding: .utf8)
        try await Self.withLoadedPrometheus { url in
            let out = directory.appendingPathComponent("out").path
            // A link planted where a PNG goes is replaced, never written through (rsvg-convert writes a file of ours).
            let victim = directory.appendingPathComponent("victim").path
            try "keep me\n".write(toFile: victim, atomically: true, encoding: .utf8)
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(
                atPath: out + "/load-2026-11-20.png",
                withDestinationPath: victim
            )
            let result = try await Shell.run(
                VigieCLITests.binary,
                [
                    "report", "daily", "--site", siteFile.path, "--date", "2026-11-20", "--prometheus", url, "--logs",
                    directory.appendingPathComponent("logs").path, "--out", out,
                ]
            )
            #expect(result.status == 0, "\(result.standardError)")
            let markdown = try String(contentsOfFile: out + "/daily-2026-11-20.md", encoding: .utf8)
            #expect(markdown.hasPrefix("# Rapport journalier — visio-test — 2026-11-20"))
            #expect(markdown.contains("| web | 97.92 % | 100 % | 1 | 30m |"))
            #expect(markdown.contains("| jitsi-videobridge | 1 | 1 |"), "the other day's line is not counted")
            #expect(
                markdown.contains(
                    "## Graphiques\n\n![Participants sur la journée](load-2026-11-20.svg) ([PNG](load-2026-11-20.png))\n"
                )
            )
            #expect(
                markdown.contains(
                    "![Latence du contrôle le plus lent (ms)](latency-2026-11-20.svg) ([PNG](latency-2026-11-20.png))"
                )
            )
            #expect(markdown.contains("les contrôles udp (media/udp) ne comptent ni dans la latence"))
            for chart in ["load-2026-11-20.svg", "latency-2026-11-20.svg", "latency-2026-11-20.png"] {
                #expect(
                    FileManager.default.fileExists(atPath: out + "/" + chart),
                    "\(chart) is linked, so it is written"
                )
            }
            #expect(markdown.contains("| prosody | 1 | 1 |"))
            let html = try String(contentsOfFile: out + "/daily-2026-11-20.html", encoding: .utf8)
            #expect(html.contains("<html lang=\"fr\">"))
            #expect(
                try String(contentsOfFile: victim, encoding: .utf8) == "keep me\n",
                "written through the planted link"
            )
            let png = try Data(contentsOf: URL(fileURLWithPath: out + "/load-2026-11-20.png"))
            #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]), "a real PNG, rendered by rsvg-convert")
        }
        let unreachable = try await Shell.run(
            VigieCLITests.binary,
            [
                "report", "daily", "--site", siteFile.path, "--date", "2026-11-20", "--prometheus",
                "http://127.0.0.1:\(try await TestServers.freePort(udp: false))", "--out", directory.path,
            ]
        )
        #expect(unreachable.status == 1)
        #expect(unreachable.standardError.contains("cannot reach Prometheus"))
        #expect(
            try await Shell.run(
                VigieCLITests.binary,
                ["report", "daily", "--site", siteFile.path, "--out", directory.path]
            ).status == 2,
            "no data source"
        )
    }

    /// Bad `report:` values are named by line and key; bad flags and an unwritable output are refused.
    @Test func badInputIsNamed() async throws {
        let base =
            "site: {name: t, domain: meet.example.org}\nservices:\n  web:\n    checks:\n      - tcp: meet.example.org:443\nreport:\n"
        let cases: [(yaml: String, line: Int, key: String)] = [
            ("  thresholds:\n    stress: high\n", 8, "report.thresholds.stress"),
            ("  thresholds:\n    cpu: 0.9\n", 8, "report.thresholds.cpu"),
            ("  capacity_per_bridge: 0\n", 7, "report.capacity_per_bridge"),
            ("  thresholds:\n    probe_latency: fast\n", 8, "report.thresholds.probe_latency"),
            ("  color: blue\n", 7, "report.color"),
        ]
        for bad in cases {
            let error = #expect(throws: SiteFileError.self) { try SiteBuilder.site(base + bad.yaml) }
            #expect(error?.location?.line == bad.line, "\(bad.yaml)")
            #expect(error?.keyPath == bad.key, "\(bad.yaml): \(String(describing: error))")
        }
        let defaults = try SiteBuilder.site(base + "  capacity_per_bridge: 80\n").report
        #expect(defaults.capacityPerBridge == 80)
        #expect(defaults.stressThreshold == 0.8)
        #expect(defaults.certificateDaysThreshold == 14)

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-daily-bad-\(UUID())")
        try FileManager.default.createDirectory(
            at: directory.appendingPathComponent("logs"),
            withIntermediateDirectories: true
        )
        defer { try? FileManager.default.removeItem(at: directory) }
        let siteFile = directory.appendingPathComponent("vigie.yml").path
        try (base + "  capacity_per_bridge: 80\n").write(toFile: siteFile, atomically: true, encoding: .utf8)
        let logs = directory.appendingPathComponent("logs").path

        let badDate = try await Shell.run(
            VigieCLITests.binary,
            ["report", "daily", "--site", siteFile, "--date", "20/11/2026", "--logs", logs, "--out", directory.path]
        )
        #expect(badDate.status == 2)
        #expect(badDate.standardError.contains("--date must be YYYY-MM-DD"))
        let noSuchDay = try await Shell.run(
            VigieCLITests.binary,
            ["report", "daily", "--site", siteFile, "--date", "2026-11-31", "--logs", logs, "--out", directory.path]
        )
        #expect(noSuchDay.status == 2, "31 November is refused, not rolled over to 1 December")
        let badLogs = try await Shell.run(
            VigieCLITests.binary,
            ["report", "daily", "--site", siteFile, "--logs", logs + "/nosuch", "--out", directory.path]
        )
        #expect(badLogs.status == 2)
        #expect(badLogs.standardError.contains("--logs: no directory at \(logs)/nosuch"), "\(badLogs.standardError)")
        let badURL = try await Shell.run(
            VigieCLITests.binary,
            ["report", "daily", "--site", siteFile, "--prometheus", "ftp://x", "--out", directory.path]
        )
        #expect(badURL.status == 2)
        #expect(badURL.standardError.contains("--prometheus"))

        // The output path is an existing file: nothing is written, the error names the directory.
        let blocker = directory.appendingPathComponent("not-a-directory").path
        try "keep me\n".write(toFile: blocker, atomically: true, encoding: .utf8)
        let unwritable = try await Shell.run(
            VigieCLITests.binary,
            ["report", "daily", "--site", siteFile, "--date", "2026-11-20", "--logs", logs, "--out", blocker]
        )
        #expect(unwritable.status == 1)
        #expect(unwritable.standardError.contains("cannot write the report into \(blocker)"))
        #expect(try String(contentsOfFile: blocker, encoding: .utf8) == "keep me\n")

        // Logs only, an empty day: the report is still written and says there is no data.
        let logsOnly = try await Shell.run(
            VigieCLITests.binary,
            [
                "report", "daily", "--site", siteFile, "--date", "2026-11-20", "--logs", logs, "--out",
                directory.path + "/out",
            ]
        )
        #expect(logsOnly.status == 0, "\(logsOnly.standardError)")
        #expect(FileManager.default.fileExists(atPath: directory.path + "/out/daily-2026-11-20.md"))
    }

    @Test func matrixDecoding() throws {
        let series = try TimeSeries.decodeMatrix(
            Array(
                #"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"service":"web"},"values":[[1795392000,"1"],[1795392060,"0"]]}]}}"#
                    .utf8
            )
        )
        #expect(series.first?.labels == ["service": "web"])
        #expect(series.first?.samples.map(\.value) == [1, 0])
        #expect(throws: PrometheusClient.Failure.self) {
            try TimeSeries.decodeMatrix(Array(#"{"status":"error","errorType":"bad_data","error":"parse error"}"#.utf8))
        }
    }
}
