public import Foundation

/// The daily report: the analysis as a document (Markdown and HTML with charts), in the site's language.
public enum DailyReport {
    /// The chart files written next to the report (names relative to it), linked by its Markdown.
    public struct ChartFiles: Sendable, Hashable {
        public var load: [String] = []
        public var latency: [String] = []

        public init(load: [String] = [], latency: [String] = []) {
            self.load = load
            self.latency = latency
        }
    }

    public static func document(
        _ analysis: DailyAnalysis,
        site: Site,
        source: String,
        generatedAt: Date,
        charts: ChartFiles = ChartFiles()
    ) -> ReportDocument {
        let fr = site.language == .fr
        func t(_ french: String, _ english: String) -> String { fr ? french : english }
        func time(_ date: Date) -> String {
            date.formatted(.iso8601.time(includingFractionalSeconds: false)).prefix(5) + " UTC"
        }
        func percent(_ value: Double?) -> String {
            value.map { String(format: "%.2f %%", $0) } ?? t("pas de données", "no data")
        }
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
            .init(
                t("Résumé", "Summary"),
                [
                    .fields([
                        (t("Service", "Site"), "\(site.name) (\(site.domain))"),
                        (t("Journée", "Day"), "\(day) (UTC)"),
                        (t("Source", "Source"), source),
                        (t("Établi le", "Generated"), RFC3339.format(generatedAt)),
                    ])
                ]
            )
        )

        /// A share of the day: one decimal below 10 % (7 minutes are 0.5 %, not 0 %).
        func share(_ fraction: Double) -> String {
            String(format: fraction < 0.1 ? "%.1f %%" : "%.0f %%", fraction * 100)
        }
        func coverage(_ row: DailyAnalysis.Availability) -> String {
            if row.samples == 0 { return t("aucune donnée", "no data") }
            if row.samples >= row.expected { return "100 %" }
            return "\(share(row.coverage)) (\(duration(Double(row.samples) * analysis.step)))"
        }
        var availability: [ReportDocument.Block] = [
            .table(
                header: [
                    t("Composant", "Service"), t("Disponibilité", "Availability"), t("Couverture", "Coverage"),
                    t("Interruptions", "Outages"),
                    t("Durée totale", "Total down"),
                ],
                rows: analysis.availability.map { row in
                    [
                        row.service, percent(row.percent), coverage(row), String(row.outages.count),
                        duration(row.outages.reduce(0) { $0 + $1.duration }),
                    ]
                }
            )
        ]
        let partial = analysis.availability.filter { $0.samples > 0 && $0.samples < $0.expected }.map(\.service)
        if !partial.isEmpty {
            availability.append(
                .paragraph(
                    t(
                        "Données sur une partie de la journée seulement pour \(partial.joined(separator: ", ")) : la disponibilité est celle de la partie couverte, non de la journée.",
                        "Data for part of the day only for \(partial.joined(separator: ", ")): availability is that of the covered part, not of the day."
                    )
                )
            )
        }
        let outages = analysis.availability.flatMap { row in row.outages.map { (row.service, $0) } }
        if !outages.isEmpty {
            availability.append(
                .bullets(
                    outages.map { "\($0.0): \(time($0.1.start)) → \(time($0.1.end)) (\(duration($0.1.duration)))" }
                )
            )
        }
        sections.append(.init(t("Disponibilité", "Availability"), availability))

        var latency: [ReportDocument.Block] = [
            .paragraph(
                t(
                    "Par composant, le plus lent de ses contrôles à chaque minute.",
                    "Per service, the slowest of its checks at each minute."
                )
            )
        ]
        latency.append(
            analysis.latency.isEmpty
                ? .paragraph(t("Pas de données de latence.", "No latency data."))
                : .table(
                    header: [t("Composant", "Service"), "p50", "p95", "max"],
                    rows: analysis.latency.map { [$0.service, ms($0.p50), ms($0.p95), ms($0.max)] }
                )
        )
        if !analysis.udpChecks.isEmpty {
            latency.append(
                .paragraph(
                    t(
                        "Sans temps d'aller-retour, les contrôles udp (\(analysis.udpChecks.joined(separator: ", "))) ne comptent ni dans la latence ni dans son seuil : un contrôle udp réussi attend tout son délai.",
                        "udp checks (\(analysis.udpChecks.joined(separator: ", "))) have no round-trip time and count neither in latency nor in its threshold: a passing udp check waits its whole timeout."
                    )
                )
            )
        }
        sections.append(.init(t("Latence des contrôles", "Probe latency"), latency))

        if !analysis.certificates.isEmpty {
            sections.append(
                .init(
                    t("Certificats", "Certificates"),
                    [
                        .table(
                            header: [t("Contrôle", "Check"), t("Jours restants", "Days left")],
                            rows: analysis.certificates.map { ["\($0.service)/\($0.check)", String($0.daysLeft)] }
                        )
                    ]
                )
            )
        }

