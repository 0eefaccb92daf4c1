public import ArgumentParser
import Foundation
import VigieKit
import VigieCore
import VigieRender
import VigieLogs

extension IncidentCommand {
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
            writeStandardOutput(IncidentText.show(incident, events: events))
        }
    }
}
