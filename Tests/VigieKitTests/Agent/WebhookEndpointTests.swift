import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import VigieCore
@testable import VigieKit
@testable import VigieLogs
@testable import VigieRender
import VigieTestSupport

/// `POST /api/v1/alerts` in-process: authentication, limits, bad bodies, and incidents.
@Suite struct WebhookEndpointTests {
    static let token = "s3cret-token-for-tests-0123456789"

    static func withApp(
        webhook: Bool = true,
        _ body: @Sendable (any TestClientProtocol, SQLiteIncidentStore) async throws -> Void
    ) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-webhook-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        var site = try SiteBuilder.site(checks: "      - tcp: 127.0.0.1:1")
        if webhook {
            site.webhook = WebhookSettings(tokenFile: SitePath(written: "/dev/null", siteDirectory: "/"), token: token)
        }
        let store = try SQLiteIncidentStore(dataDirectory: directory.path)
        let manager = IncidentManager(
            store: store,
            site: site
        )
        let router = AgentAPI.makeRouter(
            holder: SiteHolder(site: site),
            store: ObservationStore(),
            metrics: AgentMetrics(),
            incidents: manager
        )
        try await Application(router: router).test(.router) { client in try await body(client, store) }
    }

    static func post(
        _ client: any TestClientProtocol,
        body: String,
        token: String? = WebhookEndpointTests.token
    ) async throws -> (HTTPResponse.Status, String) {
        var headers = HTTPFields()
        if let token { headers[.authorization] = "Bearer \(token)" }
        headers[.contentType] = "application/json"
        return try await client.execute(
            uri: "/api/v1/alerts",
            method: .post,
            headers: headers,
            body: ByteBuffer(string: body)
        ) { response in
            (response.status, String(buffer: response.body))
        }
    }

    @Test func firingThenResolved() async throws {
        try await Self.withApp { client, store in
            let (status, text) = try await Self.post(client, body: AlertmanagerSamples.firing)
            #expect(status == .ok)
            #expect(text == "1 alert: 1 incident opened, 0 resolved\n")
            let incident = try #require(try await store.openIncident(key: "alert:c0ffee0123456789"))
            #expect(incident.title == "VigieProbeFailing: web/tcp is failing")
            #expect(incident.severity == .critical)
            #expect(incident.source == .alert)
            let (_, again) = try await Self.post(client, body: AlertmanagerSamples.firing)
            #expect(
                again == "1 alert: 0 incidents opened, 0 resolved\n",
                "a repeated notification updates, not duplicates"
            )
            let resolvedBody = AlertmanagerSamples.firing.replacingOccurrences(
                of: "\"status\":\"firing\",\"labels\"",
                with: "\"status\":\"resolved\",\"labels\""
            )
            let (_, resolved) = try await Self.post(client, body: resolvedBody)
            #expect(resolved == "1 alert: 0 incidents opened, 1 resolved\n")
            #expect(try await store.openIncident(key: "alert:c0ffee0123456789") == nil)
            #expect(try await store.events(incidentID: incident.id).map(\.kind) == [.opened, .alertFiring, .resolved])
        }
    }

    @Test func refusals() async throws {
        try await Self.withApp { client, store in
            #expect(try await Self.post(client, body: AlertmanagerSamples.firing, token: nil).0 == .unauthorized)
            #expect(
                try await Self.post(client, body: AlertmanagerSamples.firing, token: "wrong-token-wrong-token").0
                    == .unauthorized
            )
            let big = String(repeating: " ", count: (1 << 20) + 1)
            #expect(try await Self.post(client, body: big).0 == .contentTooLarge)
            let (status, reason) = try await Self.post(client, body: #"{"version":"2","alerts":[]}"#)
            #expect(status == .badRequest)
            #expect(reason == "unsupported payload version \"2\" (Vigie reads version 4)\n")
            #expect(try await Self.post(client, body: "not json").0 == .badRequest)
            #expect(try await store.incidents(includeResolved: true, limit: 10).isEmpty)
        }
    }

    @Test func disabledWithoutATokenFile() async throws {
        try await Self.withApp(webhook: false) { client, _ in
            let (status, _) = try await Self.post(client, body: AlertmanagerSamples.firing)
            #expect(status == .notFound)
        }
    }

    /// A body that arrives a byte at a time is cut off: 408, not a connection held for as long as it drips.
    @Test func aBodyThatDripsIsCutOff() async throws {
        let (body, source) = RequestBody.makeStream()
        async let outcome = WebhookEndpoint.collect(body, within: .milliseconds(300))
        try await source.yield(ByteBuffer(string: "{"))
        let result = await outcome
        guard case .failure(.tooSlow) = result else { Issue.record("\(result)"); return }
        source.finish()
        let whole = await WebhookEndpoint.collect(RequestBody(buffer: ByteBuffer(string: "{}")), within: .seconds(5))
        guard case .success(let buffer) = whole else { Issue.record("\(whole)"); return }
        #expect(String(buffer: buffer) == "{}")
        let large = await WebhookEndpoint.collect(
            RequestBody(buffer: ByteBuffer(repeating: 0x20, count: WebhookEndpoint.bodyLimit + 1)),
            within: .seconds(5)
        )
        guard case .failure(.tooLarge) = large else { Issue.record("\(large)"); return }
    }
}
