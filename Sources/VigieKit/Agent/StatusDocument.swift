public import struct Foundation.Date
public import VigieCore

/// The JSON of `GET /api/v1/status`: the latest result of every check (as `vigie check --json`
/// writes them) and the state of every collector.
public struct StatusDocument: Sendable {
    public var site: Site
    public var generatedAt: Date
    public var ready: Bool
    public var results: [CheckResult]
    public var collectors: [CollectorObservation]
    /// The open incidents, at most `incidentLimit` of them; `nil` when the register could not be read.
    public var incidents: [Incident]?
    /// How many open incidents the document lists at most.
    public var incidentLimit: Int
    /// Whether there are more open incidents than listed.
    public var incidentsTruncated: Bool

    public init(
        site: Site,
        generatedAt: Date,
        ready: Bool,
        results: [CheckResult],
        collectors: [CollectorObservation],
        incidents: [Incident]? = nil,
        incidentLimit: Int = AgentAPI.defaultIncidentLimit,
        incidentsTruncated: Bool = false
    ) {
        self.incidentLimit = incidentLimit
        self.incidentsTruncated = incidentsTruncated
        self.site = site
        self.generatedAt = generatedAt
        self.ready = ready
        self.results = results
        self.collectors = collectors
        self.incidents = incidents
    }

    public var json: JSONValue {
        .object([
            ("site", .string(site.name)),
            ("generated_at", .string(RFC3339.format(generatedAt))),
            ("ready", .bool(ready)),
            (
                "summary",
                .object([
                    ("checks", .integer(site.checks.count)),
                    ("reported", .integer(results.count)),
                    ("failed", .integer(results.filter { !$0.ok }.count)),
                ])
            ),
            ("results", .array(results.map(\.json))),
            (
                "collectors",
                .array(
                    collectors.map { observation in
                        .object([
                            ("service", .string(observation.collector.service)),
                            ("collector", .string(observation.collector.kind.rawValue)),
                            ("up", .bool(observation.isUp)),
                            ("collected_at", .string(RFC3339.format(observation.collectedAt))),
                            ("duration_ms", .number((observation.duration.milliseconds * 1000).rounded() / 1000)),
                            (
                                "error",
                                {
                                    if case .failure(let failure) = observation.result {
                                        return .string(failure.reason)
                                    }
                                    return .null
                                }()
                            ),
                        ])
                    }
                )
            ),
            ("incidents", .optional(incidents) { .array($0.map(\.json)) }),
            ("incidents_limit", .integer(incidentLimit)),
            ("incidents_truncated", .bool(incidentsTruncated)),
        ])
    }
}
