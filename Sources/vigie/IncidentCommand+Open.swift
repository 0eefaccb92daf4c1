public import ArgumentParser
import Foundation
import VigieKit
import VigieCore
import VigieRender
import VigieLogs

extension IncidentCommand {
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
}
