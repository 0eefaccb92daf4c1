public import Foundation

// Drafts of the reports NIS2 Article 23(4) asks for, and of the RGPD Article 33(3) notification
// when a personal-data breach is marked, filled from the register. What the register cannot know
// (malicious intent, cross-border impact, indicators of compromise) is left for the administrator
// to complete, and says so: these are drafts, not filings.

/// The stage of NIS2 reporting a draft is for.
public enum ReportStage: String, Sendable, Hashable, CaseIterable {
    case earlyWarning = "early-warning"
    case notification
    case final
}

/// Builds incident report drafts.
public enum IncidentReport {
    public static func document(
        incident: Incident,
        events: [IncidentEvent],
        stage: ReportStage,
        language: Language,
        site: String,
        now: Date
    ) -> ReportDocument {
        let t = Strings(language)
        let deadlines = incident.deadlines
        func date(_ value: Date?) -> String { value.map(t.date) ?? t.notSet }

        var sections: [ReportDocument.Section] = []
        sections.append(
            .init(
                t.identification,
                [
                    .fields([
                        (t.site, site),
                        (
                            t.incident,
                            "#\(incident.id) — \(TimelineText.renderTitle(incident.title, language: language))"
                        ),
                        (t.service, incident.service),
                        (t.severity, t.severityName(incident.severity)),
                        (t.status, t.stateName(incident.state)),
                        (t.detected, t.date(incident.detectedAt)),
                        (t.aware, date(incident.significantAt)),
                        (t.resolved, date(incident.resolvedAt)),
                        (t.draftedAt, t.date(now)),
                    ])
                ]
            )
        )
        var clock: [(String, String)] = [
            (t.earlyWarningDue, date(deadlines?.earlyWarning)),
            (t.notificationDue, date(deadlines?.notification)),
            (t.finalReportDue, date(deadlines?.finalReport)),
        ]
        if incident.personalDataBreachAt != nil { clock.append((t.rgpdDue, date(deadlines?.rgpdNotification))) }
        sections.append(.init(t.deadlines, [.fields(clock)]))

        switch stage {
        case .earlyWarning:
            sections.append(
                .init(
                    t.earlyWarningQuestions,
                    [
                        .fields([
                            (t.malicious, t.toComplete),
                            (t.crossBorder, t.toComplete),
                            (
                                t.impact,
                                incident.impact.map { TimelineText.renderImpact($0, language: language) }
                                    ?? t.toComplete
                            ),
                        ])
                    ]
                )
            )
        case .notification:
            sections.append(
                .init(
                    t.initialAssessment,
                    [
                        .fields([
                            (t.severity, t.severityName(incident.severity)),
                            (
                                t.impact,
                                incident.impact.map { TimelineText.renderImpact($0, language: language) }
                                    ?? t.toComplete
                            ),
                            (t.cause, incident.cause.map { TimelineText.data($0, language: language) } ?? t.toComplete),
                            (t.indicators, t.toComplete),
                            (t.malicious, t.toComplete),
                            (t.crossBorder, t.toComplete),
                        ])
                    ]
                )
            )
        case .final:
            let duration = DurationText.format(
                .seconds(Int64(max(0, (incident.resolvedAt ?? now).timeIntervalSince(incident.detectedAt))))
            )
            var blocks: [ReportDocument.Block] = []
            if incident.isOpen { blocks.append(.paragraph(t.stillOpen)) }
            blocks.append(
                .fields([
                    (t.description, TimelineText.renderTitle(incident.title, language: language)),
                    (t.duration, incident.isOpen ? t.ongoing(duration, asOf: t.date(now)) : duration),
                    (
                        t.impact,
                        incident.impact.map { TimelineText.renderImpact($0, language: language) } ?? t.toComplete
                    ),
                    (t.rootCause, incident.cause.map { TimelineText.data($0, language: language) } ?? t.toComplete),
                    (
                        t.mitigation,
                        incident.remediation.map { TimelineText.data($0, language: language) }
                            ?? t.mitigationFromTimeline(events)
                    ),
                    (t.crossBorder, t.toComplete),
                ])
            )
            sections.append(.init(t.finalDescription, blocks))
        }
        if incident.personalDataBreachAt != nil {
            sections.append(
                .init(
                    t.rgpdSection,
                    [
                        .fields([
                            (t.breachAware, date(incident.personalDataBreachAt)),
                            (t.breachNature, t.toComplete),
                            (t.dataSubjects, t.toComplete),
                            (t.dpo, t.toComplete),
                            (t.consequences, t.toComplete),
                            (
                                t.measures,
                                incident.remediation.map { TimelineText.data($0, language: language) } ?? t.toComplete
                            ),
                        ])
                    ]
                )
            )
        }
        sections.append(
            .init(
                t.timeline,
                [
                    .table(
                        header: [t.when, t.what, t.details],
                        rows: events.map {
                            [
                                t.date($0.at), t.eventName($0.kind),
                                TimelineText.render($0.message, kind: $0.kind, language: language),
                            ]
                        }
                    )
                ]
            )
        )
        sections.append(.init(t.note, [.paragraph(t.draftNote)]))
        return ReportDocument(
            title: "\(t.stageTitle(stage)) — \(site) #\(incident.id)",
            language: language,
            sections: sections
        )
    }

