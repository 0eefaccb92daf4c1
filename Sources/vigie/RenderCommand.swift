import ArgumentParser
import Foundation
import VigieKit
import VigieCore
import VigieRender
import VigieLogs

struct RenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Render the deployment bundle from the site file.",
        discussion: """
            Terraform (gcp or infomaniak), cloud-init and provision.sh, nginx and certbot, nftables, \
            Prometheus, blackbox_exporter and Alertmanager with alert rules and their unit tests, a \
            Grafana dashboard, logrotate, systemd units, the administrator's scripts and \
            README_monitoring.md. The same site file always gives the same files.
            Exit status: 0 written (or, with --check, no drift); 1 drift (--check) or unwritable \
            output; 2 bad site file, a value the bundle cannot use, or a symbolic link as the output \
            directory or at a path of the bundle inside it (nothing is written through a link).
            """
    )

    @OptionGroup var siteOptions: SiteOptions
    @Option(name: .long, help: ArgumentHelp("The bundle directory.", valueName: "dir")) var out: String
    @Flag(name: .long, help: "Write nothing: compare the directory with the bundle, print a diff, exit 1 on drift.")
    var check = false

    func run() throws {
        let site = try siteOptions.load()
        let text: String
        do {
            text = try SiteLoader.text(path: siteOptions.site)
        } catch {
            writeStandardError("error: \(error)\n")
            throw ExitCode(2)
        }
        let bundle: RenderedBundle
        do {
            bundle = try BundleRenderer(site: site, siteFileText: text).render()
        } catch {
            writeStandardError("error: \(siteOptions.site): \(error)\n")
            throw ExitCode(2)
        }
        if check {
            let drifts: [BundleWriter.Drift]
            do {
                drifts = try BundleWriter.check(bundle, against: out)
            } catch {
                writeStandardError("error: \(error)\n")
                throw ExitCode(Self.exitStatus(error))
            }
            guard !drifts.isEmpty else {
                writeStandardOutput("\(out): \(bundle.files.count) files, no drift\n")
                return
            }
            var report = ""
            for drift in drifts {
                switch drift.kind {
                case .missing: report += "missing: \(drift.path)\n"
                case .changed(let diff): report += "changed: \(drift.path)\n\(PrintableText.escapedLines(diff))"
                case .mode(let expected, let found): report += "mode: \(drift.path) is \(found), expected \(expected)\n"
                }
            }
            writeStandardOutput(report)
            writeStandardError(
                "\(out): \(drifts.count) difference(s) with the site file's bundle; `vigie render` rewrites them\n"
            )
            throw ExitCode(1)
        }
        do {
            let changed = try BundleWriter.write(bundle, to: out)
            writeStandardOutput("\(out): \(bundle.files.count) files, \(changed.count) written\n")
        } catch {
            writeStandardError("error: \(error)\n")
            throw ExitCode(Self.exitStatus(error))
        }
    }

    /// A link in the way is refused like a bad argument (2); a directory that cannot be written is a failure (1).
    static func exitStatus(_ error: RenderError) -> Int32 {
        if case .link = error { return 2 }
        return 1
    }
}
