public import Hummingbird
import NIOCore

public import struct Foundation.Date
import VigieCore

/// The agent's HTTP endpoints: `/metrics`, `/-/healthy`, `/-/ready`, `/api/v1/status`, and the
/// Alertmanager webhook `POST /api/v1/alerts`.
///
/// Paths are exact (a trailing slash is another path, hence 404) and every read-only endpoint
/// answers GET and HEAD alike; another method on a known path is 405 with `Allow`.
public enum AgentAPI {
    /// The open incidents `/api/v1/status` lists unless `?incidents_limit=` says otherwise (at most ``maximumIncidentLimit``).
    public static let defaultIncidentLimit = 1000
    public static let maximumIncidentLimit = 10_000

    /// Every path the agent serves, with its methods.
    static func routes(webhook: Bool) -> [String: [HTTPRequest.Method]] {
        var routes: [String: [HTTPRequest.Method]] = [
            "/metrics": [.get, .head], "/-/healthy": [.get, .head], "/-/ready": [.get, .head],
            "/api/v1/status": [.get, .head],
        ]
        if webhook { routes["/api/v1/alerts"] = [.post] }
        return routes
    }

    public static func makeRouter(
        holder: SiteHolder,
        store: ObservationStore,
        metrics: AgentMetrics,
        incidents: IncidentManager? = nil,
        now: @escaping @Sendable () -> Date = { Date() }
    ) -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: ExactRoutes(routes: routes(webhook: incidents != nil)))
        readOnly(router, "/metrics") { _, _ -> Response in
            Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: metrics.render()))
            )
        }
        readOnly(router, "/-/healthy") { _, _ -> Response in
            text(.ok, "Vigie is healthy.\n")
        }
        readOnly(router, "/-/ready") { _, _ -> Response in
            let site = holder.current.site
            return await store.isReady(for: site)
                ? text(.ok, "Vigie is ready.\n")
                : text(.serviceUnavailable, "Vigie is not ready: the first round of checks has not run yet.\n")
        }
        readOnly(router, "/api/v1/status") { request, _ -> Response in
            var limit = defaultIncidentLimit
            if let text = request.uri.queryParameters["incidents_limit"] {
                guard text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), text.utf8.count <= 5,
                    let value = Int(String(text)),
                    (0...maximumIncidentLimit).contains(value)
                else {
                    return AgentAPI.text(
                        .badRequest,
                        "incidents_limit must be a whole number from 0 to \(maximumIncidentLimit)\n"
                    )
                }
                limit = value
            }
            let site = holder.current.site
            var open: [Incident]?
            var truncated = false
            if let incidents,
                var listed = try? await incidents.store.incidents(includeResolved: false, limit: limit + 1)
            {
                // One more than asked for tells whether there are more: the document says so instead of hiding it.
                truncated = listed.count > limit
                if truncated { listed.removeLast(listed.count - limit) }
                open = listed
            }
            let document = StatusDocument(
                site: site,
                generatedAt: now(),
                ready: await store.isReady(for: site),
                results: await store.results(for: site),
                collectors: await store.observations(for: site),
                incidents: open,
                incidentLimit: limit,
                incidentsTruncated: truncated
            )
            return Response(
                status: .ok,
                headers: [.contentType: "application/json; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: document.json.serialized() + "\n"))
            )
        }
        if let incidents {
            router.post("/api/v1/alerts") { request, context -> Response in
                try await WebhookEndpoint.handle(
                    request,
                    context: context,
                    site: holder.current.site,
                    incidents: incidents
                )
            }
        }
        return router
    }

    /// Registers `handler` for GET and for HEAD (the same headers, no body).
    static func readOnly(
        _ router: Router<BasicRequestContext>,
        _ path: RouterPath,
        _ handler: @escaping @Sendable (Request, BasicRequestContext) async throws -> Response
    ) {
        router.get(path, use: handler)
        router.head(path) { request, context -> Response in
            var response = try await handler(request, context)
            let length = response.body.contentLength
            response.body = ResponseBody()
            if let length { response.headers[.contentLength] = String(length) }
            return response
        }
    }

    static func text(_ status: HTTPResponse.Status, _ body: String) -> Response {
        Response(
            status: status,
            headers: [.contentType: "text/plain; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: body))
        )
    }
}
