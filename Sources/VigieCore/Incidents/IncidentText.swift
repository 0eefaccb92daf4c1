public import struct Foundation.Date

/// The register as `vigie incident` prints it for a terminal: the list, one incident with its
/// deadlines and timeline, the audit log. Every value from the register is shown escaped.
public enum IncidentText {
    /// One line per incident, and a sentence when there is none.
    public static func list(_ incidents: [Incident], now: Date, includesResolved: Bool) -> String {
        let rows = incidents.map { incident in
            [
                "\(incident.id)", incident.state, incident.severity.rawValue, incident.service,
                RFC3339.format(incident.detectedAt), nextDeadline(incident, now: now), incident.title,
            ]
        }
        let table = TextTable(
            header: ["ID", "STATE", "SEVERITY", "SERVICE", "DETECTED", "NEXT DEADLINE", "TITLE"],
            rows: rows
        ).render()
        guard incidents.isEmpty else { return table }
        return table + (includesResolved ? "no incident in the register\n" : "no open incident\n")
    }

    /// An incident's facts, its deadlines and its timeline.
    public static func show(_ incident: Incident, events: [IncidentEvent]) -> String {
        let shown = PrintableText.escaped
        var text = "#\(incident.id) \(shown(incident.title))\n"
        text += "state: \(incident.state)   severity: \(incident.severity.rawValue)   "
        text += "service: \(shown(incident.service))   source: \(incident.source.rawValue)\n"
        text += "detected: \(RFC3339.format(incident.detectedAt))"
        if let at = incident.acknowledgedAt { text += "   acknowledged: \(RFC3339.format(at))" }
        if let at = incident.resolvedAt { text += "   resolved: \(RFC3339.format(at))" }
        text += "\n"
        if let impact = incident.impact { text += "impact: \(shown(impact))\n" }
        if let cause = incident.cause { text += "cause: \(shown(cause))\n" }
        if let remediation = incident.remediation { text += "remediation: \(shown(remediation))\n" }
        if let deadlines = incident.deadlines {
            text += "deadlines:\n"
            for (stage, date) in deadlines.stages { text += "  \(stage.padding(to: 18)) \(RFC3339.format(date))\n" }
        }
        text += "timeline:\n"
        for event in events {
            text += "  \(RFC3339.format(event.at))  \(event.kind.rawValue.padding(to: 14)) \(shown(event.message))\n"
        }
        return text
    }

    /// Who did what, when, with what result.
    public static func audit(_ entries: [AuditEntry]) -> String {
        TextTable(
            header: ["WHEN", "ACTOR", "ACTION", "TARGET", "RESULT"],
            rows: entries.map { [RFC3339.format($0.at), $0.actor, $0.action, $0.target, $0.result] }
        ).render()
    }

    /// The nearest deadline still ahead, with its stage; "-" when no clock runs.
    public static func nextDeadline(_ incident: Incident, now: Date) -> String {
        guard let stages = incident.deadlines?.stages, let last = stages.last else { return "-" }
        if let next = stages.filter({ $0.1 > now }).min(by: { $0.1 < $1.1 }) {
            return "\(next.0) \(RFC3339.format(next.1))"
        }
        return "overdue: \(last.0)"
    }
}
