public import ArgumentParser
import Foundation
import VigieKit
import VigieCore
import VigieRender
import VigieLogs

extension IncidentCommand {
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
}
