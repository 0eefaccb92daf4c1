import Hummingbird
import NIOCore

import struct Foundation.Date

/// The agent's HTTP endpoints: `/metrics`, `/-/healthy`, `/-/ready`, `/api/v1/status`.
public enum AgentAPI {
    public static func makeRouter(
        holder: SiteHolder,
        store: ObservationStore,
        metrics: AgentMetrics,
        incidents: IncidentManager? = nil,
        now: @escaping @Sendable () -> Date = { Date() }
    ) -> Router<BasicRequestContext> {
        let router = Router()
        router.get("/metrics") { _, _ -> Response in
            Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: metrics.render()))
            )
        }
        router.get("/-/healthy") { _, _ -> Response in
            text(.ok, "Vigie is healthy.\n")
        }
        router.get("/-/ready") { _, _ -> Response in
            let site = holder.current.site
            return await store.isReady(for: site)
                ? text(.ok, "Vigie is ready.\n")
                : text(.serviceUnavailable, "Vigie is not ready: the first round of checks has not run yet.\n")
        }
        router.get("/api/v1/status") { _, _ -> Response in
            let site = holder.current.site
            var open: [Incident]?
            if let incidents { open = try? await incidents.store.incidents(includeResolved: false, limit: 1000) }
            let document = StatusDocument(
                site: site,
                generatedAt: now(),
                ready: await store.isReady(for: site),
                results: await store.results(for: site),
                collectors: await store.observations(for: site),
                incidents: open
            )
            return Response(
                status: .ok,
                headers: [.contentType: "application/json; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: document.json.serialized() + "\n"))
            )
        }
        if let incidents {
            router.post("/api/v1/alerts") { request, context -> Response in
                try await WebhookEndpoint.handle(request, context: context, site: holder.current.site, incidents: incidents)
            }
        }
        return router
    }

    static func text(_ status: HTTPResponse.Status, _ body: String) -> Response {
        Response(
            status: status,
            headers: [.contentType: "text/plain; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: body))
        )
    }
}
