import NIOHTTP1
import X509
import VigieCore

/// An http or https check: status, redirects (only to declared endpoints), HSTS, and the certificate.
struct HTTPProbe: Sendable {
    static let maximumRedirects = 5
    static let redirectStatuses: Set<Int> = [301, 302, 303, 307, 308]

    func run(_ check: Check, http: HTTPCheck, target: AdmittedEndpoint, context: ProbeContext) async -> CheckResult {
        var result = CheckResult(check: check, verdict: .pass, startedAt: context.now())
        let start = ContinuousClock.now
        let deadline = start + check.timeout

        // The trust store is loaded only when an https answer has to be judged: plain http checks
        // never pay for parsing the system's roots.
        var roots: X509.CertificateStore?

        var url = http.url
        var admitted = target
        var hops: [HTTPReport.Hop] = []
        var last: HTTPExchange?
        var unfollowed: String?

        while true {
            let exchange: HTTPExchange
            switch await HTTPFetcher.fetch(url, target: admitted, deadline: deadline) {
            case .success(let got): exchange = got
            case .failure(let failure):
                if case .connect(let connect) = failure, hops.isEmpty { result.tcp = TCPReport(state: connect.state) }
                result.fail(hopPrefix(hops, url) + describe(failure, timeout: check.timeout))
                return finish(result, hops: hops, last: last, start: start, answered: !hops.isEmpty)
            }
            let location = exchange.headers.first(name: "Location")
            hops.append(.init(url: url.description, status: exchange.status, location: location))
            last = exchange

            if url.scheme == .https {
                if roots == nil {
                    switch context.trust.store(caFile: http.caFile) {
                    case .success(let store): roots = store
                    case .failure(let failure):
                        result.fail(failure.description)
                        return finish(result, hops: hops, last: last, start: start, answered: true)
                    }
                }
                let report = await CertificateInspector.inspect(
                    chain: exchange.peerChain,
                    host: url.host,
                    roots: roots!,
                    now: context.now(),
                    protocolVersion: exchange.tlsVersion
                )
                if let report {
                    let isFirstTLSHop = result.tls == nil
                    if isFirstTLSHop { result.tls = report }
                    for problem in report.problems { result.fail(hopPrefix(hops.dropLast(), url) + problem) }
                    if isFirstTLSHop, report.acceptable, report.daysLeft < http.warnDays {
                        result.warn(
                            "certificate expires in \(report.daysLeft) days (\(CertificateInspector.day(report.notAfter)))"
                        )
                    }
                } else {
                    result.fail("server presented no certificate")
                }
            }

            guard HTTPProbe.redirectStatuses.contains(exchange.status), let location else { break }
            if http.expectRedirectToHTTPS { break }
            guard hops.count <= HTTPProbe.maximumRedirects else {
                result.fail("more than \(HTTPProbe.maximumRedirects) redirects")
                break
            }
            guard let next = url.resolving(location: location) else {
                result.fail("redirect to an invalid location \"\(location)\"")
                break
            }
            // Keep the `resolve` address while the host stays the same.
            let resolve = next.host == url.host ? admitted.connectAddress : nil
            guard let nextTarget = try? context.allowlist.admit(next.endpoint, transport: .tcp, resolve: resolve) else {
                unfollowed = next.description
                break
            }
            url = next
            admitted = nextTarget
        }

        guard let last else { return result }
        if http.expectRedirectToHTTPS {
            judgeRedirectToHTTPS(&result, from: http.url, status: last.status, location: hops.last?.location)
        } else if let unfollowed, !http.expectedStatus.contains(last.status) {
            result.fail("redirect to \(unfollowed) not followed: it is not declared in the site file")
        } else if !(http.expectedStatus.isEmpty
            ? (200...299).contains(last.status) : http.expectedStatus.contains(last.status))
        {
            let expected =
                http.expectedStatus.isEmpty ? "2xx" : http.expectedStatus.map(String.init).joined(separator: " or ")
            result.fail(
                "HTTP \(last.status) \(HTTPResponseStatus(statusCode: last.status).reasonPhrase) (expected \(expected))"
            )
        }

        var hstsMaxAge: Int?
        if url.scheme == .https, let value = last.headers.first(name: "Strict-Transport-Security") {
            hstsMaxAge = HSTSHeader.maxAge(value)
        }
        let hsts = (hstsMaxAge ?? 0) > 0
        if http.requireHSTS, url.scheme == .https, !hsts, !http.expectRedirectToHTTPS {
            result.fail(hstsMaxAge == 0 ? "HSTS disabled (max-age=0)" : "no Strict-Transport-Security header")
        }
        result.http = HTTPReport(
            status: last.status,
            hsts: hsts,
            hstsMaxAge: hstsMaxAge,
            hops: hops,
            location: hops.last?.location,
            bodyBytes: last.bodyBytes
        )
        result.latency = .now - start
        return result
    }

    func judgeRedirectToHTTPS(_ result: inout CheckResult, from original: HTTPURL, status: Int, location: String?) {
        guard HTTPProbe.redirectStatuses.contains(status), let location else {
            result.fail("expected a redirect to https, got HTTP \(status)")
            return
        }
        guard let target = original.resolving(location: location), target.scheme == .https else {
            result.fail("redirects to \(location), not to https")
            return
        }
        if target.host != original.host {
            result.fail("redirects to another host (\(target.host.bare)), expected \(original.host.bare)")
        }
    }

    func finish(
        _ result: CheckResult,
        hops: [HTTPReport.Hop],
        last: HTTPExchange?,
        start: ContinuousClock.Instant,
        answered: Bool
    ) -> CheckResult {
        var result = result
        if let last {
            result.http = HTTPReport(
                status: last.status,
                hsts: false,
                hstsMaxAge: nil,
                hops: hops,
                location: hops.last?.location,
                bodyBytes: last.bodyBytes
            )
        }
        if answered { result.latency = .now - start }
        return result
    }

    func hopPrefix(_ previous: some Collection<HTTPReport.Hop>, _ url: HTTPURL) -> String {
        previous.isEmpty ? "" : "after redirect to \(url): "
    }

    func describe(_ failure: HTTPExchangeFailure, timeout: Duration) -> String {
        switch failure {
        case .connect(let connect): return connect.reason
        case .tls(let reason): return reason
        case .protocolError(let reason): return reason
        case .timeout: return "no HTTP answer in \(DurationText.format(timeout))"
        }
    }
}
