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
}

enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
    case markdown
    case html
}

extension ReportStage: ExpressibleByArgument {}
extension Language: ExpressibleByArgument {}
extension Incident.Severity: ExpressibleByArgument {}
