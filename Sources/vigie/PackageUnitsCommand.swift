import ArgumentParser
import VigieRender

/// `vigie package-units --out DIR`: the systemd units the Debian package ships (SystemdUnits), for
/// Scripts/package.sh. Not shown in the help: an administrator gets the units from the package.
struct PackageUnitsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "package-units",
        abstract: "Write the systemd units of the vigie package into a directory (for Scripts/package.sh).",
        shouldDisplay: false
    )

    @Option(name: .long, help: ArgumentHelp("The directory to write the units into.", valueName: "dir"))
    var out: String

    func run() throws {
        do {
            try BundleWriter.write(RenderedBundle(files: try SystemdUnits.render()), to: out)
        } catch {
            writeStandardError("error: \(error)\n")
            throw ExitCode(1)
        }
    }
}
