public import Foundation

// Vigie's own sentences in an incident's timeline. The register keeps them in English, its one
// language (what `vigie incident show` prints and the JSON carries); a report draft renders them in
// its own language by reading them back through the templates below, which sit next to the functions
// that write them. What a sentence quotes — a probe's diagnostic, a command's error output, an
// administrator's note, an alert's name — is data, not Vigie's words: a French draft shows it as it
// was written, between « ». A message no template knows (written by hand into the database, or by
// another program) is shown the same way, quoted, never half-translated.

/// Writes the timeline's sentences, and renders them in a report's language.
public enum TimelineText {
    // MARK: writing (English, as stored)

    public static func checkFailed(_ label: String, runs: Int, reason: String) -> String {
        "\(label): \(Plural.count(runs, "failed run")): \(reason)"
    }

    public static func checkReason(_ label: String, reason: String) -> String { "\(label): \(reason)" }

    public static func checkPassesAgain(_ label: String, runs: Int) -> String {
        "\(label) passes again (\(Plural.count(runs, "passing run")))"
    }

    public static func serviceRecovered(_ service: String, last label: String, runs: Int) -> String {
        "recovered: every check of \(service) passes (\(label): \(Plural.count(runs, "passing run")))"
    }

    public static func restart(attempt: Int, command: [String], detail: String) -> String {
        "restart #\(attempt) (\(command.joined(separator: " "))): \(detail)"
    }

    public static func escalation(restarts: Int, window: Duration) -> String {
        "\(Plural.count(restarts, "restart")) in the last \(DurationText.format(window)) and still failing: restarts stop until it recovers"
    }

    public static func watchdogRecovered(restarts: Int) -> String {
        "watchdog: all checks pass (\(Plural.count(restarts, "restart")) in the window)"
    }

    public static func alertFiring(_ name: String, fingerprint: String? = nil) -> String {
        "\(name) firing" + (fingerprint.map { " (alert \($0))" } ?? "")
    }

    public static func alertResolved(_ name: String, fingerprint: String? = nil) -> String {
        "\(name) resolved" + (fingerprint.map { " (alert \($0))" } ?? "")
    }

    public static func significantBySiteRule(after: Duration) -> String {
        "significant: still open after \(DurationText.format(after)) (site rule)"
    }

    public static func opened(by actor: String) -> String { "opened by \(actor)" }

    public static func acknowledged(by actor: String) -> String { "acknowledged by \(actor)" }

    public static func resolved(by actor: String, note: String?) -> String {
        "resolved by \(actor)" + (note.map { ": \($0)" } ?? "")
    }

    /// What `vigie incident mark` can say of an incident.
    public enum Mark: String, Sendable, CaseIterable {
        case significant
        case personalDataBreach = "personal-data breach"
        case notified
    }

    public static func marked(_ marks: [Mark], by actor: String, asOf moment: Date) -> String {
        "marked \(marks.map(\.rawValue).joined(separator: ", ")) by \(actor) (as of \(RFC3339.format(moment)))"
    }

    /// The fields `vigie incident note` can set.
    public enum Field: String, Sendable, CaseIterable {
        case impact, cause, remediation
    }

    public static func note(by actor: String, setting fields: [Field], text: String) -> String {
        fields.isEmpty
            ? "\(actor): \(text)" : "\(actor) set the \(fields.map(\.rawValue).joined(separator: ", ")): \(text)"
    }

    /// The title of an outage's incident: the check that opened it and why.
    public static func failingTitle(_ label: String, reason: String) -> String { "\(label) failing: \(reason)" }

    /// The title of an incident opened by an escalation.
    public static func escalationTitle(_ service: String) -> String { "\(service): restarts stopped at the flap limit" }

    /// An incident's title in `language`: Vigie's own titles translated, the rest (an alert's summary, an
    /// administrator's words) shown as written — quoted in French.
    public static func renderTitle(_ title: String, language: Language) -> String {
        guard language == .fr else { return title }
        for template in titleTemplates {
            if let captures = template.match(title) { return template.french(captures) }
        }
        return quoted(title)
    }

    /// Text an administrator or a source wrote (a cause, an impact given by hand), as a draft shows it.
    public static func data(_ text: String, language: Language) -> String { language == .fr ? quoted(text) : text }

