import Foundation
import Testing

@testable import VigieCore

@Suite struct IncidentReportTests {
    static let t0 = RFC3339.parse("2026-11-24T09:15:00Z")!

    static func incident() -> Incident {
        Incident(
            id: 12,
            key: "check:web/https",
            service: "web",
            severity: .critical,
            title: "web/https failing: certificate expired <3 days>",
            source: .check,
            detectedAt: t0,
            significantAt: t0 + 600,
            personalDataBreachAt: t0 + 3600,
            impact: "at detection: videobridge: 2 conferences, 9 participants",
            cause: "certificate not renewed"
        )
    }

    static let events = [
        IncidentEvent(incidentID: 12, at: t0, kind: .opened, message: "3 failed runs: certificate expired"),
        IncidentEvent(
            incidentID: 12,
            at: t0 + 120,
            kind: .restart,
            message: "restart #1 (systemctl restart nginx): exit 0"
        ),
    ]

    @Test func earlyWarningInFrench() {
        let document = IncidentReport.document(
            incident: Self.incident(),
            events: Self.events,
            stage: .earlyWarning,
            language: .fr,
            site: "visio-pme",
            now: Self.t0 + 7200
        )
        let markdown = document.markdown
        #expect(markdown.hasPrefix("# Alerte précoce NIS2 — visio-pme \\#12\n"))
        #expect(markdown.contains("- **Alerte précoce (24 h)**: 2026-11-25T09:25:00Z"))
        #expect(markdown.contains("- **Notification d'incident (72 h)**: 2026-11-27T09:25:00Z"))
        #expect(markdown.contains("- **Notification à la CNIL (RGPD art. 33, 72 h)**: 2026-11-27T10:15:00Z"))
        #expect(markdown.contains("Causé par un acte illicite ou malveillant ?**: à compléter par l'administrateur"))
        #expect(markdown.contains("## Violation de données personnelles (RGPD art. 33.3)"))
        #expect(
            markdown.contains(
                "| 2026-11-24T09:17:00Z | redémarrage | redémarrage n° 1 (« systemctl restart nginx ») : code de sortie 0 |"
            ),
            "\(markdown)"
        )
        #expect(markdown.contains("certificate expired \\<3 days\\>"), "Markdown is escaped")
    }

    @Test func finalReportInEnglishAsHTML() {
        var incident = Self.incident()
        incident.resolvedAt = Self.t0 + 5400
        incident.personalDataBreachAt = nil
        let document = IncidentReport.document(
            incident: incident,
            events: Self.events,
            stage: .final,
            language: .en,
            site: "visio-pme",
            now: Self.t0 + 86_400
        )
        let html = document.html
        #expect(html.contains("<html lang=\"en\">"))
        #expect(html.contains("<title>NIS2 final report — visio-pme #12</title>"))
        #expect(html.contains("<dt>Duration</dt><dd>1h30m</dd>"))
        #expect(html.contains("<dt>Type of threat or root cause</dt><dd>certificate not renewed</dd>"))
        #expect(
            html.contains(
                "<dt>Applied and ongoing mitigation measures</dt><dd>automatic restarts: restart #1 (systemctl restart nginx): exit 0</dd>"
            )
        )
        #expect(html.contains("certificate expired &lt;3 days&gt;"), "HTML is escaped")
        #expect(!html.contains("GDPR Art. 33(3)"), "no breach, no RGPD section")
        #expect(!html.contains("<script"))
    }

    /// A final report of an incident still open says it is ongoing, not a duration as if it were over.
    @Test func aFinalReportOfAnOpenIncidentSaysItIsOngoing() {
        for (language, ongoing, provisional) in [
            (
                Language.en, "- **Duration**: ongoing: 2h so far (as of 2026-11-24T11:15:00Z)",
                "this final report is provisional"
            ),
            (
                Language.fr, "- **Durée**: en cours : 2h à ce jour (au 2026-11-24T11:15:00Z)",
                "ce rapport final est provisoire"
            ),
        ] {
            let markdown = IncidentReport.document(
                incident: Self.incident(),
                events: Self.events,
                stage: .final,
                language: language,
                site: "s",
                now: Self.t0 + 7200
            ).markdown
            #expect(markdown.contains(ongoing), "\(markdown)")
            #expect(markdown.contains(provisional))
        }
        var closed = Self.incident()
        closed.resolvedAt = Self.t0 + 60
        let markdown = IncidentReport.document(
            incident: closed,
            events: Self.events,
            stage: .final,
            language: .en,
            site: "s",
            now: Self.t0 + 7200
        ).markdown
        #expect(markdown.contains("- **Duration**: 1m\n"))
        #expect(!markdown.contains("provisional"))
    }

    /// Every sentence Vigie writes into a timeline, with the values a register holds.
    static var everySentence: [IncidentEvent] {
        let at = t0
        func event(_ kind: IncidentEvent.Kind, _ message: String) -> IncidentEvent {
            IncidentEvent(incidentID: 12, at: at, kind: kind, message: message)
        }
        return [
            event(.opened, TimelineText.checkFailed("web/https", runs: 3, reason: "certificate expired 2 days ago")),
            event(.checkFailed, TimelineText.checkFailed("web/tcp", runs: 1, reason: "connection refused")),
            event(.checkFailed, TimelineText.checkReason("web/https", reason: "no answer in 5s")),
            event(
                .restart,
                TimelineText.restart(attempt: 1, command: ["/usr/bin/systemctl", "restart", "nginx"], detail: "exit 0")
            ),
            event(
                .restart,
                TimelineText.restart(
                    attempt: 2,
                    command: ["/usr/bin/systemctl", "restart", "nginx"],
                    detail: "exit 1: Job for nginx.service failed"
                )
            ),
            event(
                .restart,
                TimelineText.restart(
                    attempt: 3,
                    command: ["/usr/local/sbin/restart-jvb", "jitsi-videobridge2"],
                    detail: "drained in 2m30s; timed out after 2m"
                )
            ),
            event(
                .restart,
                TimelineText.restart(
                    attempt: 1,
                    command: ["x", "y"],
                    detail: "drain refused (HTTP 503), restarting anyway; killed by signal 9"
                )
            ),
            event(
                .restart,
                TimelineText.restart(
                    attempt: 1,
                    command: ["x", "y"],
                    detail: "would drain http://127.0.0.1:8080; dry run: would run x y"
                )
            ),
            event(
                .restart,
                TimelineText.restart(
                    attempt: 1,
                    command: ["x", "y"],
                    detail: "drain API unreachable, restarting anyway; cannot run x: No such file or directory"
                )
            ),
            event(
                .restart,
                TimelineText.restart(
                    attempt: 1,
                    command: ["x", "y"],
                    detail: "drain deadline (10m) reached with conferences still running; exit 0"
                )
            ),
            event(.escalation, TimelineText.escalation(restarts: 3, window: .seconds(3600))),
            event(.escalation, TimelineText.escalation(restarts: 1, window: .seconds(600))),
            event(.recovered, TimelineText.watchdogRecovered(restarts: 2)),
            event(.recovered, TimelineText.checkPassesAgain("web/tcp", runs: 2)),
            event(.alertFiring, TimelineText.alertFiring("NginxDown", fingerprint: "4f3a9c")),
            event(.alertFiring, TimelineText.alertFiring("DiskFull")),
            event(.opened, TimelineText.alertFiring("DiskFull")),
            event(.alertResolved, TimelineText.alertResolved("NginxDown", fingerprint: "4f3a9c")),
            event(.marked, TimelineText.significantBySiteRule(after: .seconds(1800))),
            event(.marked, TimelineText.marked([.significant, .personalDataBreach], by: "alice", asOf: at)),
            event(.marked, TimelineText.marked([.notified], by: "bob", asOf: at)),
            event(.acknowledged, TimelineText.acknowledged(by: "alice")),
            event(.note, TimelineText.note(by: "alice", setting: [], text: "called the hosting provider")),
            event(
                .note,
                TimelineText.note(by: "alice", setting: [.cause, .remediation], text: "expired certificate, renewed")
            ),
            event(.resolved, TimelineText.resolved(by: "alice", note: "renewed the certificate")),
            event(.resolved, TimelineText.resolved(by: "alice", note: nil)),
            event(.resolved, TimelineText.serviceRecovered("web", last: "web/https", runs: 2)),
            event(.resolved, TimelineText.alertResolved("DiskFull")),
        ]
    }

    /// Words only English uses, and only French: a draft in one language holds none of the other's outside
    /// what it quotes (« … »: a probe's diagnostic, a command's output, a note, as they were written).
    static let englishWords: Set<String> = [
        "by", "failed", "failing", "restart", "restarts", "passes", "passing", "recovered", "acknowledged", "marked",
        "still", "firing",
        "resolved", "the", "and", "of", "opened", "run", "runs", "exit", "would", "drain", "drained", "timed", "after",
        "check", "checks",
        "every", "again", "significant", "window", "notified", "anyway", "until", "stop", "watchdog", "alert", "set",
        "as", "in", "rule",
        "ongoing", "so", "far", "not", "to", "be", "completed", "administrator", "unreachable", "reached", "with",
        "cannot",
    ]
    static let frenchWords: Set<String> = [
        "par", "échec", "échecs", "redémarrage", "redémarrages", "réussit", "réussissent", "rétabli", "du", "le", "la",
        "les", "des",
        "ouvert", "résolu", "alerte", "levée", "active", "qualifié", "important", "notifié", "pris", "compte", "code",
        "sortie", "délai",
        "vidage", "vidé", "essai", "toujours", "jusqu'au", "règle", "cours", "compléter",
    ]

    static func words(outsideQuotes text: String) -> [String] {
        var outside = ""
        var depth = 0
        for character in text {
            if character == "«" {
                depth += 1
            } else if character == "»" {
                depth = max(0, depth - 1)
            } else if depth == 0 {
                outside.append(character)
            }
        }
        return outside.lowercased().split { !$0.isLetter && $0 != "'" && $0 != "’" }.map(String.init)
    }

    @Test(arguments: [Language.fr, Language.en], ReportStage.allCases) func eachDraftIsInOneLanguage(
        _ language: Language,
        _ stage: ReportStage
    ) {
        var incident = Self.incident()
        // Vigie's own title and impact (translated); the cause is the administrator's words (quoted in French).
        incident.title = TimelineText.failingTitle("web/https", reason: "certificate expired 2 days ago")
        incident.cause = language == .fr ? "certificat non renouvelé" : "certificate not renewed"
        let markdown = IncidentReport.document(
            incident: incident,
            events: Self.everySentence,
            stage: stage,
            language: language,
            site: "visio-pme (meet.example.org)",
            now: Self.t0 + 7200
        ).markdown
        let text = markdown
        let others = language == .fr ? Self.englishWords : Self.frenchWords
        let leftovers = Self.words(outsideQuotes: text).filter { others.contains($0) }
        #expect(leftovers.isEmpty, "\(language) \(stage) draft: \(Set(leftovers).sorted())\n\(markdown)")
    }

    /// Vigie's own sentences are translated by their templates; none falls back to being quoted whole.
    @Test func everySentenceHasItsTemplate() {
        for event in Self.everySentence {
            let french = TimelineText.render(event.message, kind: event.kind, language: .fr)
            #expect(!french.hasPrefix("«"), "\(event.kind): \(event.message) → \(french)")
            #expect(TimelineText.render(event.message, kind: event.kind, language: .en) == event.message)
        }
        // A message no template knows is quoted whole, never half-translated.
        #expect(TimelineText.render("restarted by hand", kind: .note, language: .fr) == "« restarted by hand »")
    }

    @Test func notificationAsksForIndicators() {
        let document = IncidentReport.document(
            incident: Self.incident(),
            events: [],
            stage: .notification,
            language: .en,
            site: "s",
            now: Self.t0
        )
        #expect(document.markdown.contains("- **Indicators of compromise**: to be completed by the administrator"))
        #expect(document.markdown.contains("- **Identified cause**: certificate not renewed"))
    }
}
