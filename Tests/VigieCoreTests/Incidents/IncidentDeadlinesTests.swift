import Foundation
import Testing

@testable import VigieCore

@Suite struct IncidentDeadlinesTests {
    static func date(_ text: String) -> Date { RFC3339.parse(text)! }

    @Test func nis2ClocksStartAtAwareness() throws {
        let deadlines = try #require(
            IncidentDeadlines(
                significantAt: Self.date("2026-11-24T09:15:00Z"),
                notifiedAt: nil,
                personalDataBreachAt: nil
            )
        )
        #expect(deadlines.earlyWarning == Self.date("2026-11-25T09:15:00Z"))
        #expect(deadlines.notification == Self.date("2026-11-27T09:15:00Z"))
        #expect(deadlines.finalReport == Self.date("2026-12-27T09:15:00Z"), "one month after the notification deadline")
        #expect(deadlines.rgpdNotification == nil)
        #expect(deadlines.stages.map(\.0) == ["early_warning", "notification", "final_report"])
    }

    @Test func theFinalReportFollowsTheActualNotification() throws {
        let deadlines = try #require(
            IncidentDeadlines(
                significantAt: Self.date("2026-01-29T10:00:00Z"),
                notifiedAt: Self.date("2026-01-31T08:00:00Z"),
                personalDataBreachAt: nil
            )
        )
        #expect(deadlines.finalReport == Self.date("2026-02-28T08:00:00Z"), "calendar month, clamped to February's end")
    }

    @Test func rgpdClockAloneForABreach() throws {
        let deadlines = try #require(
            IncidentDeadlines(
                significantAt: nil,
                notifiedAt: nil,
                personalDataBreachAt: Self.date("2026-03-28T23:30:00Z")
            )
        )
        #expect(
            deadlines.rgpdNotification == Self.date("2026-03-31T23:30:00Z"),
            "72 hours, across the DST change (UTC)"
        )
        #expect(deadlines.earlyWarning == nil)
        #expect(deadlines.stages.map(\.0) == ["rgpd_notification"])
    }

    @Test func noClockNoDeadlines() {
        #expect(
            IncidentDeadlines(
                significantAt: nil,
                notifiedAt: Self.date("2026-01-01T00:00:00Z"),
                personalDataBreachAt: nil
            ) == nil
        )
    }
}
