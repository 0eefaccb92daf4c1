import ArgumentParser
import Foundation
import VigieCore
import VigieRender

/// `vigie watchdog polkit-rule`: the polkit rule that lets the `vigie` user restart the units the site
/// declares for remediation (PolkitRule), printed, or installed where polkit reads it.
struct PolkitRuleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "polkit-rule",
        abstract: "Print, or install, the polkit rule letting vigie restart the site's remediation units.",
        discussion: """
            The rule allows the user vigie exactly the (unit, verb) pairs the site's remediation runs \
            through systemctl, and nothing else. vigie.service installs it (as root) before it starts \
            and at each reload, from the site in force. A file already there is replaced atomically; a \
            symbolic link is refused.
            """
    )

    @OptionGroup var siteOptions: SiteOptions

    @Flag(name: .long, help: "Write the rule into the rules directory instead of printing it.")
    var install = false

    @Option(name: .long, help: ArgumentHelp("Where polkit reads its rules.", valueName: "dir"))
    var rulesDirectory = PolkitRule.directory

    func run() throws {
        let site = try siteOptions.load()
        let rule = PolkitRule.render(site: site, sitePath: siteOptions.site)
        guard install else {
            writeStandardOutput(rule)
            return
        }
        let grants = PolkitRule.grants(site: site).grants
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: rulesDirectory, isDirectory: &isDirectory), isDirectory.boolValue
        else {
            // No polkit on the host: the agent runs, its restarts are refused (and said so in the journal).
            let restarts =
                grants.isEmpty
                ? "" : ": the watchdog's restarts of \(grants.map(\.unit).joined(separator: ", ")) will be refused"
            writeStandardError(
                "vigie: \(PrintableText.escaped(rulesDirectory)) does not exist (is polkitd installed?)\(restarts)\n"
            )
            return
        }
        do {
            let changed = try BundleWriter.write(
                RenderedBundle(files: [BundleFile(path: PolkitRule.fileName, contents: rule)]),
                to: rulesDirectory
            )
            let path = "\(rulesDirectory)/\(PolkitRule.fileName)"
            let what =
                grants.isEmpty
                ? "vigie may restart no unit"
                : "vigie may " + grants.map { "\($0.verb) \($0.unit)" }.joined(separator: ", ")
            writeStandardError(
                "vigie: \(PrintableText.escaped(path)) \(changed.isEmpty ? "unchanged" : "written"): \(what)\n"
            )
        } catch {
            writeStandardError("error: \(error)\n")
            throw ExitCode(1)
        }
    }
}
