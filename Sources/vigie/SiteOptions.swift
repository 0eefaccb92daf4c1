import ArgumentParser
import VigieKit
import VigieCore
import VigieRender
import VigieLogs

/// The site file option shared by every command.
struct SiteOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The site file.", valueName: "file"))
    var site: String = "/etc/vigie/vigie.yml"

    /// Loads the site file and reads the files it names on this host that the command needs (none for
    /// commands that may run on a workstation), or prints its error and exits with 2.
    func load(resolving files: HostFiles = []) throws -> Site {
        do {
            return try SiteLoader.load(path: site, resolving: files)
        } catch {
            writeStandardError("error: \(error)\n")
            throw ExitCode(2)
        }
    }
}
