import Foundation

/// The daily report: the analysis as a document (Markdown and HTML with charts), in the site's language.
public enum DailyReport {
    public static func document(_ analysis: DailyAnalysis, site: Site, source: String, generatedAt: Date) -> ReportDocument {
        let fr = site.language == .fr
        func t(_ french: String, _ english: String) -> String { fr ? french : english }
        func time(_ date: Date) -> String { date.formatted(.iso8601.time(includingFractionalSeconds: false)).prefix(5) + " UTC" }
        func percent(_ value: Double?) -> String { value.map { String(format: "%.2f %%", $0) } ?? t("pas de données", "no data") }
        func duration(_ seconds: TimeInterval) -> String { DurationText.format(.seconds(Int64(seconds.rounded()))) }
        func ms(_ seconds: Double) -> String { String(format: "%.0f ms", seconds * 1000) }
        func bits(_ value: Double) -> String {
            value >= 1e6 ? String(format: "%.1f Mbit/s", value / 1e6) : String(format: "%.0f kbit/s", value / 1e3)
        }
        func peak(_ peak: DailyAnalysis.Peak?, _ format: (Double) -> String) -> String {
            guard let peak else { return t("pas de données", "no data") }
            return "\(format(peak.value)) \(t("à", "at")) \(time(peak.at))"
        }
        let day = analysis.dayStart.formatted(.iso8601.year().month().day())

        var sections: [ReportDocument.Section] = []
        sections.append(
            .init(t("Résumé", "Summary"), [
                .fields([
                    (t("Service", "Site"), "\(site.name) (\(site.domain))"),
                    (t("Journée", "Day"), "\(day) (UTC)"),
                    (t("Source", "Source"), source),
                    (t("Établi le", "Generated"), RFC3339.format(generatedAt)),
                ])
            ])
        )

        var availability: [ReportDocument.Block] = [
            .table(
                header: [t("Composant", "Service"), t("Disponibilité", "Availability"), t("Interruptions", "Outages"), t("Durée totale", "Total down")],
                rows: analysis.availability.map { row in
                    [row.service, percent(row.percent), String(row.outages.count), duration(row.outages.reduce(0) { $0 + $1.duration })]
                }
            )
        ]
        let outages = analysis.availability.flatMap { row in row.outages.map { (row.service, $0) } }
        if !outages.isEmpty {
            availability.append(.bullets(outages.map { "\($0.0): \(time($0.1.start)) → \(time($0.1.end)) (\(duration($0.1.duration)))" }))
        }
        sections.append(.init(t("Disponibilité", "Availability"), availability))

        sections.append(
            .init(t("Latence des contrôles", "Probe latency"), [
                .table(
                    header: [t("Composant", "Service"), "p50", "p95", "max"],
                    rows: analysis.latency.map { [$0.service, ms($0.p50), ms($0.p95), ms($0.max)] }
                )
            ])
        )

        if !analysis.certificates.isEmpty {
            sections.append(
                .init(t("Certificats", "Certificates"), [
                    .table(
                        header: [t("Contrôle", "Check"), t("Jours restants", "Days left")],
                        rows: analysis.certificates.map { ["\($0.service)/\($0.check)", String($0.daysLeft)] }
                    )
                ])
            )
        }

        sections.append(
            .init(t("Pics de charge", "Load peaks"), [
                .fields([
                    (t("Participants", "Participants"), peak(analysis.participantsPeak) { String(Int($0)) }),
                    (t("Conférences", "Conferences"), peak(analysis.conferencesPeak) { String(Int($0)) }),
                    (t("Débit entrant", "Bitrate in"), peak(analysis.bitrateInPeak, bits)),
                    (t("Débit sortant", "Bitrate out"), peak(analysis.bitrateOutPeak, bits)),
                    ("CPU", peak(analysis.cpuPeak) { String(format: "%.0f %%", $0 * 100) }),
                ])
            ])
        )

        func metricName(_ metric: DailyAnalysis.Crossing.Metric) -> String {
            switch metric {
            case .participants: t("participants", "participants")
            case .stress: t("charge du pont (stress)", "bridge stress")
            case .probeLatency: t("latence des contrôles", "probe latency")
            case .certificateDays: t("jours restants du certificat", "certificate days left")
            }
        }
        func value(_ metric: DailyAnalysis.Crossing.Metric, _ value: Double) -> String {
            switch metric {
            case .probeLatency: ms(value)
            case .stress: String(format: "%.2f", value)
            default: String(Int(value))
            }
        }
        sections.append(
            .init(
                t("Seuils franchis", "Thresholds crossed"),
                analysis.crossings.isEmpty
                    ? [.paragraph(t("Aucun seuil franchi.", "No threshold crossed."))]
                    : [
                        .table(
                            header: [t("Mesure", "Metric"), t("Objet", "Subject"), t("Seuil", "Threshold"), t("Pire valeur", "Worst"), t("Première fois", "First"), t("Minutes au-delà", "Minutes beyond")],
                            rows: analysis.crossings.map { crossing in
                                [
                                    metricName(crossing.metric), crossing.subject.isEmpty ? site.name : crossing.subject,
                                    value(crossing.metric, crossing.threshold), value(crossing.metric, crossing.worst),
                                    crossing.firstAt.map(time) ?? "-", crossing.minutesBeyond > 0 ? String(crossing.minutesBeyond) : "-",
                                ]
                            }
                        )
                    ]
            )
        )

        if !analysis.capacity.isEmpty {
            sections.append(
                .init(t("Capacité", "Capacity"), [
                    .bullets(
                        analysis.capacity.map { row in
                            let share = Int((row.ratio * 100).rounded())
                            let advice =
                                row.ratio > 0.8
                                ? t(" — au-delà de 80 % : prévoir un pont supplémentaire", " — above 80 %: plan another bridge")
                                : ""
                            return t(
                                "\(row.service) : pic de \(Int(row.peak.value)) participants à \(time(row.peak.at)), \(share) % des \(row.capacity) prévus\(advice)",
                                "\(row.service): peak of \(Int(row.peak.value)) participants at \(time(row.peak.at)), \(share) % of the \(row.capacity) planned\(advice)"
                            )
                        }
                    )
                ])
            )
        }

        if let logs = analysis.logs {
            let rows = logs.counts.keys.sorted().map { [$0, String(logs.counts[$0]!.errors), String(logs.counts[$0]!.warnings)] }
            sections.append(
                .init(t("Erreurs dans les journaux", "Errors in the logs"), [
                    .paragraph(t("\(logs.lines) lignes du jour dans \(logs.files) fichiers.", "\(logs.lines) lines of the day in \(logs.files) files.")),
                    rows.isEmpty
                        ? .paragraph(t("Aucune erreur ni avertissement.", "No error or warning."))
                        : .table(header: [t("Composant", "Component"), t("Erreurs", "Errors"), t("Avertissements", "Warnings")], rows: rows),
                ])
            )
        }

        sections.append(
            .init(t("Graphiques", "Charts"), [
                .svg(loadChart(analysis, site: site)),
                .svg(
                    SVGChart.day(
                        title: t("Latence du contrôle le plus lent (ms)", "Slowest probe latency (ms)"),
                        lines: [.init(name: "max", samples: analysis.latencySeries.map { .init(at: $0.at, value: $0.value * 1000) }, colour: "#c0392b")],
                        dayStart: analysis.dayStart
                    )
                ),
            ])
        )
        return ReportDocument(title: t("Rapport journalier", "Daily report") + " — \(site.name) — \(day)", language: site.language, sections: sections)
    }

    /// The participants chart (also rendered alone as the report's PNG).
    public static func loadChart(_ analysis: DailyAnalysis, site: Site) -> String {
        SVGChart.day(
            title: site.language == .fr ? "Participants sur la journée" : "Participants over the day",
            lines: [.init(name: site.language == .fr ? "participants" : "participants", samples: analysis.participantsSeries, colour: "#2f6fb0")],
            dayStart: analysis.dayStart
        )
    }
}
