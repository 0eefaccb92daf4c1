public import ArgumentParser
import Foundation
import VigieKit
import VigieCore
import VigieRender
import VigieLogs

extension IncidentCommand {
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
}
