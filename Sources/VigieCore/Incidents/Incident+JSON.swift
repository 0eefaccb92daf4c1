/// The machine form of an incident (`vigie incident show --json`, the status API).
extension Incident {
    public var json: JSONValue {
        func date(_ value: Foundation.Date?) -> JSONValue { .optional(value) { .string(RFC3339.format($0)) } }
        var deadlinesJSON = JSONValue.null
        if let deadlines {
            deadlinesJSON = .object(deadlines.stages.map { ($0.0, .string(RFC3339.format($0.1))) })
        }
        return .object([
            ("id", .integer(Int(id))),
            ("key", .string(key)),
            ("service", .string(service)),
            ("severity", .string(severity.rawValue)),
            ("state", .string(state)),
            ("title", .string(title)),
            ("source", .string(source.rawValue)),
            ("detected_at", .string(RFC3339.format(detectedAt))),
            ("acknowledged_at", date(acknowledgedAt)),
            ("resolved_at", date(resolvedAt)),
            ("significant_at", date(significantAt)),
            ("personal_data_breach_at", date(personalDataBreachAt)),
            ("notified_at", date(notifiedAt)),
            ("impact", .optional(impact) { .string($0) }),
            ("cause", .optional(cause) { .string($0) }),
            ("remediation", .optional(remediation) { .string($0) }),
            ("deadlines", deadlinesJSON),
        ])
    }
}

extension IncidentEvent {
    public var json: JSONValue {
        .object([("at", .string(RFC3339.format(at))), ("kind", .string(kind.rawValue)), ("message", .string(message))])
    }
}

extension AuditEntry {
    public var json: JSONValue {
        .object([
            ("at", .string(RFC3339.format(at))), ("actor", .string(actor)), ("action", .string(action)),
            ("target", .string(target)), ("result", .string(result)),
        ])
    }
}

import Foundation
