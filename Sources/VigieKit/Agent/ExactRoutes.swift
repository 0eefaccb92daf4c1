import Hummingbird
import NIOCore
import VigieCore

/// Exact paths and their methods: the router itself would also answer `/metrics/` and leave HEAD out.
struct ExactRoutes: RouterMiddleware {
    typealias Context = BasicRequestContext
    let routes: [String: [HTTPRequest.Method]]

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let path = request.uri.path
        guard let methods = routes[path] else {
            return AgentAPI.text(.notFound, "no such path\n")
        }
        guard methods.contains(request.method) else {
            var response = AgentAPI.text(.methodNotAllowed, "\(request.method.rawValue) is not allowed here\n")
            response.headers[.allow] = methods.map(\.rawValue).joined(separator: ", ")
            return response
        }
        return try await next(request, context)
    }
}
