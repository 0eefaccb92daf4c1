public import ArgumentParser
import Foundation
import VigieKit
import VigieCore
import VigieRender
import VigieLogs

extension IncidentCommand {
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
            writeStandardOutput(IncidentText.list(incidents, now: Date(), includesResolved: all))
        }
    }
}
