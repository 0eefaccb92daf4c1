import ArgumentParser
import Foundation
import VigieKit
import VigieCore
import VigieRender
import VigieLogs

struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Probe every declared endpoint once and print a verdict per check.",
        discussion: """
            Only the endpoints declared in the site file are contacted (TCP connect, HTTP(S) GET, \
            STUN Binding, UDP closed-port detection, XMPP stream opening). Exit status: 0 when every \
            check passed, 1 when one failed, 2 on a usage or site-file error.
            """
    )

    @OptionGroup var siteOptions: SiteOptions

    @Option(name: .long, help: ArgumentHelp("Only the checks of this service (repeatable).", valueName: "name"))
    var service: [String] = []

    @Flag(name: .long, help: "Print one JSON document instead of a table.")
    var json = false

    @Flag(name: .long, help: "Never colour the output (colour is used only on a terminal).")
    var noColor = false

    @Option(name: .long, help: "How many probes may run at once.")
    var concurrency: Int = ProbeEngine.defaultConcurrency

    func validate() throws {
        guard (1...256).contains(concurrency) else { throw ValidationError("--concurrency must be between 1 and 256") }
    }

    func run() async throws {
        let site = try siteOptions.load(resolving: .caFiles)
        for name in service where site.service(named: name) == nil {
            let known = site.services.map(\.name).joined(separator: ", ")
            writeStandardError("error: \(siteOptions.site): no service named \"\(name)\" (services: \(known))\n")
            throw ExitCode(2)
        }
        let checks = site.checks.filter { service.isEmpty || service.contains($0.service) }
        let engine = ProbeEngine(site: site, concurrency: concurrency)
        let checkedAt = Date()
        let start = ContinuousClock.now
        let results = try await engine.run(checks)
        let report = CheckReport(site: site.name, checkedAt: checkedAt, results: results)
        if json {
            writeStandardOutput(report.json.serialized(pretty: true) + "\n")
        } else {
            let colour =
                !noColor && isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
            writeStandardOutput(CheckTable(colour: colour).render(report, elapsed: .now - start))
        }
        if report.exitStatus != 0 { throw ExitCode(report.exitStatus) }
    }
}
