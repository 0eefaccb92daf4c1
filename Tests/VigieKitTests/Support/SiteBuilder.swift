import VigieKit
import VigieCore
import VigieRender
import VigieLogs

/// Site files written inline in tests.
enum SiteBuilder {
    /// Decodes `yaml` as a site file named `test.yml` (relative paths resolve against `/`).
    static func site(_ yaml: String, baseDirectory: String = "/") throws -> Site {
        try SiteLoader.decode(yaml: yaml, file: "test.yml", baseDirectory: baseDirectory)
    }

    /// A one-service site holding `checks` (a YAML list, indented by 6 spaces).
    static func site(checks: String) throws -> Site {
        try site(
            """
            site:
              name: test
              domain: meet.vigie.test
            services:
              svc:
                checks:
            \(checks)
            """
        )
    }

    /// Runs every check of a one-service site and returns the results.
    static func run(checks: String) async throws -> [CheckResult] {
        let site = try site(checks: checks)
        return try await ProbeEngine(site: site).run(site.checks)
    }

    /// Runs a single-check site and returns its result.
    static func runOne(_ check: String) async throws -> CheckResult {
        let results = try await run(checks: check)
        guard results.count == 1 else { throw SiteBuilderError() }
        return results[0]
    }

    struct SiteBuilderError: Error {}
}
