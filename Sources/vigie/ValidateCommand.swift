import ArgumentParser
import VigieKit
import VigieCore
import VigieRender
import VigieLogs

struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a site file without touching the network.",
        discussion: """
            Reads the site file only: the files it names (webhook token, database password, CA files) are \
            paths on the Jitsi host and are not read, so a workstation can validate it. On the host, \
            --on-host also reads them, as `vigie serve` will.
            """
    )

    @OptionGroup var siteOptions: SiteOptions
    @Flag(
        name: .long,
        help: "Also read the files the site file names on this host (secrets, CA files), as `vigie serve` does."
    )
    var onHost = false

    func run() async throws {
        let site = try siteOptions.load(resolving: onHost ? .all : [])
        writeStandardOutput(
            "\(siteOptions.site): ok (site \(PrintableText.escaped(site.name)), \(Plural.count(site.services.count, "service")), "
                + "\(Plural.count(site.checks.count, "check")), \(Plural.count(site.collectors.count, "collector"))"
                + (onHost ? "; the files it names on this host are readable" : "") + ")\n"
        )
        for service in site.unwatchedServices {
            writeStandardError("warning: service \(service) has no check and no collector: nothing watches it\n")
        }
    }
}
