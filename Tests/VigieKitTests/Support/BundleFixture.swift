import Foundation
import VigieKit
import VigieCore
import VigieRender
import VigieLogs

/// Renders bundles into temporary directories for the render tests.
enum BundleFixture {
    static var exampleSite: String { Lab.packageRoot.appendingPathComponent("Examples/vigie.yml").path }
    static var labSite: String { Lab.packageRoot.appendingPathComponent("Lab/vigie-lab.yml").path }

    /// Loads a site file from disk and renders it with `layout`.
    static func render(siteFile: String, layout: InstallLayout = .standard) throws -> RenderedBundle {
        let site = try SiteLoader.load(path: siteFile)
        let text = try String(contentsOfFile: siteFile, encoding: .utf8)
        return try BundleRenderer(site: site, siteFileText: text, layout: layout).render()
    }

    /// Renders inline YAML (written to a temporary site file) with `layout`.
    static func render(yaml: String, layout: InstallLayout = .standard) throws -> RenderedBundle {
        let site = try SiteBuilder.site(yaml)
        return try BundleRenderer(site: site, siteFileText: yaml, layout: layout).render()
    }

    /// A fresh temporary directory, removed by the caller.
    static func temporaryDirectory(_ name: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-\(name)-\(UUID())")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Writes `bundle` into a new temporary directory and returns it.
    static func written(_ bundle: RenderedBundle, _ name: String) throws -> URL {
        let directory = try temporaryDirectory(name)
        try BundleWriter.write(bundle, to: directory.path)
        return directory
    }

    /// A layout whose every path lies under `root`, for running the real tools on the rendered text.
    static func layout(root: URL, reload: String = "true") -> InstallLayout {
        InstallLayout(
            tlsDirectory: root.appendingPathComponent("tls").path,
            acmeWebroot: root.appendingPathComponent("acme").path,
            nginxLogDirectory: root.appendingPathComponent("logs").path,
            jitsiMeetRoot: root.appendingPathComponent("jitsi-meet").path,
            jitsiConfigDirectory: root.appendingPathComponent("jitsi-config").path,
            nginxReloadCommand: reload,
            vigieBinary: VigieCLITests.binary
        )
    }

    /// A minimal site with the keys the bundle needs; `extra` is appended at the top level.
    static func yaml(
        provider: String = "manual",
        region: String? = nil,
        services: String? = nil,
        extra: String = ""
    ) -> String {
        var text = "site: {name: visio-test, domain: visio.test.invalid}\nhosting:\n  provider: \(provider)\n"
        if let region { text += "  region: \(region)\n" }
        text +=
            "services:\n"
            + (services ?? """
                  web:
                    unit: nginx
                    checks:
                      - https: https://visio.test.invalid/
                      - tcp: visio.test.invalid:443
                  videobridge:
                    unit: jitsi-videobridge2
                    checks:
                      - udp: visio.test.invalid:10000

                """)
        text += "logs:\n  directories: [/var/log/jitsi, /var/log/nginx]\n" + extra
        return text
    }
}

/// Paths of the real validators the render tests run, `nil` when one is not installed.
enum Tools {
    static func find(_ name: String) -> String? {
        for directory in ["/usr/bin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin", "/bin", "/sbin"] {
            let path = directory + "/" + name
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    static let terraform = find("terraform")
}
