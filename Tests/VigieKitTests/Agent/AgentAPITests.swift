import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import VigieCore
@testable import VigieKit
@testable import VigieLogs
@testable import VigieRender

/// The agent's routes, in-process.
@Suite struct AgentAPITests {
    @Test func routes() async throws {
        let site = try AgentMetricsTests.site()
        let holder = SiteHolder(site: site)
        let store = ObservationStore()
        let metrics = AgentMetrics()
        let app = Application(router: AgentAPI.makeRouter(holder: holder, store: store, metrics: metrics))
        try await app.test(.router) { client in
            try await client.execute(uri: "/-/healthy", method: .get) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/-/ready", method: .get) { response in
                #expect(response.status == .serviceUnavailable, "no check has run yet")
            }
            for result in AgentMetricsTests.results(site) {
                await store.record(result)
                metrics.record(result, duration: .milliseconds(5))
            }
            try await client.execute(uri: "/-/ready", method: .get) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/plain; version=0.0.4; charset=utf-8")
                let body = String(buffer: response.body)
                #expect(body.contains(#"vigie_probe_success{service="web",check="tcp",kind="tcp"} 0"#))
            }
            try await client.execute(uri: "/api/v1/status", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/json; charset=utf-8")
                let document = try #require(try JSONValue.parse(Array(response.body.readableBytesView)).objectPairs)
                let keys = document.map(\.0)
                #expect(
                    keys == [
                        "site", "generated_at", "ready", "summary", "results", "collectors", "incidents",
                        "incidents_limit", "incidents_truncated",
                    ]
                )
                #expect(
                    try JSONValue.parse(Array(response.body.readableBytesView))["incidents"] == .null,
                    "no register here"
                )
                let json = try JSONValue.parse(Array(response.body.readableBytesView))
                #expect(json["ready"] == .bool(true))
                guard case .array(let results) = json["results"] else {
                    Issue.record("results is not a list")
                    return
                }
                #expect(results.count == 3)
                #expect(results[1]["error"] == .string("connection refused"))
                #expect(results[1]["check"] == .string("tcp"))
                #expect(results[0]["tls"]?["days_left"] == .integer(10), "same shape as vigie check --json")
            }
            try await client.execute(uri: "/nope", method: .get) { response in
                #expect(response.status == .notFound)
            }
        }
    }

    /// Exact paths; GET and HEAD alike on every read-only endpoint; 405 with Allow for another method.
    @Test func pathsAndMethodsAreConsistent() async throws {
        let site = try AgentMetricsTests.site()
        let app = Application(
            router: AgentAPI.makeRouter(
                holder: SiteHolder(site: site),
                store: ObservationStore(),
                metrics: AgentMetrics()
            )
        )
        try await app.test(.router) { client in
            for path in ["/metrics", "/-/healthy", "/-/ready", "/api/v1/status"] {
                var length: String?
                try await client.execute(uri: path, method: .get) { response in
                    length = response.headers[.contentLength]
                    #expect(response.body.readableBytes > 0, "\(path)")
                }
                try await client.execute(uri: path, method: .head) { response in
                    #expect(response.status != .notFound && response.status != .methodNotAllowed, "HEAD \(path)")
                    #expect(response.body.readableBytes == 0, "HEAD \(path) has no body")
                    // The metrics and the status change between two requests; the health answer does not.
                    if path == "/-/healthy" {
                        #expect(response.headers[.contentLength] == length, "HEAD \(path) announces the GET's length")
                    } else {
                        #expect(Int(response.headers[.contentLength] ?? "") ?? 0 > 0, "HEAD \(path) announces a length")
                    }
                }
                try await client.execute(uri: path + "/", method: .get) { response in
                    #expect(response.status == .notFound, "\(path)/ is another path")
                }
                try await client.execute(uri: path, method: .post) { response in
                    #expect(response.status == .methodNotAllowed, "POST \(path)")
                    #expect(response.headers[.allow] == "GET, HEAD")
                }
            }
            try await client.execute(uri: "/api/v1/alerts", method: .post) { response in
                #expect(response.status == .notFound, "no register, no webhook")
            }
        }
    }

    /// More open incidents than the status lists: it says so, and the limit can be chosen.
    @Test func theStatusSaysWhenIncidentsAreTruncated() async throws {
        let site = try AgentMetricsTests.site()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-status-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteIncidentStore(dataDirectory: directory.path)
        let manager = IncidentManager(
            store: store,
            site: site
        )
        for index in 0..<3 {
            _ = try await store.open(
                Incident(
                    key: "manual-\(index)",
                    service: "web",
                    severity: .major,
                    title: "outage \(index)",
                    source: .manual,
                    detectedAt: Date()
                ),
                event: .opened,
                message: "opened by the test",
                at: Date()
            )
        }
        let app = Application(
            router: AgentAPI.makeRouter(
                holder: SiteHolder(site: site),
                store: ObservationStore(),
                metrics: AgentMetrics(),
                incidents: manager
            )
        )
        try await app.test(.router) { client in
            for (query, listed, truncated) in [
                ("", 3, false), ("?incidents_limit=2", 2, true), ("?incidents_limit=3", 3, false),
                ("?incidents_limit=0", 0, true),
            ] {
                try await client.execute(uri: "/api/v1/status" + query, method: .get) { response in
                    let json = try JSONValue.parse(Array(response.body.readableBytesView))
                    guard case .array(let incidents) = json["incidents"] else { Issue.record("no incidents"); return }
                    #expect(incidents.count == listed, "\(query)")
                    #expect(json["incidents_truncated"] == .bool(truncated), "\(query)")
                }
            }
            for bad in ["-1", "10001", "many", "+5", "%205", "-0", "", "000001"] {
                try await client.execute(uri: "/api/v1/status?incidents_limit=\(bad)", method: .get) { response in
                    #expect(response.status == .badRequest, "\(bad)")
                }
            }
        }
    }

    @Test func readinessWaitsForEveryCheckAndThenStays() async throws {
        let site = try AgentMetricsTests.site()
        let store = ObservationStore()
        let results = AgentMetricsTests.results(site)
        await store.record(results[0])
        #expect(await !store.isReady(for: site))
        await store.record(results[1])
        await store.record(results[2])
        #expect(await store.isReady(for: site))
        var bigger = site
        bigger.services[0].checks.append(
            Check(service: "web", name: "extra", target: .tcp(Endpoint(host: .name("x.org"), port: 1)))
        )
        #expect(await store.isReady(for: bigger), "a reload does not make the agent unready")
    }
}

extension JSONValue {
    var objectPairs: [(String, JSONValue)]? {
        if case .object(let pairs) = self { return pairs }
        return nil
    }
}
