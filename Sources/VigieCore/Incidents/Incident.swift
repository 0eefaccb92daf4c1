public import struct Foundation.Date

/// An entry of the incident register. No personal data: services, checks and reasons only.
public struct Incident: Sendable, Hashable {
    public enum Severity: String, Sendable, Hashable, CaseIterable {
        case critical
        case major
        case minor
    }

    /// What opened it.
    public enum Source: String, Sendable, Hashable, CaseIterable {
        case check
        case watchdog
        case alert
        case manual
    }

    public var id: Int64
    /// The cause: at most one open incident per key (`check:web/https`, `alert:<fingerprint>`).
    public var key: String
    public var service: String
    public var severity: Severity
    public var title: String
    public var source: Source
    public var detectedAt: Date
    public var acknowledgedAt: Date?
    public var resolvedAt: Date?
    /// When the incident was found significant (NIS2 Art. 23): the moment of awareness for its clocks.
    public var significantAt: Date?
    /// When a personal-data breach was found (RGPD Art. 33): the start of its 72 h clock.
    public var personalDataBreachAt: Date?
    /// When the incident notification was sent to the CSIRT (starts the final report's month).
    public var notifiedAt: Date?
    /// The effect on the service (participants on the bridge at detection…).
    public var impact: String?
    public var cause: String?
    public var remediation: String?

    public init(
        id: Int64 = 0,
        key: String,
        service: String,
        severity: Severity,
        title: String,
        source: Source,
        detectedAt: Date,
        acknowledgedAt: Date? = nil,
        resolvedAt: Date? = nil,
        significantAt: Date? = nil,
        personalDataBreachAt: Date? = nil,
        notifiedAt: Date? = nil,
        impact: String? = nil,
        cause: String? = nil,
        remediation: String? = nil
    ) {
        self.id = id
        self.key = key
        self.service = service
        self.severity = severity
        self.title = title
        self.source = source
        self.detectedAt = detectedAt
        self.acknowledgedAt = acknowledgedAt
        self.resolvedAt = resolvedAt
        self.significantAt = significantAt
        self.personalDataBreachAt = personalDataBreachAt
        self.notifiedAt = notifiedAt
        self.impact = impact
        self.cause = cause
        self.remediation = remediation
    }

    public var isOpen: Bool { resolvedAt == nil }

    public var state: String {
        if resolvedAt != nil { return "resolved" }
        if acknowledgedAt != nil { return "acknowledged" }
        return "open"
    }

    /// The NIS2 and RGPD deadlines that apply, if any.
    public var deadlines: IncidentDeadlines? {
        IncidentDeadlines(
            significantAt: significantAt,
            notifiedAt: notifiedAt,
            personalDataBreachAt: personalDataBreachAt
        )
    }
}