    /// The load at detection, as the manager writes it (`at detection: videobridge: 2 conferences, 9 participants`).
    public static func renderImpact(_ impact: String, language: Language) -> String {
        guard language == .fr else { return impact }
        guard
            let rest = impact.firstRange(of: "at detection: ").flatMap({
                $0.lowerBound == impact.startIndex ? impact[$0.upperBound...] : nil
            })
        else {
            return quoted(impact)
        }
        let parts = rest.components(separatedBy: "; ").map { part -> String in
            guard let template = impactPart.match(part) else { return quoted(part) }
            var figures: [String] = []
            for figure in template[2].components(separatedBy: ", ") {
                if let match = impactFigure.match(figure) {
                    let (count, word) = (match[1], match[2])
                    switch word {
                    case "conferences", "conference": figures.append(fr(count, "conférence", "conférences"))
                    case "participants", "participant": figures.append(fr(count, "participant", "participants"))
                    default: figures.append(quoted(figure))
                    }
                } else {
                    figures.append(quoted(figure))
                }
            }
            return "\(template[1]) : \(figures.joined(separator: ", "))"
        }
        return "à la détection : " + parts.joined(separator: " ; ")
    }

    static let impactPart = Template([], "([^:\\s]+): (.+)") { $0[0] }
    static let impactFigure = Template([], "(\\d+) (\\S+)") { $0[0] }

    static let titleTemplates: [Template] = [
        Template([], "\(label) failing: (.*)") { "\($0[1]) en échec : \(quoted($0[2]))" },
        Template([], "(\\S+): restarts stopped at the flap limit") {
            "\($0[1]) : redémarrages arrêtés à la limite de répétition"
        },
    ]

    // MARK: reading back

    /// `message`, a line of the timeline of kind `kind`, in `language`.
    public static func render(_ message: String, kind: IncidentEvent.Kind, language: Language) -> String {
        guard language == .fr else { return message }
        for template in templates where template.kinds.contains(kind) {
            if let captures = template.match(message) { return template.french(captures) }
        }
        return quoted(message)
    }

    static func quoted(_ text: String) -> String { "« \(text) »" }

    /// French plural of a count: 0 and 1 take the singular.
    static func fr(_ count: String, _ singular: String, _ plural: String) -> String {
        "\(count) \((Int(count) ?? 0) < 2 ? singular : plural)"
    }

    struct Template: @unchecked Sendable {
        let kinds: Set<IncidentEvent.Kind>
        let expression: NSRegularExpression
        let french: @Sendable ([String]) -> String

        init(_ kinds: Set<IncidentEvent.Kind>, _ pattern: String, _ french: @escaping @Sendable ([String]) -> String) {
            self.kinds = kinds
            // The patterns are constants of this file: a bad one is a programming error, caught by the tests.
            self.expression = try! NSRegularExpression(
                pattern: "^" + pattern + "$",
                options: [.dotMatchesLineSeparators]
            )
            self.french = french
        }

        func match(_ text: String) -> [String]? {
            let range = NSRange(text.startIndex..., in: text)
            guard let found = expression.firstMatch(in: text, range: range) else { return nil }
            return (0..<found.numberOfRanges).map { index in
                Range(found.range(at: index), in: text).map { String(text[$0]) } ?? ""
            }
        }
    }

    static let label = "([^\\s:]+/[^\\s:]+)"

