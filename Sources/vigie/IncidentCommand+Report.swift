public import ArgumentParser
import Foundation
import VigieKit
import VigieCore
import VigieRender
import VigieLogs

extension IncidentCommand {
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
}
