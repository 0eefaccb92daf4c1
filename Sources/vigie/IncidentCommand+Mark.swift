public import ArgumentParser
import Foundation
import VigieKit
import VigieCore
import VigieRender
import VigieLogs

extension IncidentCommand {
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
}
