import NIOHTTP1
public import VigieCore

/// Fetches one Jitsi statistics source and extracts what Vigie re-exports.
public struct CollectorRunner: Sendable {
    public var context: ProbeContext

    public init(context: ProbeContext) {
        self.context = context
    }

    /// Collects once. A source that is down, refuses, or answers nonsense is a failed observation, never an error.
    ///
    /// - Throws: ``UndeclaredTargetError`` when the source is not in the allowlist.
    public func collect(_ collector: Collector) async throws(UndeclaredTargetError) -> CollectorObservation {
        let target = try context.allowlist.admit(collector.url.endpoint, transport: .tcp, resolve: collector.resolve)
        let collectedAt = context.now()
        let start = ContinuousClock.now
        let result = await fetchAndExtract(collector, target: target, deadline: start + collector.timeout)
        return CollectorObservation(
            collector: collector,
            collectedAt: collectedAt,
            duration: .now - start,
            result: result
        )
    }

    func fetchAndExtract(
        _ collector: Collector,
        target: AdmittedEndpoint,
        deadline: ContinuousClock.Instant
    ) async -> Result<JitsiStats, CollectorFailure> {
        let accept =
            switch collector.kind {
            case .jvbColibriStats, .jicofoStats: "application/json"
            default: "text/plain; version=0.0.4, application/openmetrics-text; version=1.0.0;q=0.9"
            }
        let exchange: HTTPExchange
        switch await HTTPFetcher.fetch(
            collector.url,
            target: target,
            deadline: deadline,
            keepBody: true,
            accept: accept
        ) {
        case .success(let got): exchange = got
        case .failure(let failure):
            return .failure(CollectorFailure(reason: Self.describe(failure, timeout: collector.timeout)))
        }
        if collector.url.scheme == .https {
            guard case .success(let roots) = TrustAnchors.store(caFile: nil),
                let report = await CertificateInspector.inspect(
                    chain: exchange.peerChain,
                    host: collector.url.host,
                    roots: roots,
                    now: context.now()
                ), report.acceptable
            else {
                return .failure(CollectorFailure(reason: "the source's certificate is not acceptable"))
            }
        }
        guard exchange.status == 200 else {
            return .failure(CollectorFailure(reason: Self.hint(status: exchange.status, kind: collector.kind)))
        }
        if exchange.truncated {
            return .failure(CollectorFailure(reason: "answer larger than \(HTTPFetcher.bodyLimit) bytes"))
        }
        return JitsiStatsExtractor.extract(collector.kind, body: exchange.body)
    }

    /// What a non-200 answer usually means for each source.
    static func hint(status: Int, kind: Collector.Kind) -> String {
        let base = "HTTP \(status) \(HTTPResponseStatus(statusCode: status).reasonPhrase)"
        switch (status, kind) {
        case (403, .prosodyOpenMetrics):
            return base + " (Prosody serves /metrics only to openmetrics_allow_ips / openmetrics_allow_cidr)"
        case (404, .prosodyOpenMetrics):
            return base + " (enable mod_http_openmetrics and statistics = \"internal\")"
        case (404, .jvbColibriStats):
            return base + " (the COLIBRI REST API is off by default: videobridge.apis.rest.enabled)"
        default:
            return base
        }
    }

    static func describe(_ failure: HTTPExchangeFailure, timeout: Duration) -> String {
        switch failure {
        case .connect(let connect): return connect.reason
        case .tls(let reason), .protocolError(let reason): return reason
        case .timeout: return "no answer in \(DurationText.format(timeout))"
        }
    }
}
