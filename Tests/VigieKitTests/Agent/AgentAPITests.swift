import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import VigieKit

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
                #expect(keys == ["site", "generated_at", "ready", "summary", "results", "collectors", "incidents"])
                #expect(try JSONValue.parse(Array(response.body.readableBytesView))["incidents"] == .null, "no register here")
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
        bigger.services[0].checks.append(Check(service: "web", name: "extra", target: .tcp(Endpoint(host: .name("x.org"), port: 1))))
        #expect(await store.isReady(for: bigger), "a reload does not make the agent unready")
    }
}

extension JSONValue {
    var objectPairs: [(String, JSONValue)]? {
        if case .object(let pairs) = self { return pairs }
        return nil
    }
}
