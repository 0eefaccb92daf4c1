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
        writeStandardOutput(
            "\(siteOptions.site): ok (site \(site.name), \(site.services.count) services, "
                + "\(site.checks.count) checks, \(site.collectors.count) collectors)\n"
        )
    }
}
