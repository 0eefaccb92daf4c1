public import struct Foundation.Date

/// One line of an incident's timeline.
public struct IncidentEvent: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case opened
        case checkFailed = "check_failed"
        case restart
        case escalation
        case alertFiring = "alert_firing"
        case alertResolved = "alert_resolved"
        case acknowledged
        case marked
        case note
        case recovered
        case resolved
    }

    public var id: Int64
    public var incidentID: Int64
    public var at: Date
    public var kind: Kind
    public var message: String

    public init(id: Int64 = 0, incidentID: Int64, at: Date, kind: Kind, message: String) {
        self.id = id
        self.incidentID = incidentID
        self.at = at
        self.kind = kind
        self.message = message
    }
}
