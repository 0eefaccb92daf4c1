import Foundation
import Testing

@testable import VigieCore
@testable import VigieKit
@testable import VigieLogs
@testable import VigieRender

/// Every artifact of the bundle, checked by the real tool an administrator would use — and each
/// check shown to fail on a broken copy, so a passing check means something.
struct BundleValidatorTests {
    static func run(
        _ program: String,
        _ arguments: [String],
        environment: [String: String]? = nil
    ) async throws -> Shell.Result {
        let path = try #require(Tools.find(program), "\(program) is not installed (Scripts/setup.sh installs it)")
        return try await Shell.run(path, arguments, environment: environment)
    }

    @Test func prometheusConfigRulesAndRuleTests() async throws {
        let bundle = try BundleFixture.render(siteFile: BundleFixture.exampleSite)
        let directory = try BundleFixture.written(bundle, "prom")
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = try await Self.run("promtool", ["check", "config", directory.path + "/prometheus/prometheus.yml"])
        #expect(config.status == 0, "\(config.output)\(config.standardError)")
        let rules = try await Self.run(
            "promtool",
            ["check", "rules", directory.path + "/prometheus/rules/vigie-alerts.yml"]
        )
        #expect(rules.status == 0, "\(rules.output)\(rules.standardError)")
        #expect(rules.output.contains("SUCCESS: 17 rules found"))
        let tests = try await Self.run(
            "promtool",
            ["test", "rules", directory.path + "/prometheus/tests/vigie-alerts.test.yml"]
        )
        #expect(tests.status == 0, "\(tests.output)\(tests.standardError)")

        // Every alert of the rule file has a test that expects it to fire.
        let ruleText = try #require(bundle["prometheus/rules/vigie-alerts.yml"]?.contents)
        let testText = try #require(bundle["prometheus/tests/vigie-alerts.test.yml"]?.contents)
        let alerts = ruleText.split(separator: "\n").compactMap { line -> String? in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            return trimmed.hasPrefix("- alert: ") ? String(trimmed.dropFirst("- alert: ".count)) : nil
        }
        #expect(alerts.count == 17)
        for alert in alerts {
            #expect(testText.contains("alertname: \(alert)\n        eval_time"), "\(alert) has a unit test")
        }

        // The tests can fail: a wrong expectation is reported.
        let broken = testText.replacingOccurrences(
            of: "summary: \"web: HTTPS check https fails\"",
            with: "summary: \"something else\""
        )
        try broken.write(
            toFile: directory.path + "/prometheus/tests/vigie-alerts.test.yml",
            atomically: true,
            encoding: .utf8
        )
        let failing = try await Self.run(
            "promtool",
            ["test", "rules", directory.path + "/prometheus/tests/vigie-alerts.test.yml"]
        )
        #expect(failing.status != 0)
        #expect((failing.output + failing.standardError).contains("SiteDown"))
    }

    @Test(arguments: ["none", "email", "webhook", "both"])
    func alertmanagerAndBlackboxConfigs(variant: String) async throws {
        let scratch = try BundleFixture.temporaryDirectory("am-\(variant)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let token = scratch.appendingPathComponent("webhook.token").path
        try "0123456789abcdef0123".write(toFile: token, atomically: true, encoding: .utf8)
        var extra = ""
        if variant == "email" || variant == "both" {
            extra +=
                "alerting: {email: oncall@visio.test.invalid, smtp_smarthost: 'smtp.visio.test.invalid:587', smtp_require_tls: true}\n"
        }
        if variant == "webhook" || variant == "both" { extra += "webhook: {token_file: \(token)}\n" }
        let bundle = try BundleFixture.render(yaml: BundleFixture.yaml(extra: extra))
        let directory = try BundleFixture.written(bundle, "am")
        defer { try? FileManager.default.removeItem(at: directory) }
        let check = try await Self.run("amtool", ["check-config", directory.path + "/prometheus/alertmanager.yml"])
        #expect(check.status == 0, "\(check.output)\(check.standardError)")
        let receivers = variant == "both" ? 2 : 1
        #expect(check.output.contains("- \(receivers) receivers"), "\(check.output)")
        let blackbox = try await Self.run(
            "prometheus-blackbox-exporter",
            ["--config.check", "--config.file=\(directory.path)/prometheus/blackbox.yml"]
        )
        #expect(blackbox.status == 0, "\(blackbox.standardError)")

        // amtool is not lenient: a route to an undefined receiver is refused.
        let config = try String(contentsOfFile: directory.path + "/prometheus/alertmanager.yml", encoding: .utf8)
        try config.replacingOccurrences(of: "  receiver: ", with: "  receiver: missing-").write(
            toFile: directory.path + "/prometheus/alertmanager.yml",
            atomically: true,
            encoding: .utf8
        )
        #expect(
            try await Self.run("amtool", ["check-config", directory.path + "/prometheus/alertmanager.yml"]).status != 0
        )
    }

