import Crypto
import Hummingbird
import NIOCore

import struct Foundation.Data
import VigieCore

/// `POST /api/v1/alerts`: Alertmanager's webhook, behind a bearer token.
///
/// 401 without the right token, 413 over 1 MiB, 400 with the reason for a body that is not a
/// version-4 payload, 200 with what was done otherwise. The token is compared in constant time.
enum WebhookEndpoint {
    static let bodyLimit = 1 << 20
    /// A body sent a byte at a time keeps a connection "active" for the idle timeout: it has this long in all.
    static let bodyTimeout: Duration = .seconds(10)

    enum BodyFailure: Error { case tooLarge, tooSlow }

    /// The whole body, or why not: larger than ``bodyLimit``, or slower than `timeout`.
    static func collect(_ body: RequestBody, within timeout: Duration) async -> Result<ByteBuffer, BodyFailure> {
        await withTaskGroup(of: Result<ByteBuffer, BodyFailure>?.self) { group in
            group.addTask {
                do { return .success(try await body.collect(upTo: bodyLimit)) } catch { return .failure(.tooLarge) }
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return Task.isCancelled ? nil : .failure(.tooSlow)
            }
            var outcome: Result<ByteBuffer, BodyFailure> = .failure(.tooSlow)
            for await result in group {
                if let result {
                    outcome = result
                    break
                }
            }
            group.cancelAll()
            return outcome
        }
    }

    static func handle(
        _ request: Request,
        context: some RequestContext,
        site: Site,
        incidents: IncidentManager
    ) async throws -> Response {
        guard let webhook = site.webhook else {
            return AgentAPI.text(
                .notFound,
                "the Alertmanager webhook is disabled (no webhook.token_file in the site file)\n"
            )
        }
        // A site whose token was never read (not resolved on the host) refuses everyone.
        guard let token = webhook.token, let header = request.headers[.authorization], header.hasPrefix("Bearer "),
            constantTimeEqual(String(header.dropFirst("Bearer ".count)), token)
        else {
            var response = AgentAPI.text(.unauthorized, "missing or wrong bearer token\n")
            response.headers[.wwwAuthenticate] = "Bearer"
            return response
        }
        let body: ByteBuffer
        switch await collect(request.body, within: bodyTimeout) {
        case .success(let collected): body = collected
        case .failure(.tooLarge): return AgentAPI.text(.contentTooLarge, "the body is larger than 1 MiB\n")
        case .failure(.tooSlow):
            return AgentAPI.text(
                .requestTimeout,
                "the body did not arrive within \(DurationText.format(bodyTimeout))\n"
            )
        }
        let payload: AlertmanagerPayload
        do {
            payload = try AlertmanagerPayload.decode(Array(body.readableBytesView))
        } catch {
            return AgentAPI.text(.badRequest, "\(error)\n")
        }
        do {
            let outcome = try await incidents.apply(payload)
            var parts = ["\(Plural.count(outcome.opened, "incident")) opened", "\(outcome.resolved) resolved"]
            if outcome.joined > 0 { parts.append("\(outcome.joined) joined an open outage") }
            return AgentAPI.text(
                .ok,
                "\(Plural.count(payload.alerts.count, "alert")): \(parts.joined(separator: ", "))\n"
            )
        } catch {
            return AgentAPI.text(.serviceUnavailable, "incident register unavailable: \(error)\n")
        }
    }

    /// Compares secrets by their SHA-256, so the time taken says nothing about the token.
    static func constantTimeEqual(_ given: String, _ expected: String) -> Bool {
        let a = SHA256.hash(data: Data(given.utf8))
        let b = SHA256.hash(data: Data(expected.utf8))
        return zip(a, b).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