        sections.append(
            .init(
                t("Pics de charge", "Load peaks"),
                [
                    .fields([
                        (t("Participants", "Participants"), peak(analysis.participantsPeak) { String(Int($0)) }),
                        (t("Conférences", "Conferences"), peak(analysis.conferencesPeak) { String(Int($0)) }),
                        (t("Débit entrant", "Bitrate in"), peak(analysis.bitrateInPeak, bits)),
                        (t("Débit sortant", "Bitrate out"), peak(analysis.bitrateOutPeak, bits)),
                        ("CPU", peak(analysis.cpuPeak) { String(format: "%.0f %%", $0 * 100) }),
                    ])
                ]
            )
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
        let compared = analysis.thresholdCoverage > 0 || !analysis.certificates.isEmpty
        let noCrossing: String
        if !compared {
            noCrossing = t(
                "Aucune donnée à comparer aux seuils : rien n'est dit des seuils ce jour-là.",
                "No data to compare with the thresholds: nothing is known of them that day."
            )
        } else if analysis.thresholdCoverage < 1 {
            noCrossing = t(
                "Aucun seuil franchi sur la partie de la journée avec des données (\(share(analysis.thresholdCoverage))).",
                "No threshold crossed over the part of the day with data (\(share(analysis.thresholdCoverage)))."
            )
        } else {
            noCrossing = t("Aucun seuil franchi.", "No threshold crossed.")
        }
        sections.append(
            .init(
                t("Seuils franchis", "Thresholds crossed"),
                analysis.crossings.isEmpty
                    ? [.paragraph(noCrossing)]
                    : [
                        .table(
                            header: [
                                t("Mesure", "Metric"), t("Objet", "Subject"), t("Seuil", "Threshold"),
                                t("Pire valeur", "Worst"), t("Première fois", "First"),
                                t("Minutes au-delà", "Minutes beyond"),
                            ],
                            rows: analysis.crossings.map { crossing in
                                [
                                    metricName(crossing.metric),
                                    crossing.subject.isEmpty ? site.name : crossing.subject,
                                    value(crossing.metric, crossing.threshold), value(crossing.metric, crossing.worst),
                                    crossing.firstAt.map(time) ?? "-",
                                    crossing.minutesBeyond > 0 ? String(crossing.minutesBeyond) : "-",
                                ]
                            }
                        )
                    ]
            )
        )

        if !analysis.capacity.isEmpty {
            sections.append(
                .init(
                    t("Capacité", "Capacity"),
                    [
                        .bullets(
                            analysis.capacity.map { row in
                                let share = Int((row.ratio * 100).rounded())
                                let advice =
                                    row.ratio > 0.8
                                    ? t(
                                        " — au-delà de 80 % : prévoir un pont supplémentaire",
                                        " — above 80 %: plan another bridge"
                                    )
                                    : ""
                                return t(
                                    "\(row.service) : pic de \(Int(row.peak.value)) participants à \(time(row.peak.at)), \(share) % des \(row.capacity) prévus\(advice)",
                                    "\(row.service): peak of \(Int(row.peak.value)) participants at \(time(row.peak.at)), \(share) % of the \(row.capacity) planned\(advice)"
                                )
                            }
                        )
                    ]
                )
            )
        }

        if let logs = analysis.logs {
            let rows = logs.counts.keys.sorted().map {
                [$0, String(logs.counts[$0]!.errors), String(logs.counts[$0]!.warnings)]
            }
            sections.append(
                .init(
                    t("Erreurs dans les journaux", "Errors in the logs"),
                    [
                        .paragraph(
                            t(
                                "\(Plural.french(logs.lines, "entrée")) du jour dans \(Plural.french(logs.files, "fichier")).",
                                "\(Plural.count(logs.lines, "entry", "entries")) of the day in \(Plural.count(logs.files, "file", "files"))."
                            )
                        ),
                        rows.isEmpty
                            ? .paragraph(t("Aucune erreur ni avertissement.", "No error or warning."))
                            : .table(
                                header: [
                                    t("Composant", "Component"), t("Erreurs", "Errors"),
                                    t("Avertissements", "Warnings"),
                                ],
                                rows: rows
                            ),
                    ]
                        + (logs.skipped.isEmpty
                            ? [] : [.paragraph(t("Non lus : ", "Not read: ") + logs.skipped.joined(separator: ", "))])
                )
            )
        }

        sections.append(
            .init(
                t("Graphiques", "Charts"),
                [
                    .chart(title: loadTitle(site), svg: loadChart(analysis, site: site), files: charts.load),
                    .chart(title: latencyTitle(site), svg: latencyChart(analysis, site: site), files: charts.latency),
                ]
            )
        )
        return ReportDocument(
            title: t("Rapport journalier", "Daily report") + " — \(site.name) — \(day)",
            language: site.language,
            sections: sections
        )
    }

    static func loadTitle(_ site: Site) -> String {
        site.language == .fr ? "Participants sur la journée" : "Participants over the day"
    }

    static func latencyTitle(_ site: Site) -> String {
        site.language == .fr ? "Latence du contrôle le plus lent (ms)" : "Slowest probe latency (ms)"
    }

    /// The participants chart (also written alone, as SVG and PNG).
    public static func loadChart(_ analysis: DailyAnalysis, site: Site) -> String {
        SVGChart.day(
            title: loadTitle(site),
            lines: [.init(name: "participants", samples: analysis.participantsSeries, colour: "#2f6fb0")],
            dayStart: analysis.dayStart
        )
    }

    /// The slowest probe at each step (also written alone, as SVG and PNG).
    public static func latencyChart(_ analysis: DailyAnalysis, site: Site) -> String {
        SVGChart.day(
            title: latencyTitle(site),
            lines: [
                .init(
                    name: "max",
                    samples: analysis.latencySeries.map { .init(at: $0.at, value: $0.value * 1000) },
                    colour: "#c0392b"
                )
            ],
            dayStart: analysis.dayStart
        )
    }
}