    /// The words of the drafts, in French and English.
    struct Strings {
        let fr: Bool
        let language: Language

        init(_ language: Language) {
            self.language = language
            fr = language == .fr
        }

        func pick(_ french: String, _ english: String) -> String { fr ? french : english }

        func date(_ date: Date) -> String { RFC3339.format(date) }

        var notSet: String { pick("non renseigné", "not set") }
        var toComplete: String { pick("à compléter par l'administrateur", "to be completed by the administrator") }
        var identification: String { pick("Identification", "Identification") }
        var site: String { pick("Service", "Site") }
        var incident: String { pick("Incident", "Incident") }
        var service: String { pick("Composant", "Component") }
        var severity: String { pick("Gravité", "Severity") }
        var status: String { pick("État", "Status") }
        var detected: String { pick("Détecté le", "Detected") }
        var aware: String {
            pick("Connaissance de l'incident important (NIS2)", "Became aware of the significant incident (NIS2)")
        }
        var resolved: String { pick("Résolu le", "Resolved") }
        var draftedAt: String { pick("Brouillon établi le", "Draft made") }
        var deadlines: String { pick("Échéances", "Deadlines") }
        var earlyWarningDue: String { pick("Alerte précoce (24 h)", "Early warning (24 h)") }
        var notificationDue: String { pick("Notification d'incident (72 h)", "Incident notification (72 h)") }
        var finalReportDue: String { pick("Rapport final (1 mois)", "Final report (1 month)") }
        var rgpdDue: String {
            pick(
                "Notification à la CNIL (RGPD art. 33, 72 h)",
                "Supervisory authority notification (GDPR Art. 33, 72 h)"
            )
        }
        var earlyWarningQuestions: String {
            pick("Alerte précoce (NIS2 art. 23.4 a)", "Early warning (NIS2 Art. 23(4)(a))")
        }
        var malicious: String {
            pick("Causé par un acte illicite ou malveillant ?", "Suspected to be caused by unlawful or malicious acts?")
        }
        var crossBorder: String { pick("Impact transfrontière ?", "Cross-border impact?") }
        var impact: String { pick("Impact", "Impact") }
        var initialAssessment: String {
            pick("Évaluation initiale (NIS2 art. 23.4 b)", "Initial assessment (NIS2 Art. 23(4)(b))")
        }
        var cause: String { pick("Cause identifiée", "Identified cause") }
        var indicators: String { pick("Indicateurs de compromission", "Indicators of compromise") }
        var finalDescription: String { pick("Rapport final (NIS2 art. 23.4 d)", "Final report (NIS2 Art. 23(4)(d))") }
        var description: String { pick("Description détaillée", "Detailed description") }
        var duration: String { pick("Durée", "Duration") }
        var rootCause: String { pick("Type de menace ou cause première", "Type of threat or root cause") }
        var mitigation: String {
            pick("Mesures d'atténuation appliquées et en cours", "Applied and ongoing mitigation measures")
        }
        var rgpdSection: String {
            pick("Violation de données personnelles (RGPD art. 33.3)", "Personal data breach (GDPR Art. 33(3))")
        }
        var breachAware: String { pick("Connaissance de la violation", "Became aware of the breach") }
        var breachNature: String { pick("Nature de la violation", "Nature of the breach") }
        var dataSubjects: String {
            pick(
                "Catégories et nombre approximatif de personnes et d'enregistrements",
                "Categories and approximate number of data subjects and records"
            )
        }
        var dpo: String { pick("Délégué à la protection des données (contact)", "Data protection officer (contact)") }
        var consequences: String { pick("Conséquences probables", "Likely consequences") }
        var measures: String { pick("Mesures prises ou envisagées", "Measures taken or proposed") }
        var timeline: String { pick("Chronologie (registre Vigie)", "Timeline (Vigie register)") }
        var when: String { pick("Quand (UTC)", "When (UTC)") }
        var what: String { pick("Événement", "Event") }
        var details: String { pick("Détails", "Details") }
        var note: String { pick("Nota", "Note") }
        var draftNote: String {
            pick(
                "Brouillon généré par Vigie à partir du registre d'incidents. Il doit être relu, complété et transmis par l'entité (CSIRT national, CNIL le cas échéant).",
                "Draft generated by Vigie from the incident register. It must be reviewed, completed and submitted by the entity (national CSIRT, and the supervisory authority where applicable)."
            )
        }