    static let templates: [Template] = [
        Template([.opened, .checkFailed], "\(label): (\\d+) failed runs?: (.*)") {
            "\($0[1]) : \(fr($0[2], "échec consécutif", "échecs consécutifs")) : \(quoted($0[3]))"
        },
        Template([.opened, .checkFailed], "(\\d+) failed runs?: (.*)") {
            "\(fr($0[1], "échec consécutif", "échecs consécutifs")) : \(quoted($0[2]))"
        },
        Template([.checkFailed], "\(label): (.*)") { "\($0[1]) : \(quoted($0[2]))" },
        Template([.resolved], "recovered: every check of (\\S+) passes \\(\(label): (\\d+) passing runs?\\)") {
            "rétabli : tous les contrôles de \($0[1]) réussissent (\($0[2]) : \(fr($0[3], "passage réussi", "passages réussis")))"
        },
        Template([.resolved], "recovered: (\\d+) passing runs?") {
            "rétabli : \(fr($0[1], "passage réussi", "passages réussis"))"
        },
        Template([.resolved], "all checks pass again") { _ in "tous les contrôles réussissent à nouveau" },
        Template([.recovered], "\(label) passes again \\((\\d+) passing runs?\\)") {
            "\($0[1]) réussit à nouveau (\(fr($0[2], "passage réussi", "passages réussis")))"
        },
        Template([.recovered], "watchdog: all checks pass \\((\\d+) restarts? in the window\\)") {
            "relance automatique : tous les contrôles réussissent (\(fr($0[1], "redémarrage", "redémarrages")) dans la fenêtre)"
        },
        Template([.restart], "restart #(\\d+) \\((.*?)\\): (.*)") {
            "redémarrage n° \($0[1]) (\(quoted($0[2]))) : \(restartDetail($0[3]))"
        },
        Template(
            [.escalation],
            "(\\d+) restarts? in the last (\\S+) and still failing: restarts stop until it recovers"
        ) {
            "\(fr($0[1], "redémarrage", "redémarrages")) sur les dernières \($0[2]) et toujours en échec : plus de redémarrage jusqu'au rétablissement"
        },
        Template([.alertFiring, .opened], "(.+) firing \\(alert ([0-9A-Za-z]+)\\)") {
            "alerte \(quoted($0[1])) active (empreinte \($0[2]))"
        },
        Template([.alertFiring, .opened], "(.+) firing") { "alerte \(quoted($0[1])) active" },
        Template([.alertResolved], "(.+) resolved \\(alert ([0-9A-Za-z]+)\\)") {
            "alerte \(quoted($0[1])) levée (empreinte \($0[2]))"
        },
        Template([.marked], "significant: still open after (\\S+) \\(site rule\\)") {
            "important : toujours ouvert après \($0[1]) (règle du site)"
        },
        Template([.opened], "opened by (.+)") { "ouvert par \($0[1])" },
        Template([.acknowledged], "acknowledged by (.+)") { "pris en compte par \($0[1])" },
        Template([.resolved], "resolved by ([^:]+): (.*)") { "résolu par \($0[1]) : \(quoted($0[2]))" },
        Template([.resolved], "resolved by (.+)") { "résolu par \($0[1])" },
        Template([.resolved], "(.+) resolved") { "alerte \(quoted($0[1])) levée" },
        Template(
            [.marked],
            "marked ((?:significant|personal-data breach|notified)(?:, (?:significant|personal-data breach|notified))*) by (.+) \\(as of (\\S+)\\)"
        ) {
            let marks = $0[1].components(separatedBy: ", ").map { mark -> String in
                switch Mark(rawValue: mark) {
                case .significant: "important (NIS2)"
                case .personalDataBreach: "violation de données personnelles (RGPD)"
                case .notified: "notifié au CSIRT"
                case nil: quoted(mark)
                }
            }
            return "qualifié \(marks.joined(separator: ", ")) par \($0[2]) (à compter du \($0[3]))"
        },
        Template([.note], "(\\S+) set the ((?:impact|cause|remediation)(?:, (?:impact|cause|remediation))*): (.*)") {
            let fields = $0[2].components(separatedBy: ", ").map { field -> String in
                switch Field(rawValue: field) {
                case .impact: "l'impact"
                case .cause: "la cause"
                case .remediation: "les mesures correctives"
                case nil: quoted(field)
                }
            }
            return "\($0[1]) a renseigné \(fields.joined(separator: ", ")) : \(quoted($0[3]))"
        },
        Template([.note], "([^:\\s]+): (.*)") { "\($0[1]) : \(quoted($0[2]))" },
    ]

    /// A restart's outcome (`exit 0`, `timed out after 2m`, a drain's result first), part by part.
    static func restartDetail(_ detail: String) -> String {
        detail.components(separatedBy: "; ").map { part -> String in
            for (pattern, french) in restartParts {
                if let captures = Template([.restart], pattern, french).match(part) { return french(captures) }
            }
            return quoted(part)
        }.joined(separator: " ; ")
    }

    static let restartParts: [(String, @Sendable ([String]) -> String)] = [
        ("exit (\\d+)", { "code de sortie \($0[1])" }),
        ("exit (\\d+): (.*)", { "code de sortie \($0[1]) : \(quoted($0[2]))" }),
        ("timed out after (\\S+)", { "délai dépassé après \($0[1])" }),
        ("killed by signal (.+)", { "interrompu par le signal \($0[1])" }),
        ("cannot run (\\S+): (.*)", { "impossible de lancer \(quoted($0[1])) : \(quoted($0[2]))" }),
        ("empty command", { _ in "commande vide" }),
        ("not run: the agent is stopping", { _ in "non lancé : l'agent s'arrêtait" }),
        ("dry run: would run (.*)", { "essai à blanc : aurait lancé \(quoted($0[1]))" }),
        ("would drain (.*)", { "aurait vidé le pont \($0[1])" }),
        ("drain skipped: (.*) is not declared", { "vidage omis : \($0[1]) n'est pas déclaré" }),
        (
            "drain refused \\(HTTP (\\d+)\\), restarting anyway",
            { "vidage refusé (HTTP \($0[1])), redémarrage quand même" }
        ),
        ("drain API unreachable, restarting anyway", { _ in "API de vidage injoignable, redémarrage quand même" }),
        ("drained in (\\S+)", { "vidé en \($0[1])" }),
        (
            "drain deadline \\((\\S+)\\) reached with conferences still running",
            { "échéance du vidage (\($0[1])) atteinte, conférences encore en cours" }
        ),
    ]
}
