import VigieCore

/// The systemd units the vigie package ships (`vigie serve`, the daily report and the log purge with
/// their timers), rendered from `Templates/systemd` with the package's paths. They do not depend on a
/// site: `vigie render` writes only what a site changes, as drop-ins (the log directories of the
/// purge), so one unit text serves the package and every bundle, and an upgrade of the package
/// brings its units.
public enum SystemdUnits {
    /// The unit files, named as installed under /lib/systemd/system.
    public static let names = [
        "vigie.service", "vigie-report.service", "vigie-report.timer", "vigie-logs-purge.service",
        "vigie-logs-purge.timer",
    ]

    /// What the unit templates read.
    struct Context {
        var layout: InstallLayout
        var siteFilePath: String
        var dataDirectory: String
        var vigieListen: String
        var prometheusPort: Int
        var logDirectoryList: String
    }

    /// The units for `layout` (the package's is ``InstallLayout/standard``); tests render them with a
    /// layout rooted in a temporary directory.
    public static func render(layout: InstallLayout = .standard) throws(RenderError) -> [BundleFile] {
        let templates = try TemplateLibrary.shared.get()
        let context = Context(
            layout: layout,
            siteFilePath: DeploymentPlan.siteFilePath,
            dataDirectory: DeploymentPlan.dataDirectory,
            vigieListen: "\(AgentDefaults.host):\(AgentDefaults.port)",
            prometheusPort: DeploymentPlan.prometheusPort,
            logDirectoryList: DeploymentPlan.defaultLogDirectories.map { "-\($0)" }.joined(separator: " ")
        )
        var files: [BundleFile] = []
        for name in names {
            files.append(BundleFile(path: name, contents: try templates.render("systemd/\(name)", context)))
        }
        return files
    }
}
