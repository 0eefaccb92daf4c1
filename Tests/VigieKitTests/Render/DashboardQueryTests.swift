import Foundation
import Testing

@testable import VigieCore
@testable import VigieKit
@testable import VigieLogs
@testable import VigieRender

/// The Grafana dashboard and the alert rules against the real things they query: every panel's
/// PromQL through a real Prometheus's HTTP API, and every metric name against what `vigie serve`
/// and a real node_exporter write.
@Suite struct DashboardQueryTests {
    /// `(panel id, title, expr)` for every target of the rendered dashboard.
    static func panelQueries(_ bundle: RenderedBundle) throws -> [(id: Int, title: String, expr: String)] {
        let file = try #require(
            bundle.files.first { $0.path.hasSuffix(".json") && $0.path.hasPrefix("grafana/dashboards/") }
        )
        let dashboard = try #require(try JSONSerialization.jsonObject(with: Data(file.contents.utf8)) as? [String: Any])
        let panels = try #require(dashboard["panels"] as? [[String: Any]])
        var queries: [(id: Int, title: String, expr: String)] = []
        for panel in panels {
            let id = try #require(panel["id"] as? Int)
            let title = panel["title"] as? String ?? ""
            for target in panel["targets"] as? [[String: Any]] ?? [] {
                queries.append(
                    (id, title, try #require(target["expr"] as? String, "panel \(id) has a target without expr"))
                )
            }
        }
        return queries
    }

    /// The `vigie_*` and `node_*` metric names a PromQL text refers to.
    static func metricNames(in text: String) -> Set<String> {
        let pattern = /\b(?:vigie|node)_[A-Za-z0-9_]+\b/
        return Set(text.matches(of: pattern).map { String($0.output) })
    }

    /// Synthetic samples (two hours, every 15 s) for `names`, in OpenMetrics for `promtool tsdb
    /// create-blocks-from`. Every series carries the labels the queries filter or group on; this is
    /// made-up data to exercise the queries, not a recording.
    static func openMetrics(names: Set<String>, start: Int, end: Int) -> String {
        var text = ""
        let services = [("web", "https", "https"), ("videobridge", "udp", "udp")]
        for name in names.sorted() {
            text += "# TYPE \(name) gauge\n"
            for (index, (service, check, kind)) in services.enumerated() {
                let labels =
                    #"service="\#(service)",check="\#(check)",kind="\#(kind)",direction="in",severity="high",state="operational",mode="idle",device="eth0",cpu="0",fstype="ext4",instance="localhost:9100""#
                for time in stride(from: start, through: end, by: 15) {
                    let elapsed = Double(time - start)
                    let value = name.hasSuffix("_total") ? elapsed * Double(index + 1) : 0.5 + Double(index) / 4
                    text += "\(name){\(labels)} \(value) \(time)\n"
                }
            }
        }
        return text + "# EOF\n"
    }

    /// The metric names a real `prometheus-node-exporter` writes on this machine.
    static func nodeExporterNames() async throws -> Set<String> {
        let exporter = try #require(
            Tools.find("prometheus-node-exporter"),
            "prometheus-node-exporter is not installed (Scripts/setup.sh installs it)"
        )
        let port = try await TestServers.freePort(udp: false)
        let daemon = try Daemon(exporter, ["--web.listen-address=127.0.0.1:\(port)"], name: "node-exporter")
        defer { daemon.signal(SIGKILL) }
        var body = ""
        let up = await LoopbackHTTP.eventually(timeout: .seconds(60)) {
            let answer = try await LoopbackHTTP.get("http://127.0.0.1:\(port)/metrics")
            body = answer.body
            return answer.status == 200
        }
        try #require(up, "\(daemon.log)")
        await daemon.stop()
        var names = Set<String>()
        for line in body.split(separator: "\n") where !line.hasPrefix("#") {
            if let end = line.firstIndex(where: { $0 == "{" || $0 == " " }) { names.insert(String(line[..<end])) }
        }
        return names
    }

    @Test(arguments: ["example", "lab"])
    func everyMetricNameIsOneTheExportersWrite(site: String) async throws {
        let bundle = try BundleFixture.render(
            siteFile: site == "lab" ? BundleFixture.labSite : BundleFixture.exampleSite
        )
        let node = try await Self.nodeExporterNames()
        #expect(node.contains("node_cpu_seconds_total"), "the scrape of node_exporter was read")
        let exporter = AgentMetrics.familyNames
        var referenced: [(file: String, names: Set<String>)] = [
            ("dashboard", Self.metricNames(in: try Self.panelQueries(bundle).map(\.expr).joined(separator: "\n")))
        ]
        let rules = try #require(bundle.files.first { $0.path == "prometheus/rules/vigie-alerts.yml" })
        referenced.append(("alert rules", Self.metricNames(in: rules.contents)))
        for (file, names) in referenced {
            #expect(!names.isEmpty)
            for name in names.sorted() {
                if name.hasPrefix("vigie_") {
                    #expect(exporter.contains(name), "\(file): \(name) is not a series vigie serve exports")
                } else {
                    #expect(node.contains(name), "\(file): \(name) is not a series node_exporter writes here")
                }
            }
        }
        // The check itself can fail: a misspelt name is caught.
        #expect(!exporter.contains("vigie_jitsi_participant"))
    }

    @Test func everyPanelQueryAnswersOnARealPrometheus() async throws {
        let bundle = try BundleFixture.render(siteFile: BundleFixture.labSite)
        let queries = try Self.panelQueries(bundle)
        #expect(queries.count >= 13)
        let names = Self.metricNames(in: queries.map(\.expr).joined(separator: "\n"))

        let start = 1_795_132_800  // 2026-11-20T00:00:00Z
        let end = start + 2 * 3600
        try await LoadedPrometheus.with(openMetrics: Self.openMetrics(names: names, start: start, end: end)) { url in
            func query(_ expr: String) async throws -> [String: Any] {
                var components = URLComponents(string: url + "/api/v1/query")!
                components.queryItems = [
                    URLQueryItem(name: "query", value: expr), URLQueryItem(name: "time", value: String(end)),
                ]
                // URLComponents leaves "+" as is, which a server reads as a space in a query string.
                components.percentEncodedQuery = components.percentEncodedQuery?.replacingOccurrences(
                    of: "+",
                    with: "%2B"
                )
                let answer = try await LoopbackHTTP.get(components.url!.absoluteString)
                return try #require(
                    try JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: Any],
                    "\(answer.body)"
                )
            }
            for (id, title, expr) in queries {
                let document = try await query(expr)
                #expect(
                    document["status"] as? String == "success",
                    "panel \(id) (\(title)): \(expr) → \(document["error"] ?? "?")"
                )
                let result = (document["data"] as? [String: Any])?["result"] as? [Any]
                #expect(result?.isEmpty == false, "panel \(id) (\(title)): \(expr) returned nothing over loaded data")
            }
            // The assertion can fail: a query Prometheus refuses is reported as an error.
            let broken = try await query("sum by (service (vigie_probe_success)")
            #expect(broken["status"] as? String == "error")
        }
    }
}
