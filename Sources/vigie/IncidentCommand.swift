public import ArgumentParser
import Foundation
import VigieKit
import VigieCore
import VigieRender
import VigieLogs

struct IncidentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "incident",
        abstract: "Read and keep the incident register (NIS2 and RGPD deadlines, report drafts).",
        subcommands: [
            List.self, Show.self, Open.self, Ack.self, Mark.self, Note.self, Resolve.self, Report.self, Audit.self,
        ]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List open incidents (all with --all).")
        @OptionGroup var register: RegisterOptions
        @Flag(name: .long, help: "Include resolved incidents.") var all = false
        @Option(name: .long, help: "At most this many.") var limit = 100
        @Flag(name: .long, help: "Print JSON.") var json = false

        func run() async throws {
            let (all, limit) = (self.all, self.limit)
            let incidents = try await register.withStore(create: false) {
                try await $0.incidents(includeResolved: all, limit: limit)
            }
            if json {
                writeStandardOutput(JSONValue.array(incidents.map(\.json)).serialized(pretty: true) + "\n")
                return
            }
            let rows = incidents.map { incident in
                [
                    "\(incident.id)", incident.state, incident.severity.rawValue, incident.service,
                    RFC3339.format(incident.detectedAt), IncidentTable.nextDeadline(incident, now: Date()),
                    incident.title,
                ]
            }
            writeStandardOutput(
                IncidentTable.render(
                    header: ["ID", "STATE", "SEVERITY", "SERVICE", "DETECTED", "NEXT DEADLINE", "TITLE"],
                    rows: rows
                )
                    + (incidents.isEmpty ? (all ? "no incident in the register\n" : "no open incident\n") : "")
            )
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show an incident, its deadlines and its timeline.")
        @OptionGroup var register: RegisterOptions
        @Argument(help: "The incident number.") var id: Int64
        @Flag(name: .long, help: "Print JSON.") var json = false

        func run() async throws {
            let id = self.id
            let (incident, events) = try await register.withStore(create: false) {
                store -> (Incident?, [IncidentEvent]) in
                guard let incident = try await store.incident(id: id) else { return (nil, []) }
                return (incident, try await store.events(incidentID: id))
            }
            guard let incident else {
                writeStandardError("error: no incident #\(id) in the register\n")
                throw ExitCode(2)
            }
            if json {
                guard case .object(var pairs) = incident.json else { return }
                pairs.append(("timeline", .array(events.map(\.json))))
                writeStandardOutput(JSONValue.object(pairs).serialized(pretty: true) + "\n")
                return
            }
            let shown = PrintableText.escaped
            var text = "#\(incident.id) \(shown(incident.title))\n"
            text +=
                "state: \(incident.state)   severity: \(incident.severity.rawValue)   service: \(shown(incident.service))   source: \(incident.source.rawValue)\n"
            text += "detected: \(RFC3339.format(incident.detectedAt))"
            if let at = incident.acknowledgedAt { text += "   acknowledged: \(RFC3339.format(at))" }
            if let at = incident.resolvedAt { text += "   resolved: \(RFC3339.format(at))" }
            text += "\n"
            if let impact = incident.impact { text += "impact: \(shown(impact))\n" }
            if let cause = incident.cause { text += "cause: \(shown(cause))\n" }
            if let remediation = incident.remediation { text += "remediation: \(shown(remediation))\n" }
            if let deadlines = incident.deadlines {
                text += "deadlines:\n"
                for (stage, date) in deadlines.stages {
                    text += "  \(stage.padding(toLength: 18, withPad: " ", startingAt: 0)) \(RFC3339.format(date))\n"
                }
            }
            text += "timeline:\n"
            for event in events {
                text +=
                    "  \(RFC3339.format(event.at))  \(event.kind.rawValue.padding(toLength: 14, withPad: " ", startingAt: 0)) \(shown(event.message))\n"
            }
            writeStandardOutput(text)
        }
    }

    struct Open: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Open an incident by hand.")
        @OptionGroup var register: RegisterOptions
        @Option(name: .long, help: "The service concerned.") var service: String
        @Option(name: .long, help: "What happened, without personal data.") var title: String
        @Option(name: .long, help: "critical, major or minor.") var severity: Incident.Severity = .major
        @Flag(name: .long, help: "Print JSON.") var json = false

        func validate() throws {
            guard !title.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw ValidationError("--title is empty: say what happened")
            }
        }

        func run() async throws {
            let (service, title, severity, actor) = (self.service, self.title, self.severity, register.actor)
            try register.checkService(service, in: try register.loadSite(for: "checking the service name"))
            let now = Date()
            let incident = try await register.withStore(create: true) { store in
                let key = "manual:\(service):\(Int(now.timeIntervalSince1970 * 1000))"
                let draft = Incident(
                    key: key,
                    service: service,
                    severity: severity,
                    title: title,
                    source: .manual,
                    detectedAt: now
                )
                let (incident, _) = try await store.open(
                    draft,
                    event: .opened,
                    message: TimelineText.opened(by: actor),
                    at: now
                ) { incident in
                    AuditEntry(at: now, actor: actor, action: "open", target: "incident #\(incident.id)", result: "ok")
                }
                return incident
            }
            writeStandardOutput(json ? incident.json.serialized() + "\n" : "opened incident #\(incident.id)\n")
        }
    }

    struct Ack: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Acknowledge an incident.")
        @OptionGroup var register: RegisterOptions
        @Argument(help: "The incident number.") var id: Int64

        func run() async throws {
            let (id, actor) = (self.id, register.actor)
            let now = Date()
            try await register.withStore(create: false) { store in
                _ = try await store.acknowledge(id: id, at: now, by: actor) { _ in
                    AuditEntry(at: now, actor: actor, action: "acknowledge", target: "incident #\(id)", result: "ok")
                }
            }
            writeStandardOutput("acknowledged incident #\(id)\n")
        }
    }

    struct Mark: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Mark an incident significant (NIS2 clocks), a personal-data breach (RGPD clock), or notified.",
            discussion: "The clocks start at --at (default: now), the moment the entity became aware."
        )
        @OptionGroup var register: RegisterOptions
        @Argument(help: "The incident number.") var id: Int64
        @Flag(name: .long, help: "A significant incident under NIS2 Article 23.") var significant = false
        @Flag(name: .long, help: "A personal-data breach under RGPD Article 33.") var personalDataBreach = false
        @Flag(name: .long, help: "The incident notification has been sent to the CSIRT.") var notified = false
        @Option(name: .long, help: ArgumentHelp("When (RFC 3339), default now.", valueName: "time")) var at: String?

        func validate() throws {
            guard significant || personalDataBreach || notified else {
                throw ValidationError("say what to mark: --significant, --personal-data-breach and/or --notified")
            }
            if let at {
                guard let moment = RFC3339.parseStrict(at) else {
                    throw ValidationError("--at must be an RFC 3339 time that exists, e.g. 2026-11-24T09:15:00Z")
                }
                guard moment >= RFC3339.parse("2000-01-01T00:00:00Z")! else {
                    throw ValidationError("--at \(at) is before 2000: not a moment of awareness")
                }
                // Awareness cannot come later than now: a future --at would start the clocks late and push the deadlines out.
                guard moment <= Date() else {
                    throw ValidationError(
                        "--at \(at) is in the future: the clocks start when the entity became aware, which is now at the latest"
                    )
                }
            }
        }

        func run() async throws {
            let moment = at.flatMap(RFC3339.parseStrict) ?? Date()
            let (id, significant, breach, notified, actor) = (
                self.id, self.significant, self.personalDataBreach, self.notified, register.actor
            )
            var what: [TimelineText.Mark] = []
            if significant { what.append(.significant) }
            if breach { what.append(.personalDataBreach) }
            if notified { what.append(.notified) }
            let marks = what.map(\.rawValue).joined(separator: ", ")
            let message = TimelineText.marked(what, by: actor, asOf: moment)
            let now = Date()
            let given = at != nil
            let incident = try await register.withStore(create: false) { store in
                guard let current = try await store.incident(id: id) else {
                    throw IncidentStoreError.noSuchIncident(id)
                }
                // The clocks must tell one story: awareness once, the notification after it.
                if significant, given, let since = current.significantAt, since != moment {
                    throw IncidentStoreError(
                        "incident #\(id) is significant since \(RFC3339.format(since)): its clocks run from then",
                        code: .configuration
                    )
                }
                if notified {
                    guard let aware = significant ? (current.significantAt ?? moment) : current.significantAt else {
                        throw IncidentStoreError(
                            "incident #\(id) is not marked significant: the notification follows the awareness (--significant)",
                            code: .configuration
                        )
                    }
                    if moment < aware {
                        throw IncidentStoreError(
                            "--at \(RFC3339.format(moment)) is before the awareness \(RFC3339.format(aware)): the notification follows it",
                            code: .configuration
                        )
                    }
                }
                return try await store.update(
                    id: id,
                    at: now,
                    event: .marked,
                    message: message,
                    audit: { _ in
                        AuditEntry(at: now, actor: actor, action: "mark", target: "incident #\(id)", result: marks)
                    }
                ) { incident in
                    if significant, incident.significantAt == nil { incident.significantAt = moment }
                    if breach, incident.personalDataBreachAt == nil { incident.personalDataBreachAt = moment }
                    if notified { incident.notifiedAt = moment }
                }
            }
            var text = "marked incident #\(id): \(marks)\n"
            for (stage, date) in incident.deadlines?.stages ?? [] { text += "  \(stage): \(RFC3339.format(date))\n" }
            writeStandardOutput(text)
        }
    }

    struct Note: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a note to the timeline, or set the impact, cause or remediation."
        )
        @OptionGroup var register: RegisterOptions
        @Argument(help: "The incident number.") var id: Int64
        @Argument(help: "The text (no personal data).") var text: String
        @Flag(name: .long, help: "Set the cause.") var cause = false
        @Flag(name: .long, help: "Set the remediation.") var remediation = false
        @Flag(name: .long, help: "Set the impact.") var impact = false

        func validate() throws {
            guard !text.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("the note is empty") }
        }

        func run() async throws {
            let (id, text, cause, remediation, impact, actor) = (
                self.id, self.text, self.cause, self.remediation, self.impact, register.actor
            )
            var fields: [TimelineText.Field] = []
            if impact { fields.append(.impact) }
            if cause { fields.append(.cause) }
            if remediation { fields.append(.remediation) }
            let (message, set) = (
                TimelineText.note(by: actor, setting: fields, text: text),
                fields.map(\.rawValue).joined(separator: ", ")
            )
            let now = Date()
            try await register.withStore(create: false) { store in
                // The change and its audit entry in one transaction: a cause, impact or remediation is never set unaudited.
                _ = try await store.update(
                    id: id,
                    at: now,
                    event: .note,
                    message: message,
                    audit: { _ in
                        AuditEntry(
                            at: now,
                            actor: actor,
                            action: "note",
                            target: "incident #\(id)",
                            result: set.isEmpty ? "timeline note" : "set \(set)"
                        )
                    }
                ) { incident in
                    if cause { incident.cause = text }
                    if remediation { incident.remediation = text }
                    if impact { incident.impact = text }
                }
            }
            writeStandardOutput(set.isEmpty ? "noted on incident #\(id)\n" : "set the \(set) of incident #\(id)\n")
        }
    }

    struct Resolve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Resolve an incident by hand.")
        @OptionGroup var register: RegisterOptions
        @Argument(help: "The incident number.") var id: Int64
        @Option(name: .long, help: "Why it is resolved.") var note: String?

        func run() async throws {
            let (id, note, actor) = (self.id, self.note, register.actor)
            let now = Date()
            try await register.withStore(create: false) { store in
                _ = try await store.resolve(id: id, at: now, message: TimelineText.resolved(by: actor, note: note)) {
                    _ in
                    AuditEntry(at: now, actor: actor, action: "resolve", target: "incident #\(id)", result: "ok")
                }
            }
            writeStandardOutput("resolved incident #\(id)\n")
        }
    }

    struct Report: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a draft of a NIS2 report (and the RGPD notification when it applies)."
        )
        @OptionGroup var register: RegisterOptions
        @Argument(help: "The incident number.") var id: Int64
        @Option(name: .long, help: "early-warning, notification or final.") var stage: ReportStage
        @Option(name: .long, help: "fr or en (default: the site's lang).") var lang: Language?
        @Option(name: .long, help: "markdown or html.") var format: ReportFormat = .markdown
        @Option(name: .long, help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file"))
        var out: String?

        func run() async throws {
            let id = self.id
            // The draft is the entity's: its name and domain come from the site file, and so does its language.
            let site = try register.loadSite(for: "a report draft (it names the entity)")
            let entity = "\(site.name) (\(site.domain))"
            let lang = self.lang ?? site.language
            let (incident, events) = try await register.withStore(create: false) {
                store -> (Incident?, [IncidentEvent]) in
                guard let incident = try await store.incident(id: id) else { return (nil, []) }
                return (incident, try await store.events(incidentID: id))
            }
            guard let incident else {
                writeStandardError("error: no incident #\(id) in the register\n")
                throw ExitCode(2)
            }
            let document = IncidentReport.document(
                incident: incident,
                events: events,
                stage: stage,
                language: lang,
                site: entity,
                now: Date()
            )
            let text = format == .html ? document.html : document.markdown
            if let out {
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: out, isDirectory: &isDirectory), isDirectory.boolValue {
                    writeStandardError(
                        "error: --out \(PrintableText.escaped(out)) is a directory: give the draft's file name\n"
                    )
                    throw ExitCode(2)
                }
                do {
                    try text.write(toFile: out, atomically: true, encoding: .utf8)
                } catch {
                    writeStandardError("error: cannot write \(out): \(error.localizedDescription)\n")
                    throw ExitCode(2)
                }
                writeStandardOutput("wrote \(out)\n")
            } else {
                writeStandardOutput(text)
            }
        }
    }

    struct Audit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the audit log: who did what, when, with what result."
        )
        @OptionGroup var register: RegisterOptions
        @Option(name: .long, help: "At most this many entries.") var limit = 50
        @Flag(name: .long, help: "Print JSON.") var json = false

        func run() async throws {
            let limit = self.limit
            let entries = try await register.withStore(create: false) { try await $0.auditEntries(limit: limit) }
            if json {
                writeStandardOutput(JSONValue.array(entries.map(\.json)).serialized(pretty: true) + "\n")
                return
            }
            writeStandardOutput(
                IncidentTable.render(
                    header: ["WHEN", "ACTOR", "ACTION", "TARGET", "RESULT"],
                    rows: entries.map { [RFC3339.format($0.at), $0.actor, $0.action, $0.target, $0.result] }
                )
            )
        }
    }

}

enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
    case markdown
    case html
}

extension ReportStage: ExpressibleByArgument {}
extension Language: ExpressibleByArgument {}
extension Incident.Severity: ExpressibleByArgument {}

/// Aligned text tables for the incident commands.
enum IncidentTable {
    /// Cells come from the register (alert labels, notes, actors): their control characters are shown
    /// as escapes, so that a label cannot move the cursor, clear the screen or fake a row.
    static func render(header: [String], rows: [[String]]) -> String {
        let rows = rows.map { $0.map(PrintableText.escaped) }
        var widths = header.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count - 1 {
                widths[index] = max(widths[index], cell.count)
            }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                index < cells.count - 1 ? cell.padding(toLength: widths[index], withPad: " ", startingAt: 0) : cell
            }.joined(separator: "  ")
        }
        return ([line(header)] + rows.map(line)).joined(separator: "\n") + "\n"
    }

    /// The nearest deadline still ahead, with its stage; "-" when no clock runs.
    static func nextDeadline(_ incident: Incident, now: Date) -> String {
        guard let stages = incident.deadlines?.stages else { return "-" }
        if let next = stages.filter({ $0.1 > now }).min(by: { $0.1 < $1.1 }) {
            return "\(next.0) \(RFC3339.format(next.1))"
        }
        return "overdue: \(stages.last!.0)"
    }
}
