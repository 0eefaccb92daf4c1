import ArgumentParser
import VigieKit

struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a site file without touching the network."
    )

    @OptionGroup var siteOptions: SiteOptions

    func run() async throws {
        let site = try siteOptions.load()
        let checks = site.checks.count
        writeStandardOutput(
            "\(siteOptions.site): ok (site \(site.name), \(site.services.count) services, \(checks) checks)\n"
        )
    }
}
