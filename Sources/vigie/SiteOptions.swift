import ArgumentParser
import VigieKit

/// The site file option shared by every command.
struct SiteOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The site file.", valueName: "file"))
    var site: String = "/etc/vigie/vigie.yml"

    /// Loads the site file, or prints its error and exits with 2.
    func load() throws -> Site {
        do {
            return try SiteLoader.load(path: site)
        } catch {
            writeStandardError("error: \(error)\n")
            throw ExitCode(2)
        }
    }
}
