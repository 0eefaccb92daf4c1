public import ArgumentParser
import Foundation
import VigieKit
import VigieCore
import VigieRender
import VigieLogs

extension IncidentCommand {
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
            writeStandardOutput(IncidentText.audit(entries))
        }
    }
}
