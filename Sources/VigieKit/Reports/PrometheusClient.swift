public import struct Foundation.Date
public import VigieCore

/// Range queries against the Prometheus HTTP API (`/api/v1/query_range`).
public struct PrometheusClient: Sendable {
    public let base: HTTPURL
    let context: ProbeContext
    public var timeout: Duration
    /// The most of an answer read: past it the query fails (a cut answer is never decoded).
    public var bodyLimit = 64 << 20

    public typealias Failure = PrometheusError

    /// A client for the Prometheus at `url` (the one endpoint it may contact).
    public init(url: HTTPURL, timeout: Duration = .seconds(30)) {
        self.base = url
        self.timeout = timeout
        self.context = ProbeContext(allowlist: Allowlist(tcp: [url.endpoint]))
    }

    /// The series of `query` from `start` to `end` every `step`.
    public func queryRange(
        _ query: String,
        start: Date,
        end: Date,
        step: Duration
    ) async throws(Failure) -> [TimeSeries] {
        var url = base
        let prefix = base.requestTarget.hasSuffix("/") ? String(base.requestTarget.dropLast()) : base.requestTarget
        url.requestTarget =
            (prefix == "/" ? "" : prefix) + "/api/v1/query_range?query=" + Self.percentEncode(query)
            + "&start=\(Int(start.timeIntervalSince1970))&end=\(Int(end.timeIntervalSince1970))&step=\(Int(step.seconds))"
        let target: AdmittedEndpoint
        do {
            target = try context.allowlist.admit(url.endpoint, transport: .tcp)
        } catch {
            throw Failure(description: "\(error)")
        }
        switch await HTTPFetcher.fetch(
            url,
            target: target,
            deadline: .now + timeout,
            keepBody: true,
            accept: "application/json",
            bodyLimit: bodyLimit
        ) {
        case .success(let exchange):
            guard !exchange.truncated else {
                throw Failure(
                    description:
                        "Prometheus at \(base) answered more than \(Self.size(bodyLimit)) to \(query): the answer is not read (aggregate the query or narrow its range)"
                )
            }
            guard exchange.status == 200 || exchange.status == 400 || exchange.status == 422 else {
                throw Failure(description: "Prometheus at \(base) answered HTTP \(exchange.status)")
            }
            return try TimeSeries.decodeMatrix(exchange.body)
        case .failure(let failure):
            switch failure {
            case .connect(let connect):
                throw Failure(description: "cannot reach Prometheus at \(base): \(connect.reason)")
            case .timeout:
                throw Failure(description: "Prometheus at \(base) did not answer in \(DurationText.format(timeout))")
            case .tls(let reason), .protocolError(let reason):
                throw Failure(description: "Prometheus at \(base): \(reason)")
            }
        }
    }

    /// A byte count as an administrator reads it (`1 MiB`, `512 bytes`).
    static func size(_ bytes: Int) -> String {
        bytes >= 1 << 20 && bytes % (1 << 20) == 0
            ? "\(bytes >> 20) MiB"
            : bytes >= 1 << 10 && bytes % (1 << 10) == 0 ? "\(bytes >> 10) KiB" : "\(bytes) bytes"
    }

    static func percentEncode(_ text: String) -> String {
        PercentEncoding.encode(text)
    }
}
