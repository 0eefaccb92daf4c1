public import Foundation

// NIS2 Article 23 and RGPD Article 33 clocks, as pure date arithmetic.
//
// NIS2 (Directive (EU) 2022/2555, Art. 23(4)): an early warning within 24 hours of becoming aware of
// a significant incident; an incident notification within 72 hours of becoming aware; a final
// report within one month after the submission of the incident notification (from the deadline
// when it has not been sent yet). RGPD (Regulation (EU) 2016/679, Art. 33(1)): notify the
// supervisory authority (the CNIL in France) within 72 hours of becoming aware of a personal-data
// breach. Months are calendar months in UTC.

/// The regulatory deadlines of an incident.
public struct IncidentDeadlines: Sendable, Hashable {
    public var earlyWarning: Date?
    public var notification: Date?
    public var finalReport: Date?
    public var rgpdNotification: Date?

    /// The deadlines that apply; `nil` when neither clock has started.
    public init?(significantAt: Date?, notifiedAt: Date?, personalDataBreachAt: Date?) {
        guard significantAt != nil || personalDataBreachAt != nil else { return nil }
        if let aware = significantAt {
            earlyWarning = aware.addingTimeInterval(24 * 3600)
            let notification = aware.addingTimeInterval(72 * 3600)
            self.notification = notification
            finalReport = IncidentDeadlines.addingOneMonth(to: notifiedAt ?? notification)
        }
        if let breach = personalDataBreachAt {
            rgpdNotification = breach.addingTimeInterval(72 * 3600)
        }
    }

    static func addingOneMonth(to date: Date) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar.date(byAdding: .month, value: 1, to: date) ?? date.addingTimeInterval(30 * 86_400)
    }

    /// Every deadline by stage name, as the JSON and the metrics name them.
    public var stages: [(String, Date)] {
        var stages: [(String, Date)] = []
        if let earlyWarning { stages.append(("early_warning", earlyWarning)) }
        if let notification { stages.append(("notification", notification)) }
        if let finalReport { stages.append(("final_report", finalReport)) }
        if let rgpdNotification { stages.append(("rgpd_notification", rgpdNotification)) }
        return stages
    }
}
