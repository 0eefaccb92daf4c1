public import ArgumentParser
import Foundation
import VigieKit
import VigieCore
import VigieRender
import VigieLogs

extension IncidentCommand {
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
}