    @Test func nftablesRulesetParses() async throws {
        for siteFile in [BundleFixture.exampleSite, BundleFixture.labSite] {
            let bundle = try BundleFixture.render(siteFile: siteFile)
            let directory = try BundleFixture.written(bundle, "nft")
            defer { try? FileManager.default.removeItem(at: directory) }
            // `nft -c` needs CAP_NET_ADMIN; a user namespace of our own gives it without touching the host.
            let check = try await Self.run(
                "unshare",
                ["-rn", "nft", "-c", "-f", directory.path + "/nftables/vigie.nft"]
            )
            #expect(check.status == 0, "\(check.standardError)")
            let text = try String(contentsOfFile: directory.path + "/nftables/vigie.nft", encoding: .utf8)
            try text.replacingOccurrences(of: "policy drop;", with: "policy dropp;").write(
                toFile: directory.path + "/nftables/vigie.nft",
                atomically: true,
                encoding: .utf8
            )
            #expect(
                try await Self.run("unshare", ["-rn", "nft", "-c", "-f", directory.path + "/nftables/vigie.nft"]).status
                    != 0
            )
        }
    }

    @Test func shellScriptsAreCleanUnderShellcheck() async throws {
        for siteFile in [BundleFixture.exampleSite, BundleFixture.labSite] {
            let bundle = try BundleFixture.render(siteFile: siteFile)
            let directory = try BundleFixture.written(bundle, "sc")
            defer { try? FileManager.default.removeItem(at: directory) }
            let scripts = bundle.files.filter { $0.path.hasSuffix(".sh") }.map { directory.path + "/" + $0.path }
            #expect(scripts.count == 6)
            for script in scripts {
                #expect(try String(contentsOfFile: script, encoding: .utf8).contains("set -euo pipefail"), "\(script)")
                #expect(BundleWriter.currentMode(script) == 0o755, "\(script) is executable")
            }
            let result = try await Self.run("shellcheck", ["--severity=style"] + scripts)
            #expect(result.status == 0, "\(result.output)")
        }
    }

    @Test func cloudInitUserDataMatchesTheSchema() async throws {
        let bundle = try BundleFixture.render(siteFile: BundleFixture.exampleSite)
        let directory = try BundleFixture.written(bundle, "ci")
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try await Self.run(
            "cloud-init",
            ["schema", "--config-file", directory.path + "/cloud-init/user-data.yaml"]
        )
        #expect(result.status == 0, "\(result.output)\(result.standardError)")
        #expect(result.output.contains("Valid cloud-config"))
        try "#cloud-config\nwrite_files: 12\n".write(
            toFile: directory.path + "/cloud-init/user-data.yaml",
            atomically: true,
            encoding: .utf8
        )
        #expect(
            try await Self.run(
                "cloud-init",
                ["schema", "--config-file", directory.path + "/cloud-init/user-data.yaml"]
            ).status != 0
        )
    }

    @Test(
        .enabled(
            if: Tools.terraform != nil,
            "terraform is not installed (not a Debian package): `terraform fmt -check` skipped"
        )
    )
    func terraformIsCanonicallyFormatted() async throws {
        let terraform = try #require(Tools.terraform)
        for (provider, region) in [("gcp", "europe-west9"), ("gcp", "europe-west6"), ("infomaniak", "dc4-a")] {
            let yaml = BundleFixture.yaml(provider: provider, region: region)
                .replacingOccurrences(
                    of: "  provider: \(provider)\n",
                    with: "  provider: \(provider)\n  admin_cidrs: [198.51.100.0/28, '2001:db8::/32']\n"
                )
            let bundle = try BundleFixture.render(yaml: yaml)
            let directory = try BundleFixture.written(bundle, "tf")
            defer { try? FileManager.default.removeItem(at: directory) }
            let result = try await Shell.run(
                terraform,
                ["-chdir=\(directory.path)/terraform", "fmt", "-check", "-diff"],
                environment: ["TF_CLI_CONFIG_FILE": "/dev/null"]
            )
            #expect(result.status == 0, "\(provider): \(result.output)\(result.standardError)")
        }
    }

    /// The package's units (SystemdUnits, the one rendering of Templates/systemd) with the bundle's
    /// drop-in for the site's log directories, as systemd loads them: from one unit directory.
    @Test func systemdUnitsVerify() async throws {
        let root = try BundleFixture.temporaryDirectory("units")
        defer { try? FileManager.default.removeItem(at: root) }
        let layout = BundleFixture.layout(root: root)
        let units = try SystemdUnits.render(layout: layout)
        #expect(units.map(\.path) == SystemdUnits.names)
        let yaml = BundleFixture.yaml().replacingOccurrences(
            of: "logs:\n  directories: [/var/log/jitsi, /var/log/nginx]\n",
            with: "logs:\n  directories: [/srv/jitsi-logs, /var/log/nginx]\n"
        )
        let bundle = try BundleFixture.render(yaml: yaml, layout: layout)
        let dropIn = try #require(bundle["systemd/vigie-logs-purge.service.d/vigie-site.conf"]?.contents)
        #expect(bundle.files.filter { $0.path.hasPrefix("systemd/") }.count == 1, "the units come with the package")
        #expect(dropIn.contains("ReadWritePaths=\nReadWritePaths=-/srv/jitsi-logs -/var/log/nginx /var/lib/vigie\n"))
        let directory = root.appendingPathComponent("system")
        try BundleWriter.write(
            RenderedBundle(
                files: units + [BundleFile(path: "vigie-logs-purge.service.d/vigie-site.conf", contents: dropIn)]
            ),
            to: directory.path
        )
        let environment = ["SYSTEMD_UNIT_PATH": directory.path + ":"]
        let result = try await Self.run(
            "systemd-analyze",
            ["verify", "--man=no"] + SystemdUnits.names,
            environment: environment
        )
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardError.isEmpty, "\(result.standardError)")
        let service = try #require(units.first { $0.path == "vigie.service" }?.contents)
        for hardening in [
            "NoNewPrivileges=yes", "ProtectSystem=strict", "PrivateTmp=yes", "User=vigie", "CapabilityBoundingSet=\n",
            "SystemCallFilter=@system-service", "ConditionPathExists=/etc/vigie/vigie.yml\n",
            "ExecStartPre=+\(layout.vigieBinary) watchdog polkit-rule --site /etc/vigie/vigie.yml --install\n",
        ] {
            #expect(service.contains(hardening), "\(hardening)")
        }
        // A typo in a unit, and one in the drop-in, are caught.
        try service.replacingOccurrences(of: "Type=exec", with: "Type=exe").write(
            to: directory.appendingPathComponent("vigie.service"),
            atomically: true,
            encoding: .utf8
        )
        let broken = try await Self.run(
            "systemd-analyze",
            ["verify", "--man=no", "vigie.service"],
            environment: environment
        )
        #expect(broken.status != 0 || broken.standardError.contains("Failed to parse service type"))
        try (dropIn + "ReadWritePath=/tmp\n").write(
            to: directory.appendingPathComponent("vigie-logs-purge.service.d/vigie-site.conf"),
            atomically: true,
            encoding: .utf8
        )
        let typo = try await Self.run(
            "systemd-analyze",
            ["verify", "--man=no", "vigie-logs-purge.service"],
            environment: environment
        )
        #expect(typo.standardError.contains("Unknown key 'ReadWritePath'"), "\(typo.standardError)")
    }

    @Test func logrotateRotatesAndKeepsOnlyTheRetention() async throws {
        let root = try BundleFixture.temporaryDirectory("logrotate")
        defer { try? FileManager.default.removeItem(at: root) }
        let logs = root.appendingPathComponent("jitsi")
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        let yaml = BundleFixture.yaml().replacingOccurrences(
            of: "logs:\n  directories: [/var/log/jitsi, /var/log/nginx]\n",
            with: "logs:\n  retention_days: 2\n  directories: [\(logs.path)]\n"
        )
        let bundle = try BundleFixture.render(yaml: yaml)
        let config = root.appendingPathComponent("vigie-jitsi").path
        try #require(bundle["logrotate/vigie-jitsi"]).contents.write(toFile: config, atomically: true, encoding: .utf8)
        let debug = try await Self.run("logrotate", ["-d", "-s", root.appendingPathComponent("state").path, config])
        #expect(debug.status == 0, "\(debug.standardError)")
        #expect(debug.standardError.contains("rotating pattern: \(logs.path)/*.log"), "\(debug.standardError)")

        // Three older rotations exist; a forced rotation keeps only the newest two rotated files.
        let jvb = logs.appendingPathComponent("jvb.log").path
        try "JVB 2026-11-24 10:00:00.000 INFO: line\n".write(toFile: jvb, atomically: true, encoding: .utf8)
        for day in ["20261101", "20261102", "20261103"] {
            try Data("old\n".utf8).write(to: logs.appendingPathComponent("jvb.log-\(day).gz"))
        }
        let forced = try await Self.run("logrotate", ["-f", "-s", root.appendingPathComponent("state").path, config])
        #expect(forced.status == 0, "\(forced.standardError)")
        let names = try FileManager.default.contentsOfDirectory(atPath: logs.path).sorted()
        let rotated = names.filter { $0.hasPrefix("jvb.log-") }
        #expect(rotated.count == 2, "\(names)")
        #expect(
            !rotated.contains("jvb.log-20261101.gz") && !rotated.contains("jvb.log-20261102.gz"),
            "the oldest went: \(names)"
        )
        #expect(rotated.contains("jvb.log-20261103.gz"), "\(names)")
        #expect(
            rotated.contains { !$0.hasSuffix(".gz") },
            "today's rotation, compressed only at the next one (delaycompress): \(names)"
        )
        #expect(try String(contentsOfFile: jvb, encoding: .utf8).isEmpty, "copytruncate empties the live file in place")
        #expect(names.contains("jvb.log"))
    }
}
