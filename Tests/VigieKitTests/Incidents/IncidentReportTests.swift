import Foundation
import Testing

@testable import VigieKit

@Suite struct IncidentReportTests {
    static let t0 = RFC3339.parse("2026-11-24T09:15:00Z")!

    static func incident() -> Incident {
        Incident(
            id: 12, key: "check:web/https", service: "web", severity: .critical, title: "web/https failing: certificate expired <3 days>",
            source: .check, detectedAt: t0, significantAt: t0 + 600, personalDataBreachAt: t0 + 3600,
            impact: "at detection: videobridge: 2 conferences, 9 participants", cause: "certificate not renewed"
        )
    }

    static let events = [
        IncidentEvent(incidentID: 12, at: t0, kind: .opened, message: "3 failed runs: certificate expired"),
        IncidentEvent(incidentID: 12, at: t0 + 120, kind: .restart, message: "restart #1 (systemctl restart nginx): exit 0"),
    ]

    @Test func earlyWarningInFrench() {
        let document = IncidentReport.document(incident: Self.incident(), events: Self.events, stage: .earlyWarning, language: .fr, site: "visio-pme", now: Self.t0 + 7200)
        let markdown = document.markdown
        #expect(markdown.hasPrefix("# Alerte précoce NIS2 — visio-pme \\#12\n"))
        #expect(markdown.contains("- **Alerte précoce (24 h)**: 2026-11-25T09:25:00Z"))
        #expect(markdown.contains("- **Notification d'incident (72 h)**: 2026-11-27T09:25:00Z"))
        #expect(markdown.contains("- **Notification à la CNIL (RGPD art. 33, 72 h)**: 2026-11-27T10:15:00Z"))
        #expect(markdown.contains("Causé par un acte illicite ou malveillant ?**: à compléter par l'administrateur"))
        #expect(markdown.contains("## Violation de données personnelles (RGPD art. 33.3)"))
        #expect(markdown.contains("| 2026-11-24T09:17:00Z | redémarrage | restart \\#1 (systemctl restart nginx): exit 0 |"))
        #expect(markdown.contains("certificate expired \\<3 days\\>"), "Markdown is escaped")
    }

    @Test func finalReportInEnglishAsHTML() {
        var incident = Self.incident()
        incident.resolvedAt = Self.t0 + 5400
        incident.personalDataBreachAt = nil
        let document = IncidentReport.document(incident: incident, events: Self.events, stage: .final, language: .en, site: "visio-pme", now: Self.t0 + 86_400)
        let html = document.html
        #expect(html.contains("<html lang=\"en\">"))
        #expect(html.contains("<title>NIS2 final report — visio-pme #12</title>"))
        #expect(html.contains("<dt>Duration</dt><dd>1h30m</dd>"))
        #expect(html.contains("<dt>Type of threat or root cause</dt><dd>certificate not renewed</dd>"))
        #expect(html.contains("<dt>Applied and ongoing mitigation measures</dt><dd>automatic restarts: restart #1 (systemctl restart nginx): exit 0</dd>"))
        #expect(html.contains("certificate expired &lt;3 days&gt;"), "HTML is escaped")
        #expect(!html.contains("GDPR Art. 33(3)"), "no breach, no RGPD section")
        #expect(!html.contains("<script"))
    }

    @Test func notificationAsksForIndicators() {
        let document = IncidentReport.document(incident: Self.incident(), events: [], stage: .notification, language: .en, site: "s", now: Self.t0)
        #expect(document.markdown.contains("- **Indicators of compromise**: to be completed by the administrator"))
        #expect(document.markdown.contains("- **Identified cause**: certificate not renewed"))
    }
}