        func stageTitle(_ stage: ReportStage) -> String {
            switch stage {
            case .earlyWarning: pick("Alerte précoce NIS2", "NIS2 early warning")
            case .notification: pick("Notification d'incident NIS2", "NIS2 incident notification")
            case .final: pick("Rapport final NIS2", "NIS2 final report")
            }
        }

        func severityName(_ severity: Incident.Severity) -> String {
            switch severity {
            case .critical: pick("critique", "critical")
            case .major: pick("majeure", "major")
            case .minor: pick("mineure", "minor")
            }
        }

        func stateName(_ state: String) -> String {
            switch state {
            case "resolved": pick("résolu", "resolved")
            case "acknowledged": pick("pris en compte", "acknowledged")
            default: pick("ouvert", "open")
            }
        }

        func eventName(_ kind: IncidentEvent.Kind) -> String {
            switch kind {
            case .opened: pick("ouverture", "opened")
            case .checkFailed: pick("échec de contrôle", "check failed")
            case .restart: pick("redémarrage", "restart")
            case .escalation: pick("escalade", "escalation")
            case .alertFiring: pick("alerte active", "alert firing")
            case .alertResolved: pick("alerte levée", "alert resolved")
            case .acknowledged: pick("prise en compte", "acknowledged")
            case .marked: pick("qualification", "marked")
            case .note: pick("note", "note")
            case .recovered: pick("rétablissement", "recovered")
            case .resolved: pick("résolution", "resolved")
            }
        }

        var stillOpen: String {
            pick(
                "L'incident n'est pas clos : ce rapport final est provisoire. Il est dû un mois après la notification d'incident, et décrit l'incident une fois traité.",
                "The incident is not closed: this final report is provisional. It is due one month after the incident notification, and describes the incident once handled."
            )
        }

        func ongoing(_ duration: String, asOf now: String) -> String {
            pick("en cours : \(duration) à ce jour (au \(now))", "ongoing: \(duration) so far (as of \(now))")
        }

        func mitigationFromTimeline(_ events: [IncidentEvent]) -> String {
            let restarts = events.filter { $0.kind == .restart }.map {
                TimelineText.render($0.message, kind: $0.kind, language: language)
            }
            if restarts.isEmpty { return toComplete }
            return pick("redémarrages automatiques : ", "automatic restarts: ") + restarts.joined(separator: "; ")
        }
    }
}
